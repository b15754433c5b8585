/**
 * Model versions of a project: the embedded tiny package is registered as a base version on first
 * use (package_path = its folder) and activated when nothing is active; a version resolves to its
 * package folder and, for adapter versions, the adapter tensors.
 */
import { loadGate, type AdapterGate } from './adapterGate'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ApiError } from '@shared/contract/errors'
import type { ModelVersionInfo } from '@shared/contract/types'
import { appRoot } from '../../appInfo'
import type { ProjectStore } from '../../store/projectStore'
import { loadModelPackage } from '../package/packageLoader'
import { decodeAdapter, type Adapter } from '@shared/adapter'
import { decodeHead, type Head } from './head'

export const EMBEDDED_PACKAGE = 'resources/models/tiny-sartm'

export function embeddedPackageDir(): string {
  return process.env.TWINLIGHT_MODEL_DIR ? resolve(process.env.TWINLIGHT_MODEL_DIR) : join(appRoot(), EMBEDDED_PACKAGE)
}

/**
 * The base version for a package folder, registered (and activated if none is) when missing.
 * Returns its id.
 */
export async function ensureBaseModel(store: ProjectStore, dir: string = embeddedPackageDir()): Promise<number> {
  const abs = resolve(dir)
  const known = (): number | null => {
    const existing = store.models.list().find((m) => m.kind === 'base' && resolve(m.packagePath) === abs)
    if (!existing) return null
    if (!store.models.active()) store.models.activate(existing.id)
    return existing.id
  }
  const before = known()
  if (before !== null) return before
  if (!existsSync(abs)) throw new ApiError('not_found', `Model package folder not found: ${abs}.`)
  const pkg = await loadModelPackage(abs)
  // Checked again after the await: two calls at once (panel, status bar, EP probe) register it once.
  const meanwhile = known()
  if (meanwhile !== null) return meanwhile
  const id = store.models.add({ name: pkg.manifest.id, kind: 'base', parentId: null, packagePath: abs })
  if (!store.models.active()) store.models.activate(id)
  return id
}

export interface ResolvedVersion {
  info: ModelVersionInfo
  packageDir: string
  adapter: Adapter | null
  gate: AdapterGate | null
  /** A head-tier version's head: it replaces the package's classifier output by the project's classes. */
  head: Head | null
}

/** `id`, else the active version, else the embedded base (registered on the way). */
export async function resolveVersion(store: ProjectStore, id?: number): Promise<ResolvedVersion> {
  const vid = id ?? store.models.active()?.id ?? (await ensureBaseModel(store))
  const info = store.models.get(vid)
  const blob = info.kind === 'adapter' ? store.models.adapter(vid) : null
  return {
    info,
    packageDir: resolve(store.resolvePath(info.packagePath)),
    adapter: blob && blob.length ? decodeAdapter(blob, `adapter of model version ${vid}`) : null,
    // A fine-tuned adapter applies only to images like the ones it was trained on (see models/versions/adapterGate.ts).
    gate: info.kind === 'adapter' ? loadGate(store, vid) : null,
    head: info.tier === 'head' ? decodeHead(store.models.head(vid)!, `head of model version ${vid}`) : null
  }
}
