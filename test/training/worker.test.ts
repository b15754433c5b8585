import { describe, expect, it } from 'vitest'
import { trainAdapter } from '../../src/main/core/training/workerClient'
import { defaultTrainConfig, type TrainingPool } from '../../src/main/core/training/trainLoop'
import { Prng } from '../../src/main/core/training/prng'

/** A random pool: labels follow the features through a fixed linear map, base logits are zero. */
function randomPool(n: number, c: number, d: number): TrainingPool {
  const rng = new Prng(5)
  const feats = Float32Array.from({ length: n * d }, () => rng.normal())
  const labels = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let k = 1; k < c; k++) if (feats[i * d + k]! > feats[i * d + best]!) best = k
    labels[i] = best
  }
  return { n, c, d, feats, base: new Float32Array(n * c), labels, represent: new Float32Array(n).fill(1), recency: new Float32Array(n).fill(1) }
}

describe('training worker', () => {
  it('keeps the main thread responsive while it trains (event-loop gaps stay short)', async () => {
    const pool = randomPool(20000, 9, 32)
    let last = performance.now()
    let worst = 0
    const timer = setInterval(() => {
      const now = performance.now()
      worst = Math.max(worst, now - last)
      last = now
    }, 5)
    const t0 = performance.now()
    const out = await trainAdapter(pool, { ...defaultTrainConfig, steps: 400 }, null, { onProgress: () => {} })
    clearInterval(timer)
    const ms = performance.now() - t0
    console.log(`worker training: ${ms.toFixed(0)} ms, worst main-thread gap ${worst.toFixed(1)} ms`)
    expect(out.mode).toBe('worker')
    expect(out.curve.at(-1)!.loss).toBeLessThan(out.curve[0]!.loss)
    // Training blocks for seconds; the main thread never stalls for more than a fraction of that.
    expect(worst).toBeLessThan(Math.max(250, ms / 4))
  })

  it('streams progress with new loss-curve points, ending at the last step', async () => {
    const pool = randomPool(2000, 4, 8)
    const seen: { step: number; n: number }[] = []
    const out = await trainAdapter(pool, { ...defaultTrainConfig, steps: 300, batch: 256 }, null, { onProgress: (p) => seen.push({ step: p.step, n: p.points.length }) })
    expect(seen.at(-1)!.step).toBe(300)
    expect(seen.reduce((s, p) => s + p.n, 0)).toBe(out.curve.length)
    expect(out.curve.at(-1)!.step).toBe(300)
  })

  it('rejects at once when cancelled, in the worker and inline', async () => {
    const pool = randomPool(2000, 4, 8)
    for (const inline of [false, true]) {
      const ac = new AbortController()
      const p = trainAdapter(pool, { ...defaultTrainConfig, steps: 1_000_000 }, null, { signal: ac.signal, inline, onProgress: (q) => q.step > 0 && ac.abort() })
      await expect(p).rejects.toMatchObject({ code: 'cancelled' })
    }
  })
})
