/**
 * Model classes vs project classes. When they agree (same count, same names index by index,
 * ignoring case and separators) the model's indices are written as they are. Otherwise the
 * pre-fill refuses until the user stores an explicit mapping (model index → project index) in the
 * project (store.classMaps, by manifest id), so a model can never write wrong indices. A mapping
 * may leave model classes out (null, "none" in the Models panel): their pixels are written as the
 * project's unlabelled value (unlabelledValue), left to the annotator.
 */
import { ApiError } from '@shared/contract/errors'
import type { ClassInfo } from '@shared/contract/types'
import { UNLABELED } from '@shared/contract/labelPayload'
import type { ModelManifest } from '@shared/modelPackage'
import type { ProjectStore } from '../store/projectStore'

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '')

export function classesAgree(model: ModelManifest['classes'], project: ClassInfo[]): boolean {
  return model.length === project.length && model.every((c, i) => project[i]!.index === c.index && norm(project[i]!.name) === norm(c.name))
}

/** What an unmapped model class writes: the project's ignore class when it has one, else UNLABELED (0). */
export function unlabelledValue(project: ClassInfo[]): number {
  return project.find((c) => c.ignore)?.index ?? UNLABELED
}

/** One entry per model class: a project class index, or null for "not mapped". */
export type ClassMappingEntries = (number | null)[]

function validate(map: unknown, manifest: ModelManifest, project: ClassInfo[]): Uint8Array {
  const C = manifest.classes.length
  const valid = new Set(project.map((c) => c.index))
  if (!Array.isArray(map) || map.length !== C) {
    throw new ApiError('invalid_argument', `A class mapping for ${manifest.id} needs ${C} entries (one project class index per model class), got ${Array.isArray(map) ? map.length : typeof map}.`)
  }
  const out = new Uint8Array(C)
  const none = unlabelledValue(project)
  map.forEach((v, i) => {
    if (v === null) {
      out[i] = none
      return
    }
    if (!Number.isInteger(v) || !valid.has(v as number)) {
      throw new ApiError('invalid_argument', `Class mapping entry ${i} (model class "${manifest.classes[i]!.name}") is ${String(v)}, not a class index of this project (${[...valid].join(', ')}).`)
    }
    out[i] = v as number
  })
  return out
}

/** null = identity; a Uint8Array maps model index → project index; throws when no mapping exists. */
export function classMapping(store: ProjectStore, manifest: ModelManifest): Uint8Array | null {
  const project = store.classes()
  const stored = store.classMaps.get(manifest.id)
  if (stored !== null) return validate(stored, manifest, project)
  if (classesAgree(manifest.classes, project)) return null
  const fmt = (cs: { index: number; name: string }[]): string => cs.map((c) => `${c.index} ${c.name}`).join(', ')
  throw new ApiError(
    'conflict',
    `Model ${manifest.id} predicts classes (${fmt(manifest.classes)}) that differ from this project's (${fmt(project)}). ` +
      `Map them in the Models panel (Model → Models…): a class mapping sends each model class to a project class or to none. Nothing was written.`
  )
}

/** The stored mapping as entered (null entries = not mapped), or null when none is stored. */
export function storedClassMapping(store: ProjectStore, manifest: ModelManifest): ClassMappingEntries | null {
  return store.classMaps.get(manifest.id) as ClassMappingEntries | null
}

export function setClassMapping(store: ProjectStore, manifest: ModelManifest, map: ClassMappingEntries | null): void {
  if (map === null) {
    store.classMaps.remove(manifest.id)
    return
  }
  validate(map, manifest, store.classes())
  store.classMaps.set(manifest.id, map)
}
