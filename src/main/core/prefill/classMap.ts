/**
 * Model classes vs project classes. When they agree (same count, same names index by index,
 * ignoring case and separators) the model's indices are written as they are. Otherwise the
 * pre-fill refuses until the user stores an explicit mapping (model index → project index) in the
 * project meta under `classMap:<manifest id>`, so a model can never write wrong indices.
 */
import { ApiError } from '@shared/contract/errors'
import type { ClassInfo } from '@shared/contract/types'
import type { ModelManifest } from '@shared/modelPackage'
import type { ProjectStore } from '../store/projectStore'

export const classMapKey = (manifestId: string): string => `classMap:${manifestId}`

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '')

export function classesAgree(model: ModelManifest['classes'], project: ClassInfo[]): boolean {
  return model.length === project.length && model.every((c, i) => project[i]!.index === c.index && norm(project[i]!.name) === norm(c.name))
}

function validate(map: unknown, manifest: ModelManifest, project: ClassInfo[]): Uint8Array {
  const C = manifest.classes.length
  const valid = new Set(project.map((c) => c.index))
  if (!Array.isArray(map) || map.length !== C) {
    throw new ApiError('invalid_argument', `A class mapping for ${manifest.id} needs ${C} entries (one project class index per model class), got ${Array.isArray(map) ? map.length : typeof map}.`)
  }
  const out = new Uint8Array(C)
  map.forEach((v, i) => {
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
  const stored = store.getMeta(classMapKey(manifest.id))
  if (stored) return validate(JSON.parse(stored), manifest, project)
  if (classesAgree(manifest.classes, project)) return null
  const fmt = (cs: { index: number; name: string }[]): string => cs.map((c) => `${c.index} ${c.name}`).join(', ')
  throw new ApiError(
    'conflict',
    `Model ${manifest.id} predicts classes (${fmt(manifest.classes)}) that differ from this project's (${fmt(project)}). ` +
      `Choose a class mapping for this model in the Model panel (a project class for each model class) before pre-filling; nothing was written.`
  )
}

export function setClassMapping(store: ProjectStore, manifest: ModelManifest, map: number[] | null): void {
  if (map === null) {
    store.db.prepare('DELETE FROM meta WHERE key = ?').run(classMapKey(manifest.id))
    return
  }
  validate(map, manifest, store.classes())
  store.setMeta(classMapKey(manifest.id), JSON.stringify(map))
}
