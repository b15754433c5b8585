/**
 * From accepted images to training data: the held-out split, label maps brought down to the
 * model's output grid (majority vote), and a compact class-stratified pool of labelled pixels
 * (features and base logits gathered pixel-major) that the worker samples batches from.
 */
import type { ProjectStore } from '../store/projectStore'
import { hashInts, Prng } from './prng'
import { classSpace, frameOf, NO_CLASS, type OutputsSource } from './outputs'
import type { ModelOutputs } from '../models/features/features'
import { validOutputExtent, type Frame } from '../models/pixels/geometry'
import type { TrainingPool } from './trainLoop'
import { trainingCancelled } from './jobProgress'

/** Split names whose accepted images are held out for evaluation, never trained on. */
export const HELD_OUT_SPLIT = /^(val|valid|validation|test)([_-].*)?$/i
/** Share of accepted images held out automatically when the project has no val/test images. */
export const HELD_OUT_SHARE = 0.2
/** Label value for output pixels that are not trained on (ignore class, mixed or padded). */
export const SKIP = 255

export interface DataSplit {
  /** Accepted images to train on, oldest correction first. */
  train: number[]
  heldOut: number[]
  heldOutRule: 'split' | 'share' | 'none'
}

/**
 * Held-out = accepted images in a val/test split; else a fixed share of accepted images chosen by a
 * stable hash of the image id (an image once held out stays held out as more get accepted).
 */
export function splitAccepted(store: ProjectStore): DataSplit {
  const accepted = store.images.ids({ status: ['accepted'] })
  const splitOf = store.images.splitsByStatus('accepted')
  let heldOut = accepted.filter((id) => HELD_OUT_SPLIT.test(splitOf.get(id) ?? ''))
  let rule: DataSplit['heldOutRule'] = 'split'
  if (!heldOut.length || heldOut.length === accepted.length) {
    rule = 'share'
    const score = (id: number) => hashInts(id, 0x7e57) / 4294967296
    heldOut = accepted.filter((id) => score(id) < HELD_OUT_SHARE)
    if (!heldOut.length && accepted.length >= 2) heldOut = [[...accepted].sort((x, y) => score(x) - score(y))[0]!]
    if (heldOut.length === accepted.length) heldOut = heldOut.slice(1)
    if (!heldOut.length) rule = 'none'
  }
  const held = new Set(heldOut)
  const train = byRecency(store, accepted.filter((id) => !held.has(id)))
  return { train, heldOut: heldOut.sort((x, y) => x - y), heldOutRule: rule }
}

/** Orders images by their latest revision (acceptance writes one), oldest first. */
function byRecency(store: ProjectStore, ids: number[]): number[] {
  const rev = store.annotations.latestRevisionIds()
  return [...ids].sort((x, y) => (rev.get(x) ?? 0) - (rev.get(y) ?? 0) || x - y)
}

/**
 * The label map at the output grid (h × w), in model class indices: each output pixel takes the
 * majority project class of the image pixels it covers; SKIP where that class is not trained on
 * (ignore, unmapped), holds under half the pixels, or the pixel is (partly) padding.
 */
export function downsampleLabels(labels: Uint8Array, frame: Frame, h: number, w: number, toModel: Uint8Array): Uint8Array {
  const width = frame.imageW
  const height = frame.imageH
  const valid = validOutputExtent(frame, w, h)
  const out = new Uint8Array(h * w).fill(SKIP)
  const counts = new Int32Array(256)
  const sx = width / valid.w
  const sy = height / valid.h
  const vw = Math.min(w, Math.floor(valid.w + 1e-9))
  const vh = Math.min(h, Math.floor(valid.h + 1e-9))
  for (let y = 0; y < vh; y++) {
    const y0 = Math.min(height - 1, Math.floor(y * sy))
    const y1 = Math.max(y0 + 1, Math.min(height, Math.floor((y + 1) * sy)))
    for (let x = 0; x < vw; x++) {
      const x0 = Math.min(width - 1, Math.floor(x * sx))
      const x1 = Math.max(x0 + 1, Math.min(width, Math.floor((x + 1) * sx)))
      counts.fill(0)
      let best = 0
      let bestN = -1
      for (let yy = y0; yy < y1; yy++)
        for (let xx = x0; xx < x1; xx++) {
          const v = labels[yy * width + xx]!
          const n = ++counts[v]
          if (n > bestN) {
            bestN = n
            best = v
          }
        }
      const m = toModel[best]!
      if (m !== NO_CLASS && bestN * 2 >= (y1 - y0) * (x1 - x0)) out[y * w + x] = m
    }
  }
  return out
}

