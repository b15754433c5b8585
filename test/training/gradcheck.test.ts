import { describe, expect, it } from 'vitest'
import { applyAdapter, lossAndGrad, type PixelBatch } from '@shared/adapter'
import { Prng } from '../../src/main/core/training/prng'

function randomCase(seed: number, n: number, c: number, d: number, rank: number) {
  const rng = new Prng(seed)
  const fill = (len: number, s: number) => Float64Array.from({ length: len }, () => rng.normal() * s)
  const batch: PixelBatch = {
    n,
    feats: fill(n * d, 1),
    base: fill(n * c, 2),
    labels: Uint8Array.from({ length: n }, () => rng.int(c)),
    weights: Float64Array.from({ length: n }, () => 0.2 + rng.next())
  }
  // Non-zero B so the gradient of A is not trivially zero.
  return { batch, a: fill(rank * d, 0.5), b: fill(c * rank, 0.5) }
}

/** Max over parameters of |analytic − numeric| / max(|analytic| + |numeric|, 1e-8), central differences. */
function gradCheck(seed: number, n: number, c: number, d: number, rank: number): { maxRel: number; checked: number } {
  const { batch, a, b } = randomCase(seed, n, c, d, rank)
  const gA = new Float64Array(a.length)
  const gB = new Float64Array(b.length)
  lossAndGrad(batch, a, b, rank, c, d, gA, gB)
  const h = 1e-6
  let maxRel = 0
  let checked = 0
  for (const [p, g] of [[a, gA], [b, gB]] as const) {
    for (let i = 0; i < p.length; i++) {
      const keep = p[i]!
      p[i] = keep + h
      const up = lossAndGrad(batch, a, b, rank, c, d, null, null)
      p[i] = keep - h
      const down = lossAndGrad(batch, a, b, rank, c, d, null, null)
      p[i] = keep
      const num = (up - down) / (2 * h)
      const rel = Math.abs(g[i]! - num) / Math.max(Math.abs(g[i]!) + Math.abs(num), 1e-8)
      maxRel = Math.max(maxRel, rel)
      checked++
    }
  }
  return { maxRel, checked }
}

describe('adapter gradient', () => {
  it.each([
    [1, 7, 5, 6, 3],
    [2, 16, 9, 32, 4],
    [3, 3, 2, 4, 1]
  ])('matches finite differences (seed %i, n %i, C %i, D %i, r %i)', (seed, n, c, d, rank) => {
    const { maxRel, checked } = gradCheck(seed, n, c, d, rank)
    console.log(`gradient check seed ${seed}: ${checked} parameters, max relative error ${maxRel.toExponential(2)}`)
    expect(checked).toBe(rank * d + c * rank)
    expect(maxRel).toBeLessThanOrEqual(1e-3)
  })

  it('empty adapter (B = 0) leaves logits and loss exactly at the parent', () => {
    const { batch, a } = randomCase(4, 10, 5, 8, 2)
    const zeroB = new Float64Array(5 * 2)
    const ref = lossAndGrad(batch, a, zeroB, 2, 5, 8, null, null)
    const noAdapter = lossAndGrad(batch, new Float64Array(2 * 8), zeroB, 2, 5, 8, null, null)
    expect(ref).toBe(noAdapter)
    const hw = 12
    const logits = Float32Array.from({ length: 5 * hw }, (_, i) => Math.sin(i))
    const before = logits.slice()
    applyAdapter(logits, Float32Array.from({ length: 8 * hw }, (_, i) => Math.cos(i)), { c: 5, d: 8, h: 1, w: hw }, { rank: 2, c: 5, d: 8, scale: 1, a: Float32Array.from(a), b: new Float32Array(10) })
    expect(Array.from(logits)).toEqual(Array.from(before))
  })

  it('channel-major delta equals B·A·f per pixel', () => {
    const rng = new Prng(9)
    const c = 3, d = 4, rank = 2, hw = 5
    const a = Float32Array.from({ length: rank * d }, () => rng.normal())
    const b = Float32Array.from({ length: c * rank }, () => rng.normal())
    const f = Float32Array.from({ length: d * hw }, () => rng.normal())
    const logits = new Float32Array(c * hw)
    applyAdapter(logits, f, { c, d, h: 1, w: hw }, { rank, c, d, scale: 1, a, b })
    for (let p = 0; p < hw; p++)
      for (let k = 0; k < c; k++) {
        let want = 0
        for (let j = 0; j < rank; j++) {
          let z = 0
          for (let t = 0; t < d; t++) z += a[j * d + t]! * f[t * hw + p]!
          want += b[k * rank + j]! * z
        }
        expect(logits[k * hw + p]).toBeCloseTo(want, 4)
      }
  })
})
