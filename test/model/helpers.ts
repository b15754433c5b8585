/**
 * Test-side helpers for model packages: float32 fixture reading, the manifest's input
 * normalisation (the app's parity check's, float32 op by op, matching model/package.py's normalise_u8 bit for bit), and the
 * LoRA adapter update on the classifier over `features`: Δlogits = B·A·features.
 * The production adapter lives in src/shared/adapter; this is the independent reference the tests use.
 */
import { readFileSync } from 'node:fs'

/** The embedded package; MODEL_PACKAGE_DIR points the tests at another export (e.g. a fresh one). */
export const TINY_PACKAGE_DIR = process.env.MODEL_PACKAGE_DIR ?? 'resources/models/tiny-sartm'

export function readF32(path: string): Float32Array {
  const buf = readFileSync(path)
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
}

/** raw: HWC uint8 (R, G, B, thermal) already at the manifest's input size; 8-bit thermal only (the parity check's own, src/main/core/models/package/parityCheck.ts). */
export { normaliseRawU8 as normaliseInputs } from '../../src/main/core/models/package/parityCheck'

/** Low-rank adapter on the final per-pixel classifier: A [r x D], B [C x r], row-major. */
export interface Adapter { rank: number; A: Float32Array; B: Float32Array }

/** logits [C, h*w] + B·(A·features) with features [D, h*w]; returns a new array. */
export function applyAdapter(logits: Float32Array, features: Float32Array, C: number, D: number, hw: number, ad: Adapter): Float32Array {
  const { rank: r, A, B } = ad
  const out = new Float32Array(logits)
  const z = new Float32Array(r * hw)
  for (let k = 0; k < r; k++) {
    for (let d = 0; d < D; d++) {
      const a = A[k * D + d]
      if (a === 0) continue
      const fo = d * hw
      const zo = k * hw
      for (let p = 0; p < hw; p++) z[zo + p] += a * features[fo + p]
    }
  }
  for (let c = 0; c < C; c++) {
    for (let k = 0; k < r; k++) {
      const b = B[c * r + k]
      if (b === 0) continue
      const oo = c * hw
      const zo = k * hw
      for (let p = 0; p < hw; p++) out[oo + p] += b * z[zo + p]
    }
  }
  return out
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

/** Deterministic pseudo-random floats in [-s, s) (mulberry32). */
export function randomArray(n: number, seed: number, s = 1): Float32Array {
  let t = seed >>> 0
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    t = (t + 0x6d2b79f5) >>> 0
    let x = Math.imul(t ^ (t >>> 15), 1 | t)
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x)
    out[i] = ((((x ^ (x >>> 14)) >>> 0) / 4294967296) * 2 - 1) * s
  }
  return out
}
