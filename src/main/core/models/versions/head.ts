/**
 * The head tier of fine-tuning (issue 19): a small per-pixel network at the model's output grid that
 * predicts the PROJECT's classes from the frozen backbone's features and base logits, so a project
 * whose classes the package does not know (PST900, custom) can be fine-tuned without a mapping.
 * Node-free: the training worker and the inference layer (pre-fill, evaluation) share this forward.
 *
 *   x      = standardise(concat(features [D], base logits [Cm]))          per grid cell
 *   h1     = relu(W1 · x + b1)                                              1×1, Cin → H
 *   h2     = relu(Σ_t W2[t] · h1(p + dil·t) + b2)                           3×3 dilated, H → H (zero padding)
 *   out[k] = base[warm[k]] (0 when warm[k] < 0) + b3[k] + W3[k] · h2         1×1, H → P, plus the warm start
 *
 * W3 starts at zero, so a fresh head predicts the base classifier's logit for every project class
 * the model has (warm[k]) and a constant low bias for new ones. Output channel k is project class
 * `classes[k]`. Binary layout (models' head blob): magic "TLHD", uint16 version 1, uint16 0,
 * uint32 d, cm, hidden, dilation, p, then uint8 classes[p] (padded to 4), int32 warm[p], then the
 * float32 tensors mean, invStd [Cin], w1 [H,Cin], b1 [H], w2 [9,H,H], b2 [H], w3 [P,H], b3 [P].
 */
import { ApiError } from '@shared/contract/errors'

export interface Head {
  d: number
  cm: number
  hidden: number
  dilation: number
  p: number
  /** Project class index of each output channel. */
  classes: Uint8Array
  /** Base model class whose logit each output channel starts from, or -1 (a new class). */
  warm: Int32Array
  mean: Float32Array
  invStd: Float32Array
  w1: Float32Array
  b1: Float32Array
  w2: Float32Array
  b2: Float32Array
  w3: Float32Array
  b3: Float32Array
}

export const HEAD_MAGIC = 'TLHD'
export const HEAD_VERSION = 1
/** Initial logit of a project class the base model does not have. */
export const NEW_CLASS_BIAS = -4

export const headTensorNames = ['mean', 'invStd', 'w1', 'b1', 'w2', 'b2', 'w3', 'b3'] as const
type TensorName = (typeof headTensorNames)[number]

export function headShapes(h: Pick<Head, 'd' | 'cm' | 'hidden' | 'p'>): Record<TensorName, number> {
  const cin = h.d + h.cm
  return { mean: cin, invStd: cin, w1: h.hidden * cin, b1: h.hidden, w2: 9 * h.hidden * h.hidden, b2: h.hidden, w3: h.p * h.hidden, b3: h.p }
}

export function encodeHead(h: Head): Uint8Array {
  const shapes = headShapes(h)
  for (const n of headTensorNames) if (h[n].length !== shapes[n]) throw new ApiError('invalid_argument', `Head tensor ${n} has ${h[n].length} values, expected ${shapes[n]}.`)
  const clsBytes = Math.ceil(h.p / 4) * 4
  const floats = headTensorNames.reduce((s, n) => s + shapes[n], 0)
  const buf = new ArrayBuffer(28 + clsBytes + 4 * h.p + 4 * floats)
  const v = new DataView(buf)
  for (let i = 0; i < 4; i++) v.setUint8(i, HEAD_MAGIC.charCodeAt(i))
  v.setUint16(4, HEAD_VERSION, true)
  ;[h.d, h.cm, h.hidden, h.dilation, h.p].forEach((x, i) => v.setUint32(8 + 4 * i, x, true))
  new Uint8Array(buf, 28, h.p).set(h.classes)
  let at = 28 + clsBytes
  for (let k = 0; k < h.p; k++, at += 4) v.setInt32(at, h.warm[k]!, true)
  for (const n of headTensorNames) {
    for (const x of h[n]) {
      v.setFloat32(at, x, true)
      at += 4
    }
  }
  return new Uint8Array(buf)
}

export function decodeHead(blob: Uint8Array, what = 'head'): Head {
  const v = new DataView(blob.buffer, blob.byteOffset, blob.byteLength)
  const bad = (why: string) => new ApiError('bad_input', `${what} is not a valid fine-tuned head: ${why}.`)
  if (blob.byteLength < 28 || String.fromCharCode(...blob.subarray(0, 4)) !== HEAD_MAGIC) throw bad('no TLHD header')
  if (v.getUint16(4, true) !== HEAD_VERSION) throw bad(`format version ${v.getUint16(4, true)}, this build reads ${HEAD_VERSION}`)
  const [d, cm, hidden, dilation, p] = [0, 1, 2, 3, 4].map((i) => v.getUint32(8 + 4 * i, true)) as [number, number, number, number, number]
  const shapes = headShapes({ d, cm, hidden, p })
  const clsBytes = Math.ceil(p / 4) * 4
  const floats = headTensorNames.reduce((s, n) => s + shapes[n], 0)
  if (blob.byteLength !== 28 + clsBytes + 4 * p + 4 * floats) throw bad(`${blob.byteLength} bytes, expected ${28 + clsBytes + 4 * p + 4 * floats}`)
  const classes = blob.slice(28, 28 + p)
  let at = 28 + clsBytes
  const warm = new Int32Array(p)
  for (let k = 0; k < p; k++, at += 4) warm[k] = v.getInt32(at, true)
  const t = {} as Record<TensorName, Float32Array>
  for (const n of headTensorNames) {
    const a = new Float32Array(shapes[n])
    for (let i = 0; i < a.length; i++, at += 4) a[i] = v.getFloat32(at, true)
    t[n] = a
  }
  return { d, cm, hidden, dilation, p, classes, warm, ...t }
}

