/**
 * The import dialog's preview, read-only: the layout (detected, or the one chosen), counts per
 * split, a few RGB/thermal thumbnail pairs, the class table and every problem file by file, from
 * the same scan and per-item checks the import runs, so what the preview lists is what import reports.
 */
import sharp from 'sharp'
import { validValueTable } from '@shared/formats/classes'
import type { DatasetFormat } from '@shared/formats/layouts'
import type { ImportPreview } from '@shared/contract/methods/folders'
import { ApiError } from '@shared/contract/errors'
import { readRgb, readThermal } from '../imaging/png'
import { detectFormat, UnknownLayoutError } from './detect'
import { orderedPool } from './import'
import { scanDataset } from './scan'
import { DatasetFileError, type DatasetItem, type DatasetProblem } from './types'
import { loadItem, type LoadContext } from './validate'

/** Items whose files the preview checks (a larger folder is checked up to here; import checks the rest). */
export const PREVIEW_CHECK_LIMIT = 2000
const SAMPLES = 4
const THUMB = 112

export interface PreviewOptions {
  format?: DatasetFormat
  /** Content hashes (sha256 of RGB + thermal bytes) of images already in the project. */
  projectHashes?: ReadonlySet<string>
  checkLimit?: number
}

async function thumbnail(raw: { width: number; height: number; data: Uint8Array }, channels: 1 | 3): Promise<string> {
  const jpeg = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels } }).resize(THUMB, THUMB, { fit: 'inside' }).jpeg({ quality: 75 }).toBuffer()
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`
}

/** Thermal stretched to 8 bits (min..max), as the viewer's default window shows it. */
function stretch(t: { bitDepth: 8 | 16; data: Uint8Array | Uint16Array }): Uint8Array {
  if (t.bitDepth === 8) return t.data as Uint8Array
  let lo = 65535
  let hi = 0
  for (const v of t.data) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  const out = new Uint8Array(t.data.length)
  const span = Math.max(1, hi - lo)
  for (let i = 0; i < out.length; i++) out[i] = Math.round(((t.data[i]! - lo) * 255) / span)
  return out
}

async function samplePair(item: DatasetItem): Promise<ImportPreview['samples'][number]> {
  const rgb = await readRgb(item.rgbPath)
  const t = await readThermal(item.thermalPath, item.thermalChannel)
  return { name: item.name, split: item.split, rgb: await thumbnail(rgb, 3), thermal: await thumbnail({ width: t.width, height: t.height, data: stretch(t) }, 1) }
}

export async function previewImport(path: string, opts: PreviewOptions = {}): Promise<ImportPreview> {
  let index
  try {
    index = await scanDataset(path, opts.format ? { format: opts.format } : {})
  } catch (e) {
    if (e instanceof UnknownLayoutError) {
      return { path, format: null, detected: null, unknownLayout: e.message, total: 0, splits: [], classes: [], samples: [], problems: [], checked: 0, failing: 0, alreadyInProject: 0 }
    }
    throw new ApiError('bad_input', (e as Error).message)
  }
  const detected = opts.format ? await detectFormat(index.root).catch(() => null) : index.format
  const ctx: LoadContext = { root: index.root, classes: index.classes, validValues: validValueTable(index.classes) }
  const toCheck = index.items.slice(0, opts.checkLimit ?? PREVIEW_CHECK_LIMIT)
  const problems: DatasetProblem[] = [...index.problems]
  const good: DatasetItem[] = []
  let alreadyInProject = 0
  let failing = 0
  await orderedPool(
    toCheck, 4,
    (item) => loadItem(item, ctx).then((r) => r, (err: unknown) => {
      if (err instanceof DatasetFileError) return { file: err.file, reason: err.reason }
      throw err
    }),
    (out) => {
      if ('reason' in out) {
        failing++
        return void problems.push(out)
      }
      good.push(out.item)
      if (opts.projectHashes?.has(out.contentHash)) alreadyInProject++
    }
  )
  const counts = new Map<string, number>()
  for (const it of index.items) counts.set(it.split, (counts.get(it.split) ?? 0) + 1)
  const picks = good.filter((_, i) => i % Math.max(1, Math.floor(good.length / SAMPLES)) === 0).slice(0, SAMPLES)
  return {
    path: index.root,
    format: index.format,
    detected,
    unknownLayout: null,
    total: index.items.length,
    splits: [...counts].map(([split, count]) => ({ split, count })),
    // No label maps in the folder: no table comes with it (the project keeps its own).
    classes: index.items.some((i) => i.labelPath !== undefined) ? index.classes : [],
    samples: await Promise.all(picks.map(samplePair)),
    problems,
    checked: toCheck.length,
    failing,
    alreadyInProject
  }
}
