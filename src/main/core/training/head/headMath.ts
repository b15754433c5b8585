/**
 * Forward and backward of the head (models/versions/head.ts) for a batch of labelled grid cells,
 * written by hand for exactly this network and checked against central finite differences in
 * float64 (test/training/headMath.test.ts). Chosen over an autodiff library because the network is
 * three small layers evaluated at a few thousand sampled cells per step: plain loops over typed
 * arrays are fast enough on 2 cores, add no dependency, and run the same in the worker and inline.
 * Only the 9 dilated taps of each sampled cell are computed, never the whole grid. No Node imports.
 */
import type { Head } from '../../models/versions/head'

export type Arr = Float32Array | Float64Array

/** The trainable tensors (mean/invStd are fixed statistics of the training pool). */
export const trainableNames = ['w1', 'b1', 'w2', 'b2', 'w3', 'b3'] as const
export type TrainableName = (typeof trainableNames)[number]
export type HeadParams = Record<TrainableName, Arr>

/**
 * The images a batch samples from: per image the raw inputs, pixel-major [rows, D + Cm]. Without
 * `cells` a grid is the whole image (row = y·w + x); with `cells[i]` (sorted cell indices) image i's
 * grid holds only those cells, row k = cell cells[i][k] (the training pool keeps just the sampled
 * cells' 3×3 neighbourhoods, not every image's full outputs).
 */
export interface HeadImages {
  h: number
  w: number
  grids: Float32Array[]
  cells?: Int32Array[]
}

/** Row of `cell` in image `img`'s grid (binary search in a compact grid; -1 when it is not kept). */
export function rowOf(images: HeadImages, img: number, cell: number): number {
  const keys = images.cells?.[img]
  if (!keys) return cell
  let lo = 0
  let hi = keys.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const k = keys[mid]!
    if (k === cell) return mid
    if (k < cell) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}

export interface HeadBatch {
  n: number
  img: Int32Array
  /** Cell index y·w + x in its image. */
  cell: Int32Array
  /** Output channel (project class) to predict. */
  labels: Uint8Array
}

export interface HeadScratch {
  xhat: Float64Array
  a1: Float64Array
  valid: Uint8Array
  a2: Float64Array
  h2: Float64Array
  z: Float64Array
  da2: Float64Array
  dh1: Float64Array
}

export function makeHeadScratch(head: Pick<Head, 'd' | 'cm' | 'hidden' | 'p'>): HeadScratch {
  const cin = head.d + head.cm
  const H = head.hidden
  return { xhat: new Float64Array(9 * cin), a1: new Float64Array(9 * H), valid: new Uint8Array(9), a2: new Float64Array(H), h2: new Float64Array(H), z: new Float64Array(head.p), da2: new Float64Array(H), dh1: new Float64Array(H) }
}

/**
 * Mean softmax cross-entropy over the batch; gradients (same shapes as the params) are overwritten.
 * `head` gives the shape, statistics and warm-start map; `params` the values used (they may be a
 * float64 copy for the gradient check).
 */
export function headLossAndGrad(head: Head, params: HeadParams, images: HeadImages, batch: HeadBatch, grads: HeadParams | null, s: HeadScratch): number {
  const { d, cm, hidden: H, dilation: dil, p: P, mean, invStd, warm } = head
  const { w1, b1, w2, b2, w3, b3 } = params
  const cin = d + cm
  const { h, w } = images
  if (grads) for (const n of trainableNames) grads[n].fill(0)
  const inv = 1 / batch.n
  let loss = 0
  for (let b = 0; b < batch.n; b++) {
    const im = batch.img[b]!
    const grid = images.grids[im]!
    const cell = batch.cell[b]!
    const cy = (cell / w) | 0
    const cx = cell - cy * w
    // Layer 1 at the 9 dilated taps.
    for (let t = 0; t < 9; t++) {
      const yy = cy + dil * (((t / 3) | 0) - 1)
      const xx = cx + dil * ((t % 3) - 1)
      const ok = yy >= 0 && yy < h && xx >= 0 && xx < w
      s.valid[t] = ok ? 1 : 0
      if (!ok) continue
      const src = rowOf(images, im, yy * w + xx) * cin
      if (src < 0) throw new Error(`head pool: cell ${yy * w + xx} of image ${im} is not kept`)
      const xo = t * cin
      for (let c = 0; c < cin; c++) s.xhat[xo + c] = (grid[src + c]! - mean[c]!) * invStd[c]!
      for (let j = 0; j < H; j++) {
        let acc = b1[j]!
        const row = j * cin
        for (let c = 0; c < cin; c++) acc += w1[row + c]! * s.xhat[xo + c]!
        s.a1[t * H + j] = acc
      }
    }
    // Layer 2: 3×3 dilated over relu(a1).
    for (let j = 0; j < H; j++) s.a2[j] = b2[j]!
    for (let t = 0; t < 9; t++) {
      if (!s.valid[t]) continue
      const wt = t * H * H
      const ao = t * H
      for (let j = 0; j < H; j++) {
        let acc = 0
        const row = wt + j * H
        for (let i = 0; i < H; i++) {
          const a = s.a1[ao + i]!
          if (a > 0) acc += w2[row + i]! * a
        }
        s.a2[j] += acc
      }
    }
    for (let j = 0; j < H; j++) s.h2[j] = s.a2[j]! > 0 ? s.a2[j]! : 0
    // Layer 3 + warm start, softmax cross-entropy.
    const centre = rowOf(images, im, cell) * cin + d
    let zmax = -Infinity
    for (let k = 0; k < P; k++) {
      const m = warm[k]!
      let acc = b3[k]! + (m >= 0 ? grid[centre + m]! : 0)
      const row = k * H
      for (let j = 0; j < H; j++) acc += w3[row + j]! * s.h2[j]!
      s.z[k] = acc
      if (acc > zmax) zmax = acc
    }
    let sum = 0
    for (let k = 0; k < P; k++) sum += Math.exp(s.z[k]! - zmax)
    const y = batch.labels[b]!
    loss += Math.log(sum) + zmax - s.z[y]!
    if (!grads) continue
    // Backward.
    const g3 = grads.w3
    s.da2.fill(0)
    for (let k = 0; k < P; k++) {
      const gk = ((Math.exp(s.z[k]! - zmax) / sum) - (k === y ? 1 : 0)) * inv
      grads.b3[k] += gk
      const row = k * H
      for (let j = 0; j < H; j++) {
        g3[row + j] += gk * s.h2[j]!
        s.da2[j] += w3[row + j]! * gk
      }
    }
    for (let j = 0; j < H; j++) {
      if (!(s.a2[j]! > 0)) s.da2[j] = 0
      grads.b2[j] += s.da2[j]!
    }
    for (let t = 0; t < 9; t++) {
      if (!s.valid[t]) continue
      const wt = t * H * H
      const ao = t * H
      s.dh1.fill(0)
      for (let j = 0; j < H; j++) {
        const gj = s.da2[j]!
        if (gj === 0) continue
        const row = wt + j * H
        for (let i = 0; i < H; i++) {
          const a = s.a1[ao + i]!
          if (!(a > 0)) continue
          grads.w2[row + i] += gj * a
          s.dh1[i] += w2[row + i]! * gj
        }
      }
      const xo = t * cin
      for (let i = 0; i < H; i++) {
        const gi = s.dh1[i]!
        if (gi === 0) continue
        grads.b1[i] += gi
        const row = i * cin
        for (let c = 0; c < cin; c++) grads.w1[row + c] += gi * s.xhat[xo + c]!
      }
    }
  }
  return loss * inv
}
