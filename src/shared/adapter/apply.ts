/**
 * Applies an adapter to base logits in place: logits[c,p] += scale · (B·A·features)[c,p]. The one
 * implementation, used by pre-fill, model outputs and training's evaluation alike. Computed as
 * M = scale·B·A ([C, D], tiny) once, then one pass over channels so the inner loop runs along
 * pixels. A zero B leaves the logits untouched bit for bit (the update is skipped entirely when M
 * is all zero).
 */
import { ApiError } from '../contract/errors'
import type { Adapter } from './format'

/** M = scale · B · A, [C, D] row-major. */
export function adapterMatrix(ad: Adapter): Float32Array {
  const m = new Float32Array(ad.c * ad.d)
  for (let c = 0; c < ad.c; c++) {
    for (let k = 0; k < ad.rank; k++) {
      const bk = ad.b[c * ad.rank + k]! * ad.scale
      if (bk === 0) continue
      for (let d = 0; d < ad.d; d++) m[c * ad.d + d] += bk * ad.a[k * ad.d + d]!
    }
  }
  return m
}

/** logits [C, h, w] += M · features [D, h, w], channel-major; refuses an adapter of another shape. */
export function applyAdapter(logits: Float32Array, features: Float32Array, shape: { c: number; d: number; h: number; w: number }, ad: Adapter): void {
  if (ad.c !== shape.c || ad.d !== shape.d) {
    throw new ApiError('bad_input', `Adapter is for C=${ad.c}, D=${ad.d} but the model gives C=${shape.c}, D=${shape.d}.`)
  }
  const m = adapterMatrix(ad)
  if (m.every((x) => x === 0)) return
  const plane = shape.h * shape.w
  for (let c = 0; c < shape.c; c++) {
    const out = logits.subarray(c * plane, (c + 1) * plane)
    for (let d = 0; d < shape.d; d++) {
      const k = m[c * shape.d + d]!
      if (k === 0) continue
      const fe = features.subarray(d * plane, (d + 1) * plane)
      for (let p = 0; p < plane; p++) out[p] += k * fe[p]!
    }
  }
}
