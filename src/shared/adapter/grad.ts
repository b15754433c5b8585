/**
 * Training math of the adapter, written out by hand for exactly this shape:
 *   logits = base_logits + B · (A · f)      A: [r, D], B: [C, r], f: the pixel's D features
 * (scale 1: the trainer folds a stored scale into B first, see unitScale). Plain loops over typed
 * arrays (no allocation per pixel), generic over Float32Array (training) and Float64Array (the
 * gradient check).
 */

export type Vec = Float32Array | Float64Array

/**
 * A batch of sampled pixels, pixel-major so one pixel's features are contiguous:
 * feats [n, d], base [n, c], labels [n] (class index < c), weights [n] (loss weight per pixel).
 */
export interface PixelBatch {
  n: number
  feats: Vec
  base: Vec
  labels: Uint8Array | Int32Array
  weights: Vec
}

/** Scratch buffers one trainer reuses for every step. */
export interface Scratch {
  z: Float64Array
  logits: Float64Array
  gz: Float64Array
}

export function makeScratch(rank: number, c: number): Scratch {
  return { z: new Float64Array(rank), logits: new Float64Array(c), gz: new Float64Array(rank) }
}

/**
 * Weighted mean softmax cross-entropy of the batch under (a, b); when gA/gB are given, they are
 * overwritten with the gradient of that loss. Returns the loss.
 */
export function lossAndGrad(batch: PixelBatch, a: Vec, b: Vec, rank: number, c: number, d: number, gA: Vec | null, gB: Vec | null, s: Scratch = makeScratch(rank, c)): number {
  const { n, feats, base, labels, weights } = batch
  const { z, logits, gz } = s
  if (gA) gA.fill(0)
  if (gB) gB.fill(0)
  let wsum = 0
  for (let i = 0; i < n; i++) wsum += weights[i]!
  if (wsum <= 0) return 0
  const inv = 1 / wsum
  let loss = 0
  for (let i = 0; i < n; i++) {
    const w = weights[i]!
    if (w === 0) continue
    const fo = i * d
    // z = A f
    for (let j = 0; j < rank; j++) {
      let acc = 0
      const ao = j * d
      for (let k = 0; k < d; k++) acc += a[ao + k]! * feats[fo + k]!
      z[j] = acc
    }
    // logits = base + B z, then a stable log-softmax
    let mx = -Infinity
    const bo = i * c
    for (let k = 0; k < c; k++) {
      let acc = base[bo + k]!
      const ro = k * rank
      for (let j = 0; j < rank; j++) acc += b[ro + j]! * z[j]!
      logits[k] = acc
      if (acc > mx) mx = acc
    }
    let se = 0
    for (let k = 0; k < c; k++) {
      const e = Math.exp(logits[k]! - mx)
      logits[k] = e
      se += e
    }
    const y = labels[i]!
    loss -= w * (Math.log(logits[y]! / se))
    if (!gA || !gB) continue
    // dL/dlogit_k = w (p_k - [k == y]) / W ; dB = g zᵀ ; dz = Bᵀ g ; dA = dz fᵀ
    const scale = w * inv
    gz.fill(0)
    for (let k = 0; k < c; k++) {
      const g = scale * (logits[k]! / se - (k === y ? 1 : 0))
      const ro = k * rank
      for (let j = 0; j < rank; j++) {
        gB[ro + j] += g * z[j]!
        gz[j] += g * b[ro + j]!
      }
    }
    for (let j = 0; j < rank; j++) {
      const g = gz[j]!
      if (g === 0) continue
      const ao = j * d
      for (let k = 0; k < d; k++) gA[ao + k] += g * feats[fo + k]!
    }
  }
  return loss * inv
}
