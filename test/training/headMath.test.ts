import { describe, expect, it } from 'vitest'
import { headLossAndGrad, makeHeadScratch, trainableNames, type HeadBatch, type HeadImages, type HeadParams } from '../../src/main/core/training/head/headMath'
import { applyHead, decodeHead, encodeHead, type Head } from '../../src/main/core/models/versions/head'
import { Prng } from '../../src/main/core/training/prng'

function randomHead(seed: number, d: number, cm: number, hidden: number, p: number, dilation: number): { head: Head; params: HeadParams } {
  const rng = new Prng(seed)
  const f32 = (n: number, s: number) => Float32Array.from({ length: n }, () => rng.normal() * s)
  const cin = d + cm
  const head: Head = {
    d, cm, hidden, dilation, p, classes: Uint8Array.from({ length: p }, (_, k) => k * 2), warm: Int32Array.from({ length: p }, (_, k) => (k < cm ? (k * 3) % cm : -1)),
    mean: f32(cin, 0.3), invStd: Float32Array.from({ length: cin }, () => 0.5 + rng.next()),
    w1: f32(hidden * cin, 0.5), b1: f32(hidden, 0.3), w2: f32(9 * hidden * hidden, 0.4), b2: f32(hidden, 0.3), w3: f32(p * hidden, 0.5), b3: f32(p, 0.5)
  }
  const params = Object.fromEntries(trainableNames.map((n) => [n, Float64Array.from(head[n])])) as HeadParams
  return { head, params }
}

function randomImages(seed: number, n: number, h: number, w: number, cin: number): HeadImages {
  const rng = new Prng(seed)
  return { h, w, grids: Array.from({ length: n }, () => Float32Array.from({ length: h * w * cin }, () => rng.normal())) }
}

describe('head forward/backward', () => {
  it('matches central finite differences in float64 (cells at borders and inside)', () => {
    const [d, cm, H, P] = [5, 3, 4, 4]
    const { head, params } = randomHead(7, d, cm, H, P, 2)
    const images = randomImages(8, 2, 6, 7, d + cm)
    const rng = new Prng(9)
    const n = 12
    const batch: HeadBatch = { n, img: Int32Array.from({ length: n }, () => rng.int(2)), cell: Int32Array.from({ length: n }, (_, i) => (i < 3 ? [0, 6, 41][i]! : rng.int(42))), labels: Uint8Array.from({ length: n }, () => rng.int(P)) }
    const s = makeHeadScratch(head)
    const grads = Object.fromEntries(trainableNames.map((k) => [k, new Float64Array(params[k].length)])) as HeadParams
    headLossAndGrad(head, params, images, batch, grads, s)
    const eps = 1e-6
    let maxRel = 0
    let checked = 0
    for (const name of trainableNames) {
      const p = params[name]
      for (let i = 0; i < p.length; i++) {
        const keep = p[i]!
        p[i] = keep + eps
        const up = headLossAndGrad(head, params, images, batch, null, s)
        p[i] = keep - eps
        const down = headLossAndGrad(head, params, images, batch, null, s)
        p[i] = keep
        const num = (up - down) / (2 * eps)
        const g = grads[name][i]!
        maxRel = Math.max(maxRel, Math.abs(g - num) / Math.max(Math.abs(g) + Math.abs(num), 1e-6))
        checked++
      }
    }
    console.log(`head gradient check: ${checked} parameters, max relative error ${maxRel.toExponential(2)}`)
    expect(checked).toBe(H * (d + cm) + H + 9 * H * H + H + P * H + P)
    expect(maxRel).toBeLessThan(1e-5)
  })

  it('the grid forward gives the same logits as the training forward at every cell', () => {
    const [d, cm, H, P] = [4, 3, 5, 3]
    const { head } = randomHead(3, d, cm, H, P, 2)
    const h = 5
    const w = 6
    const rng = new Prng(4)
    const features = Float32Array.from({ length: d * h * w }, () => rng.normal())
    const logits = Float32Array.from({ length: cm * h * w }, () => rng.normal())
    const out = applyHead(head, logits, features, h, w)
    const cin = d + cm
    const grid = new Float32Array(h * w * cin)
    for (let q = 0; q < h * w; q++) {
      for (let c = 0; c < d; c++) grid[q * cin + c] = features[c * h * w + q]!
      for (let c = 0; c < cm; c++) grid[q * cin + d + c] = logits[c * h * w + q]!
    }
    const s = makeHeadScratch(head)
    for (let q = 0; q < h * w; q++) {
      for (let k = 0; k < P; k++) {
        // loss for label k = logsumexp(z) − z_k: differences between labels give z_k − z_0.
        const one = (y: number) => headLossAndGrad(head, head, { h, w, grids: [grid] }, { n: 1, img: Int32Array.of(0), cell: Int32Array.of(q), labels: Uint8Array.of(y) }, null, s)
        expect(one(0) - one(k)).toBeCloseTo(out[k * h * w + q]! - out[q]!, 4)
      }
    }
  })

  it('a zero last layer reproduces the base logits of warm classes and the bias of new ones; the format round-trips', () => {
    const { head } = randomHead(5, 4, 3, 4, 4, 1)
    head.w3.fill(0)
    head.b3.fill(0)
    head.b3[3] = -4
    head.warm = Int32Array.of(2, 0, 1, -1)
    const rng = new Prng(6)
    const features = Float32Array.from({ length: 4 * 12 }, () => rng.normal())
    const logits = Float32Array.from({ length: 3 * 12 }, () => rng.normal())
    const out = applyHead(head, logits, features, 3, 4)
    expect(Array.from(out.subarray(0, 12))).toEqual(Array.from(logits.subarray(24, 36)))
    expect(Array.from(out.subarray(12, 24))).toEqual(Array.from(logits.subarray(0, 12)))
    expect(Array.from(out.subarray(36, 48))).toEqual(new Array(12).fill(-4))
    const back = decodeHead(encodeHead(head))
    expect(back).toEqual(head)
    expect(() => decodeHead(encodeHead(head).subarray(0, 40), 'head of version 3')).toThrow(/head of version 3 is not a valid fine-tuned head/)
  })
})
