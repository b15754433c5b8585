/**
 * Writes a synthetic dataset in the MFNet official layout:
 *   images/<name>.png (4-channel RGB + thermal), labels/<name>.png (1-channel uint8),
 *   train.txt / val.txt / test.txt / test_day.txt / test_night.txt, optional instances/<name>.png (16-bit).
 * Names follow MFNet: 5-digit index + D (day) or N (night). Splits are a seeded shuffle cut
 * 50/25/25; each split file lists its names in name order.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { encodeGrey16Png, encodeLabelPng, encodeMfnet4Png } from '../../imaging/png'
import { hashSeed, mulberry32 } from './prng'
import { generateScene, type SceneOptions } from './scene'

export interface SyntheticDatasetOptions extends SceneOptions {
  count: number
  seed: number
  /** Also write instances/<name>.png (16-bit instance ids; importers ignore the folder). */
  instances?: boolean
  /** zlib level for the PNGs; lower is faster and larger. Default 3. */
  compressionLevel?: number
  onProgress?: (done: number, total: number) => void
  signal?: AbortSignal
}

export interface SyntheticDatasetResult {
  names: string[]
  splits: Record<'train' | 'val' | 'test' | 'test_day' | 'test_night', string[]>
  night: number
}

export function sceneName(index: number, night: boolean): string {
  return `${String(index + 1).padStart(5, '0')}${night ? 'N' : 'D'}`
}

/** Seed of image i in a dataset with the given seed (exposed so tests can regenerate one image). */
export function sceneSeed(datasetSeed: number, index: number): number {
  return hashSeed(datasetSeed, index, 0x5ce9e)
}

/** Deterministic 50/25/25 split of names (Fisher-Yates with a seeded PRNG). */
export function splitNames(names: readonly string[], seed: number): { train: string[]; val: string[]; test: string[] } {
  const order = names.slice()
  const rng = mulberry32(hashSeed(seed, 0x5911))
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    const t = order[i]; order[i] = order[j]; order[j] = t
  }
  const nTrain = Math.round(order.length * 0.5)
  const nVal = Math.round(order.length * 0.25)
  const sorted = (a: string[]): string[] => a.sort()
  return {
    train: sorted(order.slice(0, nTrain)),
    val: sorted(order.slice(nTrain, nTrain + nVal)),
    test: sorted(order.slice(nTrain + nVal))
  }
}

export async function writeSyntheticDataset(dir: string, opts: SyntheticDatasetOptions): Promise<SyntheticDatasetResult> {
  const { count, seed } = opts
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`)
  await mkdir(join(dir, 'images'), { recursive: true })
  await mkdir(join(dir, 'labels'), { recursive: true })
  if (opts.instances) await mkdir(join(dir, 'instances'), { recursive: true })
  const level = { compressionLevel: opts.compressionLevel ?? 3 }
  const names: string[] = []
  let nightCount = 0
  // Generation is synchronous JS; encoding runs on libuv threads. Keep a few encodes in flight so
  // both overlap without piling up memory.
  const inFlight = new Set<Promise<void>>()
  const maxInFlight = 6
  let done = 0
  for (let i = 0; i < count; i++) {
    opts.signal?.throwIfAborted()
    const scene = generateScene(sceneSeed(seed, i), opts)
    const name = sceneName(i, scene.night)
    names.push(name)
    if (scene.night) nightCount++
    const job = (async () => {
      const writes = [
        encodeMfnet4Png(scene.rgb, scene.thermal, scene.width, scene.height, level).then((b) => writeFile(join(dir, 'images', `${name}.png`), b)),
        encodeLabelPng(scene.label, scene.width, scene.height, level).then((b) => writeFile(join(dir, 'labels', `${name}.png`), b))
      ]
      if (opts.instances) {
        writes.push(encodeGrey16Png(scene.instances, scene.width, scene.height, level).then((b) => writeFile(join(dir, 'instances', `${name}.png`), b)))
      }
      await Promise.all(writes)
      done++
      opts.onProgress?.(done, count)
    })()
    inFlight.add(job)
    void job.finally(() => inFlight.delete(job)).catch(() => undefined)
    if (inFlight.size >= maxInFlight) await Promise.race(inFlight)
  }
  await Promise.all(inFlight)
  const s = splitNames(names, seed)
  const splits = {
    ...s,
    test_day: s.test.filter((n) => n.endsWith('D')),
    test_night: s.test.filter((n) => n.endsWith('N'))
  }
  for (const [file, list] of Object.entries(splits)) {
    await writeFile(join(dir, `${file}.txt`), list.length ? list.join('\n') + '\n' : '')
  }
  return { names, splits, night: nightCount }
}
