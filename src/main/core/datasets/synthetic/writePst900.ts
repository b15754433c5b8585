/**
 * Writes the indoor synthetic family in PST900's layout:
 *   {train,test}/{rgb,thermal,thermal_raw,depth,labels}/<name>.png, the same name in every folder;
 *   rgb 8-bit x3, thermal 8-bit (0 = reprojection hole), thermal_raw and depth 16-bit, labels 0..4.
 * Names are 5-digit indices; the split is the street family's seeded shuffle with val folded into
 * train (75/25, close to PST900's 597/288).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { encodeGrey16Png, encodeGrey8Png, encodeLabelPng, encodeRgbPng } from '../../imaging/png'
import { generateIndoorScene, type IndoorSceneOptions } from './indoorScene'
import { sceneSeed, splitNames } from './writeDataset'

export const PST900_FOLDERS = ['rgb', 'thermal', 'thermal_raw', 'depth', 'labels'] as const

export interface Pst900DatasetOptions extends IndoorSceneOptions {
  count: number
  seed: number
  compressionLevel?: number
  onProgress?: (done: number, total: number) => void
  signal?: AbortSignal
}

export interface Pst900DatasetResult {
  names: string[]
  splits: { train: string[]; test: string[] }
}

export async function writePst900Dataset(dir: string, opts: Pst900DatasetOptions): Promise<Pst900DatasetResult> {
  const { count, seed } = opts
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`)
  const names = Array.from({ length: count }, (_, i) => String(i + 1).padStart(5, '0'))
  const s = splitNames(names, seed)
  const splits = { train: [...s.train, ...s.val].sort(), test: s.test }
  const splitOf = new Map<string, string>()
  for (const [split, list] of Object.entries(splits)) {
    for (const n of list) splitOf.set(n, split)
    for (const f of PST900_FOLDERS) await mkdir(join(dir, split, f), { recursive: true })
  }
  const level = { compressionLevel: opts.compressionLevel ?? 3 }
  const inFlight = new Set<Promise<void>>()
  let done = 0
  for (let i = 0; i < count; i++) {
    opts.signal?.throwIfAborted()
    const sc = generateIndoorScene(sceneSeed(seed, i), opts)
    const name = names[i]
    const at = (folder: string) => (b: Buffer) => writeFile(join(dir, splitOf.get(name) as string, folder, `${name}.png`), b)
    const job = Promise.all([
      encodeRgbPng(sc.rgb, sc.width, sc.height, level).then(at('rgb')),
      encodeGrey8Png(sc.thermal, sc.width, sc.height, level).then(at('thermal')),
      encodeGrey16Png(sc.thermalRaw, sc.width, sc.height, level).then(at('thermal_raw')),
      encodeGrey16Png(sc.depth, sc.width, sc.height, level).then(at('depth')),
      encodeLabelPng(sc.label, sc.width, sc.height, level).then(at('labels'))
    ]).then(() => { done++; opts.onProgress?.(done, count) })
    inFlight.add(job)
    void job.finally(() => inFlight.delete(job)).catch(() => undefined)
    if (inFlight.size >= 4) await Promise.race(inFlight)
  }
  await Promise.all(inFlight)
  return { names, splits }
}
