/**
 * Inverse of preprocessing for the outputs: the logits' valid (unpadded) region is bilinearly
 * resized to the image size (PyTorch's `interpolate(..., mode='bilinear', align_corners=False)`
 * on the cropped map), then argmax → class, max softmax → confidence (uint8, 255 = 1.0).
 * One pass per output row over typed arrays; the per-axis indices and weights are precomputed.
 */
import { validOutputExtent, type Frame } from './geometry'

export interface Axis {
  i0: Int32Array
  i1: Int32Array
  w1: Float64Array
}

/**
 * align_corners=False source positions for `out` pixels over `valid` input pixels (may be
 * fractional). Training's evaluation uses the same taps, so its scores match what pre-fill shows.
 */
export function axis(out: number, valid: number, inSize: number): Axis {
  const scale = valid / out
  const limit = Math.min(inSize, Math.ceil(valid - 1e-9)) - 1
  const i0 = new Int32Array(out)
  const i1 = new Int32Array(out)
  const w1 = new Float64Array(out)
  for (let o = 0; o < out; o++) {
    let src = (o + 0.5) * scale - 0.5
    if (src < 0) src = 0
    let a = Math.floor(src)
    if (a > limit) a = limit
    i0[o] = a
    i1[o] = a < limit ? a + 1 : a
    w1[o] = a < limit ? src - a : 0
  }
  return { i0, i1, w1 }
}

/** Vertical pass of one output row: per class, logits rows r0 and r1 (offsets) blended by wy. */
export function blendRows(logits: Float32Array, C: number, plane: number, lw: number, r0: number, r1: number, wy: number, rowBuf: Float64Array): void {
  for (let c = 0; c < C; c++) {
    const base = c * plane
    const ob = c * lw
    for (let j = 0; j < lw; j++) {
      const a = logits[base + r0 + j]!
      rowBuf[ob + j] = a + (logits[base + r1 + j]! - a) * wy
    }
  }
}

/**
 * exp(d) for d in (-EXP_RANGE, 0] by linear interpolation in a table with 1/64 steps: relative
 * error ≤ 3.1e-5, far below the confidence's 1/255 resolution, and several times faster than
 * Math.exp in this loop. Terms below e^-EXP_RANGE (< 1.2e-7 each) are dropped.
 */
const EXP_RANGE = 16
const EXP_STEPS = 64
const EXP_LIMIT = EXP_RANGE * EXP_STEPS
const IDENTITY = Uint8Array.from({ length: 256 }, (_, i) => i)
const EXP_TABLE = (() => {
  const t = new Float64Array(EXP_RANGE * EXP_STEPS + 2)
  for (let i = 0; i < t.length; i++) t[i] = Math.exp(-i / EXP_STEPS)
  return t
})()

function columnRuns(ax: Axis): { count: number; start: Int32Array; end: Int32Array } {
  const n = ax.i0.length
  const start = new Int32Array(n)
  const end = new Int32Array(n)
  let count = 0
  for (let x = 0; x < n; x++) {
    if (x === 0 || ax.i0[x] !== ax.i0[x - 1] || ax.i1[x] !== ax.i1[x - 1]) {
      if (count) end[count - 1] = x
      start[count++] = x
    }
  }
  if (count) end[count - 1] = n
  return { count, start, end }
}

export interface LogitsShape {
  c: number
  h: number
  w: number
}

/** Output buffers a caller can hand back for reuse (labels and confidence, one byte a pixel). */
export interface LabelBuffers {
  labels: Uint8Array
  confidence: Uint8Array
}

export interface LabelResult {
  labels: Uint8Array
  confidence: Uint8Array
  /** Mean of the confidence map (uint8 / 255) over all pixels, 0..1. */
  meanConfidence: number
}

/**
 * Labels and confidence at the image size. `classMap` (model index → project index) is applied to
 * the argmax; `into` lets a caller reuse output buffers.
 */
