/**
 * Training data of the head tier: the project's class table as output channels, the warm-start map
 * (which base model class each project class starts from), and the pool: each accepted training
 * image's inputs at the output grid (features + base logits, pixel-major, for the 3×3 context) and a
 * class-stratified set of labelled cells (majority label per cell, as the adapter tier).
 */
import type { ClassInfo } from '@shared/contract/types'
import { ApiError } from '@shared/contract/errors'
import type { ModelManifest } from '@shared/modelPackage'
import type { ProjectStore } from '../../store/projectStore'
import { classMapping } from '../../prefill/classMap'
import { downsampleLabels, stratify } from '../dataset'
import type { ModelOutputs } from '../../models/features/features'
import { frameOf, NO_CLASS, type OutputsSource } from '../outputs'
import { Prng } from '../prng'
import type { HeadPool } from './headTrainer'
import { trainingCancelled } from '../jobProgress'

/** Output channels of a head: the project's classes that are not ignore, by index. */
export function headClasses(classes: ClassInfo[]): Uint8Array {
  return Uint8Array.from(classes.filter((c) => !c.ignore).map((c) => c.index).sort((a, b) => a - b))
}

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '')
const BACKGROUND = new Set(['unlabeled', 'unlabelled', 'background', 'void', 'none'])

/**
 * Base model class per output channel (-1: a new class, starts from zero). The stored class mapping
 * when the project has one (or the classes agree); otherwise by name, with unlabeled ≙ background.
 */
export function warmMap(store: ProjectStore, manifest: ModelManifest | null, channels: Uint8Array, modelClasses: number): Int32Array {
  if (!manifest) return Int32Array.from(channels, (pi) => (pi < modelClasses ? pi : -1))
  let toProject: Uint8Array | null | undefined
  try {
    toProject = classMapping(store, manifest)
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'conflict') throw e
  }
  const classes = store.classes()
  const warm = new Int32Array(channels.length).fill(-1)
  channels.forEach((pi, k) => {
    if (toProject !== undefined) {
      const m = manifest.classes.findIndex((_, i) => (toProject ? toProject[i] : i) === pi)
      warm[k] = m
      return
    }
    const name = norm(classes.find((c) => c.index === pi)?.name ?? '')
    warm[k] = manifest.classes.findIndex((mc) => norm(mc.name) === name || (BACKGROUND.has(norm(mc.name)) && BACKGROUND.has(name)))
  })
  return warm
}

export interface HeadPoolOptions {
  perImage: number
  /** The head's dilation: which neighbours of a sampled cell the pool keeps (3×3 taps). */
  dilation: number
  seed: number
  recencyBoost: number
  signal?: AbortSignal
  onImage?: (done: number, total: number) => void
  onOutputs?: (imageId: number, o: ModelOutputs) => void
}

export const defaultHeadPoolOptions: Omit<HeadPoolOptions, 'seed'> = { perImage: 2048, dilation: 2, recencyBoost: 2 }

export async function buildHeadPool(store: ProjectStore, source: OutputsSource, ids: number[], channels: Uint8Array, opts: HeadPoolOptions): Promise<HeadPool> {
  const toChannel = new Uint8Array(256).fill(NO_CLASS)
  channels.forEach((pi, k) => (toChannel[pi] = k))
  const rng = new Prng(opts.seed ^ 0x5eed)
  const grids: Float32Array[] = []
  const cells: Int32Array[] = []
  const parts: { img: number; idx: Int32Array; labels: Uint8Array; represent: Float32Array; recency: number }[] = []
  let shape: { d: number; cm: number; h: number; w: number } | null = null
  for (let k = 0; k < ids.length; k++) {
    if (opts.signal?.aborted) throw trainingCancelled()
    const id = ids[k]!
    const ann = store.annotations.current(id)
    if (!ann) continue
    const o = await source.outputs(id)
    opts.onOutputs?.(id, o)
    if (!shape) shape = { d: o.d, cm: o.c, h: o.h, w: o.w }
    else if (o.d !== shape.d || o.c !== shape.cm || o.h !== shape.h || o.w !== shape.w) throw new Error(`Image ${id}: model outputs are ${o.c}+${o.d}×${o.h}×${o.w}, others ${shape.cm}+${shape.d}×${shape.h}×${shape.w}.`)
    const grid = downsampleLabels(ann.labels, frameOf(o, ann.width, ann.height), o.h, o.w, toChannel)
    const picked = stratify(grid, opts.perImage, rng)
    if (!picked.idx.length) continue
    // Keep only the sampled cells' 3×3 dilated neighbourhoods (the head's receptive field), so the
    // pool does not hold every image's full outputs (13 MB+ each at 320×320).
    const keep = neighbourhood(picked.idx, o.h, o.w, opts.dilation)
    const hw = o.h * o.w
    const cin = o.d + o.c
    const g = new Float32Array(keep.length * cin)
    for (let r = 0; r < keep.length; r++) {
      const q = keep[r]!
      const row = r * cin
      for (let c = 0; c < o.d; c++) g[row + c] = o.features[c * hw + q]!
      for (let c = 0; c < o.c; c++) g[row + o.d + c] = o.logits[c * hw + q]!
    }
    const recency = ids.length > 1 ? 1 + ((opts.recencyBoost - 1) * k) / (ids.length - 1) : 1
    parts.push({ img: grids.length, idx: picked.idx, labels: picked.labels, represent: picked.represent, recency })
    grids.push(g)
    cells.push(keep)
    opts.onImage?.(k + 1, ids.length)
  }
  const s = shape ?? { d: 0, cm: 0, h: 0, w: 0 }
  const n = parts.reduce((a, p) => a + p.idx.length, 0)
  const pool: HeadPool = { d: s.d, cm: s.cm, h: s.h, w: s.w, grids, cells, n, img: new Int32Array(n), cell: new Int32Array(n), labels: new Uint8Array(n), represent: new Float32Array(n), recency: new Float32Array(n) }
  let at = 0
  for (const p of parts) {
    pool.img.fill(p.img, at, at + p.idx.length)
    pool.cell.set(p.idx, at)
    pool.labels.set(p.labels, at)
    pool.represent.set(p.represent, at)
    pool.recency.fill(p.recency, at, at + p.idx.length)
    at += p.idx.length
  }
  return pool
}

/** Sorted cell indices of the in-bounds 3×3 dilated taps around each of `idx`. */
export function neighbourhood(idx: Int32Array, h: number, w: number, dil: number): Int32Array {
  const mark = new Uint8Array(h * w)
  let n = 0
  for (const cell of idx) {
    const cy = (cell / w) | 0
    const cx = cell - cy * w
    for (let t = 0; t < 9; t++) {
      const yy = cy + dil * (((t / 3) | 0) - 1)
      const xx = cx + dil * ((t % 3) - 1)
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue
      const q = yy * w + xx
      if (!mark[q]) n++
      mark[q] = 1
    }
  }
  const out = new Int32Array(n)
  for (let q = 0, k = 0; q < mark.length; q++) if (mark[q]) out[k++] = q
  return out
}
