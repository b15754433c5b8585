/**
 * The one adapter type and its stored form (the models.adapter blob). Inference (pre-fill, model
 * outputs) decodes it, the trainer starts from it and returns it, the job encodes it: one shape,
 * no conversion between a "stored" and a "trained" kind. Node-free, so the training worker and
 * any layer may load it.
 *
 * Binary layout, little-endian:
 *
 *   offset  size  field
 *   0       4     magic "TLAD"
 *   4       2     format version (uint16) = 1
 *   6       2     reserved (0)
 *   8       4     rank r (uint32)
 *   12      4     D, feature channels (uint32)
 *   16      4     C, classes (uint32)
 *   20      4     scale applied to B·A (float32; LoRA's alpha / r)
 *   24      4*r*D A [r, D] float32, row-major
 *   ...     4*C*r B [C, r] float32, row-major
 *
 * Δlogits[c, p] = scale · Σ_k B[c,k] · Σ_d A[k,d] · features[d, p], at the features' resolution,
 * added to the base logits before they are resized to the image. B starts at zero, so a fresh
 * adapter reproduces the base model exactly.
 */
import { ApiError } from '../contract/errors'

export const ADAPTER_MAGIC = 'TLAD'
export const ADAPTER_VERSION = 1
export const ADAPTER_HEADER_BYTES = 24

/** A LoRA adapter on the final per-pixel classifier: logits += scale · B · (A · f). */
export interface Adapter {
  rank: number
  /** Feature channels (columns of A). */
  d: number
  /** Classes (rows of B). */
  c: number
  /** Multiplies B·A; the trainer works with 1 (see unitScale). */
  scale: number
  /** [rank, D], row-major. */
  a: Float32Array
  /** [C, rank], row-major. */
  b: Float32Array
}

export function encodeAdapter(ad: Adapter): Uint8Array {
  if (ad.a.length !== ad.rank * ad.d) throw new ApiError('invalid_argument', `Adapter A has ${ad.a.length} values, expected r*D = ${ad.rank * ad.d}.`)
  if (ad.b.length !== ad.c * ad.rank) throw new ApiError('invalid_argument', `Adapter B has ${ad.b.length} values, expected C*r = ${ad.c * ad.rank}.`)
  const buf = new ArrayBuffer(ADAPTER_HEADER_BYTES + 4 * (ad.a.length + ad.b.length))
  const v = new DataView(buf)
  for (let i = 0; i < 4; i++) v.setUint8(i, ADAPTER_MAGIC.charCodeAt(i))
  v.setUint16(4, ADAPTER_VERSION, true)
  v.setUint16(6, 0, true)
  v.setUint32(8, ad.rank, true)
  v.setUint32(12, ad.d, true)
  v.setUint32(16, ad.c, true)
  v.setFloat32(20, ad.scale, true)
  let o = ADAPTER_HEADER_BYTES
  for (const x of ad.a) { v.setFloat32(o, x, true); o += 4 }
  for (const x of ad.b) { v.setFloat32(o, x, true); o += 4 }
  return new Uint8Array(buf)
}

/** Parses a blob; `what` names it in the error (e.g. "adapter of model version 3"). */
export function decodeAdapter(bytes: Uint8Array, what = 'adapter'): Adapter {
  const bad = (why: string): never => { throw new ApiError('bad_input', `${what}: ${why}`) }
  if (bytes.length < ADAPTER_HEADER_BYTES) bad(`${bytes.length} bytes is shorter than the ${ADAPTER_HEADER_BYTES}-byte header`)
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const magic = String.fromCharCode(v.getUint8(0), v.getUint8(1), v.getUint8(2), v.getUint8(3))
  if (magic !== ADAPTER_MAGIC) bad(`not an adapter blob (magic "${magic}")`)
  const version = v.getUint16(4, true)
  if (version !== ADAPTER_VERSION) bad(`format version ${version} is not supported (this app reads ${ADAPTER_VERSION})`)
  const rank = v.getUint32(8, true)
  const d = v.getUint32(12, true)
  const c = v.getUint32(16, true)
  const scale = v.getFloat32(20, true)
  const want = ADAPTER_HEADER_BYTES + 4 * (rank * d + c * rank)
  if (bytes.length !== want) bad(`${bytes.length} bytes, expected ${want} for r=${rank}, D=${d}, C=${c}`)
  const a = new Float32Array(rank * d)
  const b = new Float32Array(c * rank)
  let o = ADAPTER_HEADER_BYTES
  for (let i = 0; i < a.length; i++, o += 4) a[i] = v.getFloat32(o, true)
  for (let i = 0; i < b.length; i++, o += 4) b[i] = v.getFloat32(o, true)
  return { rank, d, c, scale, a, b }
}

/** An adapter that changes nothing: the given A (default zero), B zero. */
export function zeroAdapter(rank: number, d: number, c: number, a?: Float32Array): Adapter {
  return { rank, d, c, scale: 1, a: a ?? new Float32Array(rank * d), b: new Float32Array(c * rank) }
}

/** A fresh adapter for training: A ~ N(0, 1/D) (so A·f keeps the features' scale), B = 0. */
export function initAdapter(rank: number, c: number, d: number, rng: { normal(): number }): Adapter {
  const a = new Float32Array(rank * d)
  const std = 1 / Math.sqrt(d)
  for (let i = 0; i < a.length; i++) a[i] = rng.normal() * std
  return zeroAdapter(rank, d, c, a)
}

/** The same adapter with scale 1 (scale folded into B, rounded to float32), in fresh arrays. */
export function unitScale(ad: Adapter): Adapter {
  return { ...ad, scale: 1, a: Float32Array.from(ad.a), b: ad.scale === 1 ? Float32Array.from(ad.b) : ad.b.map((v) => v * ad.scale) }
}