/**
 * The head over a whole output grid: logits [Cm, h, w] and features [D, h, w] (channel-major, as the
 * backbone gives them) → project-class logits [P, h, w].
 */
export function applyHead(head: Head, logits: Float32Array, features: Float32Array, h: number, w: number): Float32Array {
  const { d, cm, hidden: H, dilation: dil, p: P } = head
  const hw = h * w
  if (features.length < d * hw || logits.length < cm * hw) {
    throw new ApiError('bad_input', `Head is for D=${d}, C=${cm}; the model outputs have ${features.length / hw} features and ${logits.length / hw} classes per cell.`)
  }
  const out = new Float32Array(P * hw)
  // A head whose last layer is zero (a fresh one) is its warm start alone: skip the hidden layers.
  if (head.w3.every((v) => v === 0)) {
    for (let k = 0; k < P; k++) {
      const m = head.warm[k]!
      const o = out.subarray(k * hw, (k + 1) * hw)
      if (m >= 0) o.set(logits.subarray(m * hw, (m + 1) * hw))
      const b = head.b3[k]!
      if (b !== 0) for (let q = 0; q < hw; q++) o[q] += b
    }
    return out
  }
  const cin = d + cm
  const { mean, invStd, w1, b1, w2, b2, w3, b3, warm } = head
  const x = new Float32Array(cin)
  const h1 = new Float32Array(hw * H)
  for (let q = 0; q < hw; q++) {
    for (let c = 0; c < d; c++) x[c] = (features[c * hw + q]! - mean[c]!) * invStd[c]!
    for (let c = 0; c < cm; c++) x[d + c] = (logits[c * hw + q]! - mean[d + c]!) * invStd[d + c]!
    const o = q * H
    for (let j = 0; j < H; j++) {
      let s = b1[j]!
      const row = j * cin
      for (let c = 0; c < cin; c++) s += w1[row + c]! * x[c]!
      h1[o + j] = s > 0 ? s : 0
    }
  }
  // Layer 2 as a scatter from each source cell, so the (about half) zero activations cost nothing;
  // W2 transposed to [t, in, out] makes the innermost loop contiguous.
  const w2t = new Float32Array(9 * H * H)
  for (let t = 0; t < 9; t++) for (let j = 0; j < H; j++) for (let i = 0; i < H; i++) w2t[(t * H + i) * H + j] = w2[(t * H + j) * H + i]!
  const a2 = new Float32Array(hw * H)
  for (let q = 0; q < hw; q++) a2.set(b2, q * H)
  for (let y = 0; y < h; y++)
    for (let xx = 0; xx < w; xx++) {
      const src = (y * w + xx) * H
      for (let i = 0; i < H; i++) {
        const a = h1[src + i]!
        if (a === 0) continue
        for (let t = 0; t < 9; t++) {
          // Source (y, x) feeds destination (y − dil·dy, x − dil·dx) through tap (dy, dx).
          const yy = y - dil * (((t / 3) | 0) - 1)
          const xs = xx - dil * ((t % 3) - 1)
          if (yy < 0 || yy >= h || xs < 0 || xs >= w) continue
          const dst = (yy * w + xs) * H
          const wr = (t * H + i) * H
          for (let j = 0; j < H; j++) a2[dst + j] += w2t[wr + j]! * a
        }
      }
    }
  for (let q = 0; q < hw; q++) {
    const o = q * H
    for (let k = 0; k < P; k++) {
      const m = warm[k]!
      let s = b3[k]! + (m >= 0 ? logits[m * hw + q]! : 0)
      const row = k * H
      for (let j = 0; j < H; j++) {
        const v = a2[o + j]!
        if (v > 0) s += w3[row + j]! * v
      }
      out[k * hw + q] = s
    }
  }
  return out
}

/** The head's warm start alone (last layer zero, biases as fresh): how its base predicts the project's classes. */
export function warmStartOf(head: Head): Head {
  return { ...head, w3: new Float32Array(head.w3.length), b3: Float32Array.from(head.warm, (m) => (m >= 0 ? 0 : NEW_CLASS_BIAS)) }
}
