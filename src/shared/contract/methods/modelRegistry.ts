/**
 * The Models panel's calls: which model packages the project has (embedded, added folders or
 * zips, fine-tuned versions), which one pre-fills, which model serves clicks, each package's class
 * mapping state; adding and removing packages and click models. Removing never deletes the
 * user's files, only what Twinlight copied into its data folder.
 */
import { z } from 'zod'
import { method } from '../define'
import { fsPath, id } from './common'
import { promptSource, type PromptModelInfo } from './prompt'

export interface RegistryClass {
  index: number
  name: string
}

export interface RegistryPackage {
  /** Model version id (activateModel, setClassMapping). */
  versionId: number
  name: string
  /** Manifest id (class mappings are stored per manifest id). */
  manifestId: string | null
  kind: 'embedded' | 'added' | 'fine-tuned'
  path: string
  /** The package was copied (unzipped) into Twinlight's data folder; removing deletes that copy. */
  copied: boolean
  prefills: boolean
  servesClicks: boolean
  hasPromptDecoder: boolean
  /** The model's classes; empty when the package cannot be read (problem says why). */
  classes: RegistryClass[]
  /** Classes equal to the project's (no mapping needed). */
  classesAgree: boolean
  /** The stored mapping (model index → project index or null), or null when none is stored. */
  mapping: (number | null)[] | null
  problem: string | null
}

export interface ModelRegistry {
  packages: RegistryPackage[]
  clickModel: (PromptModelInfo & { kind: 'onnx-pair' | 'package' }) | null
  projectClasses: RegistryClass[]
}

export const modelRegistryMethods = {
  listModelRegistry: method<ModelRegistry>()(z.object({}).strict(), 'Model packages, which pre-fills, which serves clicks, and class mapping state.'),
  /** A folder holding manifest.json (used where it is), or a .zip of one (unpacked into the data folder). */
  addModelPackage: method<ModelRegistry & { added: number }>()(
    z.object({ path: fsPath }).strict(),
    'Add a model package from a folder or a .zip (unzipped safely into the app data folder).'
  ),
  /** `confirm` is required when the version is in use (pre-fills or serves clicks). */
  removeModel: method<ModelRegistry>()(
    z.object({ id, confirm: z.boolean().default(false) }).strict(),
    'Remove a model version; deletes only a copy Twinlight made, never the user\'s files.'
  ),
  registerClickModel: method<ModelRegistry>()(
    z
      .object({
        encoder: fsPath.optional(),
        decoder: fsPath.optional(),
        folder: fsPath.optional(),
        xanylabelingConfig: fsPath.optional(),
        name: z.string().min(1).max(200).optional(),
        source: promptSource.optional()
      })
      .strict()
      .refine((a) => [a.folder, a.xanylabelingConfig, a.encoder ?? a.decoder].filter(Boolean).length === 1, 'give encoder + decoder, a folder, or an X-AnyLabeling config'),
    'Register the click (SAM/SAM2) model: an encoder/decoder pair, a folder, or an X-AnyLabeling config .yaml.'
  ),
  removeClickModel: method<ModelRegistry>()(z.object({}).strict(), 'Unregister the click model (its files stay where they are).')
}
