/**
 * Scoring at full image resolution, exactly as the app shows masks: grid logits (base + adapter Δ)
 * are cropped to the valid region, resized bilinearly to the image with the inference layer's taps,
 * arg-maxed and class-mapped, then compared with the accepted label map. Per-class IoU and mIoU over
 * the scored project classes that occur (in truth or prediction) in the set.
 */
import type { ProjectStore } from '../store/projectStore'
import { validOutputExtent, type Frame } from '../models/pixels/geometry'
import { axis, blendRows } from '../models/pixels/postprocess'
import { applyAdapter, type Adapter } from '@shared/adapter'
import { classSpace, frameOf, type OutputsSource } from './outputs'
import { gateAllows, type AdapterGate } from '../models/versions/adapterGate'
import { trainingCancelled } from './jobProgress'

/**
 * Arg-max labels at the image size for several logit maps [c, h, w] of one image at once (the
 * interpolation taps are shared; no softmax, evaluation needs only the class). `classMap` maps
 * model → project indices.
 */
export function argmaxAtImageSize(maps: Float32Array[], shape: { c: number; h: number; w: number }, frame: Frame, classMap?: Uint8Array | null): Uint8Array[] {
  const { c: C, h: lh, w: lw } = shape
  const W = frame.imageW
  const H = frame.imageH
  const valid = validOutputExtent(frame, lw, lh)
  const ax = axis(W, valid.w, lw)
  const ay = axis(H, valid.h, lh)
  const plane = lh * lw
  const outs = maps.map(() => new Uint8Array(W * H))
  const rowBuf = new Float64Array(C * lw)
  maps.forEach((logits, m) => {
    const labels = outs[m]!
    for (let y = 0; y < H; y++) {
      const r0 = ay.i0[y]! * lw
      const r1 = ay.i1[y]! * lw
      const wy = ay.w1[y]!
      blendRows(logits, C, plane, lw, r0, r1, wy, rowBuf)
      const orow = y * W
      for (let x = 0; x < W; x++) {
        const x0 = ax.i0[x]!
        const x1 = ax.i1[x]!
        const wx = ax.w1[x]!
        let best = -Infinity
        let arg = 0
        for (let c = 0, ob = 0; c < C; c++, ob += lw) {
          const a = rowBuf[ob + x0]!
          const v = a + (rowBuf[ob + x1]! - a) * wx
          if (v > best) {
            best = v
            arg = c
          }
        }
        labels[orow + x] = classMap ? classMap[arg]! : arg
      }
    }
  })
  return outs
}

/** Confusion counts over project class indices, truth-major: m[t * size + p]. */
export interface Confusion {
  size: number
  m: Float64Array
  /** 1 for classes that are scored. */
  scored: Uint8Array
}

export function newConfusion(size: number, scored: Uint8Array): Confusion {
  return { size, m: new Float64Array(size * size), scored }
}

/** Adds one image's prediction; truth pixels of unscored classes (ignore, unmapped) are skipped. */
export function accumulate(conf: Confusion, pred: Uint8Array, truth: Uint8Array): void {
  const { size, m, scored } = conf
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!
    if (!scored[t]) continue
    const p = pred[i]!
    if (p < size) m[t * size + p]++
  }
}

export interface IouTable {
  /** IoU per project class index (null: not scored, or absent from truth and prediction). */
  perClass: (number | null)[]
  mIoU: number | null
}

export function iouTable(conf: Confusion): IouTable {
  const { size, m, scored } = conf
  const perClass: (number | null)[] = []
  let sum = 0
  let n = 0
  for (let k = 0; k < size; k++) {
    const tp = m[k * size + k]!
    let fn = 0
    let fp = 0
    for (let j = 0; j < size; j++) {
      if (j === k) continue
      fn += m[k * size + j]!
      fp += m[j * size + k]!
    }
    const union = tp + fn + fp
    if (!scored[k] || union === 0) {
      perClass.push(null)
      continue
    }
    perClass.push(tp / union)
    sum += tp / union
    n++
  }
  return { perClass, mIoU: n ? sum / n : null }
}

/** One model to score: an adapter (null = the base package alone) and its domain gate. */
export type EvalVariant = { weights: Adapter | null; gate: AdapterGate | null } | null

export interface VariantScores {
  conf: Confusion
  /** Images the adapter was applied to (its gate let it). */
  applied: number
}

/**
 * Scores several adapters on the same images, reading each image's outputs once. An adapter whose
 * gate refuses an image leaves that image at the base package's prediction.
 */
export async function evaluateVariants(store: ProjectStore, source: OutputsSource, ids: number[], variants: EvalVariant[], opts: { signal?: AbortSignal; onImage?: (done: number, total: number) => void } = {}): Promise<VariantScores[]> {
  const classes = store.classes()
  let out: VariantScores[] | null = null
  for (let k = 0; k < ids.length; k++) {
    if (opts.signal?.aborted) throw trainingCancelled()
    const id = ids[k]!
    const ann = store.annotations.current(id)
    if (!ann) continue
    const o = await source.outputs(id)
    if (!out) {
      const space = classSpace(classes, o.c, o.classMap)
      out = variants.map(() => ({ conf: newConfusion(space.size, space.scored), applied: 0 }))
    }
    const hw = o.h * o.w
    const maps = variants.map((v, i) => {
      if (!v?.weights || !gateAllows(v.gate, o.features, o.d, o.h, o.w, o.frame)) return o.logits
      out![i]!.applied++
      const logits = o.logits.slice(0, o.c * hw)
      applyAdapter(logits, o.features, o, v.weights)
      return logits
    })
    argmaxAtImageSize(maps, o, frameOf(o, ann.width, ann.height), o.classMap).forEach((labels, i) => accumulate(out![i]!.conf, labels, ann.labels))
    opts.onImage?.(k + 1, ids.length)
  }
  if (out) return out
  const space = classSpace(classes, 0)
  return variants.map(() => ({ conf: newConfusion(space.size, space.scored), applied: 0 }))
}