export interface PoolOptions {
  /** Pooled pixels per image at most (class-stratified). */
  perImage: number
  seed: number
  /** Weight of the newest image relative to the oldest (linear in between). */
  recencyBoost: number
  signal?: AbortSignal
  onImage?: (done: number, total: number) => void
  /** Sees each image's full outputs once (the trainer fits the adapter's domain gate from them). */
  onOutputs?: (imageId: number, o: ModelOutputs) => void
}

export const defaultPoolOptions: Omit<PoolOptions, 'seed'> = { perImage: 3072, recencyBoost: 2 }

/**
 * Gathers the pool from the training images (given oldest first). Per image, every trainable class
 * gets an equal share of `perImage` (rare classes keep all their pixels, the rest is redistributed);
 * each pooled pixel remembers how many pixels it stands for, so the sampler can rebalance freely.
 */
export async function buildPool(store: ProjectStore, source: OutputsSource, ids: number[], opts: PoolOptions): Promise<TrainingPool> {
  // Each image's pooled pixels are gathered at once, so only one image's full outputs are alive.
  const parts: { feats: Float32Array; base: Float32Array; labels: Uint8Array; represent: Float32Array; recency: number }[] = []
  const rng = new Prng(opts.seed ^ 0x5eed)
  const classes = store.classes()
  let c = -1
  let d = -1
  for (let k = 0; k < ids.length; k++) {
    if (opts.signal?.aborted) throw trainingCancelled()
    const id = ids[k]!
    const ann = store.annotations.current(id)
    if (!ann) continue
    const o = await source.outputs(id)
    opts.onOutputs?.(id, o)
    if (c < 0) {
      c = o.c
      d = o.d
    } else if (o.c !== c || o.d !== d) throw new Error(`Image ${id}: model outputs have ${o.c} classes × ${o.d} features, others ${c} × ${d}.`)
    const grid = downsampleLabels(ann.labels, frameOf(o, ann.width, ann.height), o.h, o.w, classSpace(classes, o.c, o.classMap).toModel)
    const picked = stratify(grid, opts.perImage, rng)
    const m = picked.idx.length
    const hw = o.h * o.w
    const feats = new Float32Array(m * d)
    const base = new Float32Array(m * c)
    for (let q = 0; q < m; q++) {
      const px = picked.idx[q]!
      for (let t = 0; t < d; t++) feats[q * d + t] = o.features[t * hw + px]!
      for (let j = 0; j < c; j++) base[q * c + j] = o.logits[j * hw + px]!
    }
    const recency = ids.length > 1 ? 1 + ((opts.recencyBoost - 1) * k) / (ids.length - 1) : 1
    parts.push({ feats, base, labels: picked.labels, represent: picked.represent, recency })
    opts.onImage?.(k + 1, ids.length)
  }
  c = Math.max(c, 0)
  d = Math.max(d, 0)
  const n = parts.reduce((s, p) => s + p.labels.length, 0)
  const pool: TrainingPool = { n, c, d, feats: new Float32Array(n * d), base: new Float32Array(n * c), labels: new Uint8Array(n), represent: new Float32Array(n), recency: new Float32Array(n) }
  let at = 0
  for (const p of parts) {
    pool.feats.set(p.feats, at * d)
    pool.base.set(p.base, at * c)
    pool.labels.set(p.labels, at)
    pool.represent.set(p.represent, at)
    pool.recency.fill(p.recency, at, at + p.labels.length)
    at += p.labels.length
  }
  return pool
}

/** Class-stratified choice of at most `budget` labelled pixels of one grid. */
export function stratify(grid: Uint8Array, budget: number, rng: Prng): { idx: Int32Array; labels: Uint8Array; represent: Float32Array } {
  const byClass = new Map<number, number[]>()
  for (let i = 0; i < grid.length; i++) {
    const v = grid[i]!
    if (v === SKIP) continue
    let l = byClass.get(v)
    if (!l) byClass.set(v, (l = []))
    l.push(i)
  }
  const groups = [...byClass.entries()].sort((x, y) => x[1].length - y[1].length || x[0] - y[0])
  const idx: number[] = []
  const labels: number[] = []
  const represent: number[] = []
  let left = budget
  groups.forEach(([cls, list], g) => {
    const take = Math.min(list.length, Math.floor(left / (groups.length - g)))
    left -= take
    // Partial Fisher–Yates: the first `take` entries become a uniform random subset.
    for (let i = 0; i < take; i++) {
      const j = i + rng.int(list.length - i)
      const t = list[i]!
      list[i] = list[j]!
      list[j] = t
      idx.push(list[i]!)
      labels.push(cls)
      represent.push(list.length / take)
    }
  })
  return { idx: Int32Array.from(idx), labels: Uint8Array.from(labels), represent: Float32Array.from(represent) }
}
