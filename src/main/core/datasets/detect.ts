/**
 * Layout detection from folder names only (no image decoding). Names are compared exactly as
 * listed by readdir, so `RGB/` (CMX) and `rgb/` (SARTM) stay distinct even on
 * case-insensitive file systems.
 */
import { join } from 'node:path'
import { LAYOUTS, type DatasetFormat } from '@shared/formats/layouts'
import { isDir, listDir } from './paths'

export class UnknownLayoutError extends Error {
  constructor(readonly root: string, readonly lookedFor: string[]) {
    super(`${root}: unknown dataset layout; looked for:\n  - ${lookedFor.join('\n  - ')}`)
    this.name = 'UnknownLayoutError'
  }
}

export const RGB_FOLDER_NAMES = ['rgb', 'RGB', 'visible', 'Visible', 'vis', 'color', 'colour', 'images_rgb', 'left']
export const THERMAL_FOLDER_NAMES = ['thermal', 'Thermal', 'ir', 'IR', 'infrared', 'Infrared', 'lwir', 'ther', 'Modal', 'images_thermal', 'tir']
export const LABEL_FOLDER_NAMES = ['labels', 'label', 'Label', 'Labels', 'gt', 'masks', 'annotations', 'seg']

async function dirs(root: string): Promise<Set<string>> {
  const out = new Set<string>()
  for (const name of await listDir(root)) if (await isDir(join(root, name))) out.add(name)
  return out
}

/** Split folders (e.g. train/, test/) that contain all the given subfolders. */
export async function splitDirsWith(root: string, sub: readonly string[]): Promise<string[]> {
  const found: string[] = []
  for (const d of await dirs(root)) {
    const inner = await dirs(join(root, d))
    if (sub.every((s) => inner.has(s))) found.push(d)
  }
  return found
}

export async function detectFormat(root: string): Promise<DatasetFormat> {
  if (!(await isDir(root))) throw new Error(`${root}: dataset folder not found or not a folder`)
  const top = await dirs(root)
  if (top.has('images') && top.has('labels')) return 'mfnet'
  if (top.has('RGB') && top.has('Modal')) return 'mfnet-cmx'
  if (top.has('rgb') && top.has('ther')) return 'sartm'
  if ((await splitDirsWith(root, ['rgb', 'thermal'])).length || (await splitDirsWith(root, ['rgb', 'thermal_raw'])).length) return 'pst900'
  if ((await splitDirsWith(root, ['Visible', 'Infrared'])).length) return 'fmb'
  if (RGB_FOLDER_NAMES.some((n) => top.has(n)) && THERMAL_FOLDER_NAMES.some((n) => top.has(n))) return 'folder-pairs'
  throw new UnknownLayoutError(root, LAYOUTS.map((l) => l.description))
}