export function labelsFromLogits(logits: Float32Array, shape: LogitsShape, frame: Frame, classMap?: Uint8Array, into?: LabelBuffers): LabelResult {
  const { c: C, h: lh, w: lw } = shape
  const W = frame.imageW
  const H = frame.imageH
  const n = W * H
  const labels = into && into.labels.length === n ? into.labels : new Uint8Array(n)
  const confidence = into && into.confidence.length === n ? into.confidence : new Uint8Array(n)
  const valid = validOutputExtent(frame, lw, lh)
  const ax = axis(W, valid.w, lw)
  const ay = axis(H, valid.h, lh)
  const plane = lh * lw
  // Fast path, exact in uint8: where the four logits nodes around a pixel share the argmax k
  // and each has a top-1/top-2 margin ≥ T, every convex combination keeps k on top by ≥ T, so the
  // pixel's label is k and its confidence rounds to 255 — no per-class work needed.
  const nodes = lh * lw
  const nodeArg = new Uint8Array(nodes)
  const nodeOk = new Uint8Array(nodes)
  const T = C > 1 ? Math.log((C - 1) / (255 / 254.5 - 1)) + 1e-3 : Infinity
  for (let p = 0; p < nodes; p++) {
    let b1 = -Infinity
    let b2 = -Infinity
    let k = 0
    for (let c = 0; c < C; c++) {
      const v = logits[c * plane + p]!
      if (v > b1) { b2 = b1; b1 = v; k = c } else if (v > b2) b2 = v
    }
    nodeArg[p] = k
    nodeOk[p] = b1 - b2 >= T ? 1 : 0
  }
  // Output columns grouped into runs that read the same pair of logits columns.
  const runs = columnRuns(ax)
  // One logits row per class, interpolated vertically, then read horizontally per pixel.
  const rowBuf = new Float64Array(C * lw)
  const vals = new Float64Array(C)
  const left = new Float64Array(C)
  const step = new Float64Array(C)
  const map = classMap ?? IDENTITY
  let confSum = 0
  for (let y = 0; y < H; y++) {
    const r0 = ay.i0[y]! * lw
    const r1 = ay.i1[y]! * lw
    const wy = ay.w1[y]!
    let rowReady = false
    const orow = y * W
    for (let run = 0; run < runs.count; run++) {
      const xs = runs.start[run]!
      const xe = runs.end[run]!
      const x0 = ax.i0[xs]!
      const x1 = ax.i1[xs]!
      const k = nodeArg[r0 + x0]!
      if (nodeOk[r0 + x0]! & nodeOk[r0 + x1]! & nodeOk[r1 + x0]! & nodeOk[r1 + x1]! && nodeArg[r0 + x1] === k && nodeArg[r1 + x0] === k && nodeArg[r1 + x1] === k) {
        // Runs are a few pixels long: a plain loop beats two TypedArray.fill calls per run.
        const label = map[k]!
        for (let i = orow + xs, end = orow + xe; i < end; i++) {
          labels[i] = label
          confidence[i] = 255
        }
        confSum += 255 * (xe - xs)
        continue
      }
      if (!rowReady) {
        blendRows(logits, C, plane, lw, r0, r1, wy, rowBuf)
        rowReady = true
      }
      // Per run, each class's left value and left→right step: v = a + (b - a) * wx exactly as
      // a per-pixel lerp would compute it, without re-reading the row per pixel.
      for (let c = 0; c < C; c++) {
        const a = rowBuf[c * lw + x0]!
        left[c] = a
        step[c] = rowBuf[c * lw + x1]! - a
      }
      for (let x = xs; x < xe; x++) {
        const wx = ax.w1[x]!
        let best = -Infinity
        let second = -Infinity
        let arg = 0
        for (let c = 0; c < C; c++) {
          const v = left[c]! + step[c]! * wx
          vals[c] = v
          if (v > best) { second = best; best = v; arg = c } else if (v > second) second = v
        }
        if (best - second >= T && best < Infinity) {
          // The fast path's bound, per pixel: a top-1/top-2 margin ≥ T makes the exp sum below
          // 255/254.5 (table error included), so the confidence rounds to 255 — what the sum gives.
          confSum += 255
          confidence[orow + x] = 255
          labels[orow + x] = map[arg]!
          continue
        }
        let sum = 0
        for (let c = 0; c < C; c++) {
          const q = (best - vals[c]!) * EXP_STEPS
          if (q < EXP_LIMIT) {
            const i = q | 0
            const lo = EXP_TABLE[i]!
            sum += lo + (EXP_TABLE[i + 1]! - lo) * (q - i)
          }
        }
        const q8 = Math.round(255 / sum)
        confSum += q8
        confidence[orow + x] = q8
        labels[orow + x] = map[arg]!
      }
    }
  }
  return { labels, confidence, meanConfidence: n ? confSum / 255 / n : 0 }
}

/** The logits resized to the image size, [C, H, W] (tests, evaluation). */
export function upsampleLogits(logits: Float32Array, shape: LogitsShape, frame: Frame): Float32Array {
  const { c: C, h: lh, w: lw } = shape
  const W = frame.imageW
  const H = frame.imageH
  const valid = validOutputExtent(frame, lw, lh)
  const ax = axis(W, valid.w, lw)
  const ay = axis(H, valid.h, lh)
  const out = new Float32Array(C * H * W)
  for (let c = 0; c < C; c++) {
    const base = c * lh * lw
    for (let y = 0; y < H; y++) {
      const r0 = base + ay.i0[y]! * lw
      const r1 = base + ay.i1[y]! * lw
      const wy = ay.w1[y]!
      const o = (c * H + y) * W
      for (let x = 0; x < W; x++) {
        const x0 = ax.i0[x]!
        const x1 = ax.i1[x]!
        const wx = ax.w1[x]!
        const top = logits[r0 + x0]! + (logits[r0 + x1]! - logits[r0 + x0]!) * wx
        const bot = logits[r1 + x0]! + (logits[r1 + x1]! - logits[r1 + x0]!) * wx
        out[o + x] = top + (bot - top) * wy
      }
    }
  }
  return out
}
