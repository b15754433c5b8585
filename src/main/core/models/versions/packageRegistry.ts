/**
 * Adding and removing model packages (Models panel). A folder is registered where it is; a .zip is
 * unpacked (zipExtract.ts) into a new folder under `<data>/models/` and registered there. Removing
 * a version deletes its row, and deletes its folder only when Twinlight made that folder (under
 * `<data>/models/`: an unpacked zip, or a LoRA-tier version's package); a user's folder is never touched.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve, sep } from 'node:path'
import { ApiError } from '@shared/contract/errors'
import type { ProjectStore } from '../../store/projectStore'
import { loadModelPackage, ModelPackageError } from '../package/packageLoader'
import { extractZip } from '../package/zipExtract'
import { embeddedPackageDir, ensureBaseModel } from './modelVersions'

/** Where unpacked packages go. */
export function copiedPackagesDir(dataDir: string): string {
  return join(resolve(dataDir), 'models')
}

export function isCopiedPackage(dataDir: string, path: string): boolean {
  return resolve(path).startsWith(copiedPackagesDir(dataDir) + sep)
}

export function isEmbeddedPackage(path: string): boolean {
  return resolve(path) === resolve(embeddedPackageDir())
}

/** The package folder inside an unpacked zip: its root or its only top-level folder. */
function packageRoot(dir: string, zip: string): string {
  if (existsSync(join(dir, 'manifest.json'))) return dir
  const subs = readdirSync(dir).filter((f) => statSync(join(dir, f)).isDirectory() && f !== '__MACOSX')
  if (subs.length === 1 && existsSync(join(dir, subs[0]!, 'manifest.json'))) return join(dir, subs[0]!)
  throw new ApiError('bad_input', `${zip} holds no model package: manifest.json is neither at its root nor in its only top-level folder.`)
}

/** loadModelPackage with its problem as a bad_input sentence naming what the user gave. */
async function checkPackage(dir: string, given: string): Promise<void> {
  try {
    await loadModelPackage(dir)
  } catch (e) {
    if (e instanceof ModelPackageError) throw new ApiError('bad_input', `${given}: ${e.message}`)
    throw e
  }
}

/** Validates and registers a package folder or zip; returns the new (or existing) version id. */
export async function addModelPackage(store: ProjectStore, dataDir: string, path: string): Promise<number> {
  const src = resolve(path)
  if (!existsSync(src)) throw new ApiError('not_found', `Model package not found: ${src}`)
  if (statSync(src).isDirectory()) {
    if (!existsSync(join(src, 'manifest.json'))) throw new ApiError('bad_input', `${src} is not a model package: it has no manifest.json (see docs/model-package.md).`)
    await checkPackage(src, src)
    return ensureBaseModel(store, src)
  }
  if (!src.toLowerCase().endsWith('.zip')) throw new ApiError('bad_input', `${src} is neither a package folder nor a .zip file.`)
  const dest = join(copiedPackagesDir(dataDir), `${basename(src, '.zip').replace(/[^\w.-]+/g, '_').slice(0, 60)}-${randomBytes(4).toString('hex')}`)
  extractZip(src, dest)
  try {
    const root = packageRoot(dest, src)
    await checkPackage(root, src)
    return await ensureBaseModel(store, root)
  } catch (e) {
    rmSync(dest, { recursive: true, force: true }) // ours: made by extractZip just above
    throw e
  }
}

/** Deletes a version (refused while history refers to it) and a folder Twinlight made for it. */
export function removeModelVersion(store: ProjectStore, dataDir: string, id: number): void {
  const v = store.models.get(id)
  const dir = resolve(store.resolvePath(v.packagePath))
  if (v.kind === 'base' && isEmbeddedPackage(dir)) throw new ApiError('forbidden', `${v.name} is the package built into Twinlight; it cannot be removed (make another version active instead).`)
  store.models.remove(id)
  const stillUsed = store.models.list().some((m) => resolve(store.resolvePath(m.packagePath)) === dir)
  if (v.kind === 'base' && !stillUsed && isCopiedPackage(dataDir, dir)) {
    // the folder extractZip made: <data>/models/<name>-<hex>, perhaps holding the package one level down
    const rel = dir.slice(copiedPackagesDir(dataDir).length + 1).split(sep)[0]!
    rmSync(join(copiedPackagesDir(dataDir), rel), { recursive: true, force: true })
  }
  // A LoRA-tier version's package: the folder its job wrote, <data>/models/lora-…, directly.
  if (v.tier === 'lora' && !stillUsed && isCopiedPackage(dataDir, dir) && dirname(dir) === copiedPackagesDir(dataDir) && basename(dir).startsWith('lora-')) {
    // Its class mapping (keyed by the package's unique manifest id) goes with it.
    try {
      const id = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { id?: unknown }).id
      if (typeof id === 'string') store.classMaps.remove(id)
    } catch {
      /* no readable manifest: nothing mapped under it */
    }
    rmSync(dir, { recursive: true, force: true })
  }
}
