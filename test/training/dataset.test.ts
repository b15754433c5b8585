import { describe, expect, it } from 'vitest'
import { downsampleLabels, splitAccepted, stratify, SKIP, buildPool, defaultPoolOptions } from '../../src/main/core/training/dataset'
import { classSpace } from '../../src/main/core/training/outputs'
import { Prng } from '../../src/main/core/training/prng'
import { trainAdapter } from '../../src/main/core/training/workerClient'
import { defaultTrainConfig } from '../../src/main/core/training/trainLoop'
import { useTmp } from '../helpers/tmp'
import { CLASSES, syntheticProject } from './synthetic'

const tmp = useTmp()

describe('training data', () => {
  it('holds out accepted val/test images; otherwise a stable ~20% share', async () => {
    const p = await syntheticProject(tmp())
    const train = p.addImages(20, { shifted: false })
    p.addImages(3, { shifted: false, split: 'train', accept: false })
    const test = p.addImages(4, { shifted: false, split: 'test' })
    const s = splitAccepted(p.ws.project)
    expect(s).toEqual({ train, heldOut: test, heldOutRule: 'split' })

    const q = await syntheticProject(tmp())
    const first = q.addImages(30, { shifted: false })
    const a = splitAccepted(q.ws.project)
    expect(a.heldOutRule).toBe('share')
    expect(a.heldOut.length).toBeGreaterThan(2)
    expect(a.heldOut.length).toBeLessThan(12)
    expect([...a.train, ...a.heldOut].sort((x, y) => x - y)).toEqual(first)
    // More accepted images later: every image held out before is still held out.
    q.addImages(30, { shifted: false })
    const b = splitAccepted(q.ws.project)
    expect(b.heldOut.filter((id) => id <= first.at(-1)!)).toEqual(a.heldOut)
  })

  it('orders training images oldest correction first (newest weigh most)', async () => {
    const p = await syntheticProject(tmp())
    const ids = p.addImages(3, { shifted: false })
    p.addImages(1, { shifted: false, split: 'test' })
    p.ws.project.annotations.accept(ids[0]!) // re-accepted last: now the newest correction
    expect(splitAccepted(p.ws.project).train).toEqual([ids[1], ids[2], ids[0]])
  })

  it('brings labels to the output grid by majority, skipping ignore classes, mixed cells and padding', () => {
    const width = 8
    const height = 4
    // 2x2 cells: [car car | person void(ignore)] over a 4x2 grid.
    const labels = new Uint8Array(width * height)
    const paint = (x0: number, y0: number, v: number) => {
      for (let y = y0; y < y0 + 2; y++) for (let x = x0; x < x0 + 2; x++) labels[y * width + x] = v
    }
    paint(0, 0, 1); paint(2, 0, 1); paint(4, 0, 2); paint(6, 0, 4)
    paint(0, 2, 3); paint(2, 2, 0)
    labels[2 * width + 4] = 1; labels[2 * width + 5] = 2; labels[3 * width + 4] = 3; labels[3 * width + 5] = 0 // no majority
    paint(6, 2, 2)
    const { toModel } = classSpace(CLASSES, 4)
    const frame = { imageW: width, imageH: height, inW: 4, inH: 2, scaledW: 4, scaledH: 2 }
    expect(Array.from(downsampleLabels(labels, frame, 2, 4, toModel))).toEqual([1, 1, 2, SKIP, 3, 0, SKIP, 2])
    // Padded input: the image fills the left half of a grid twice as wide; the right half is padding.
    const padded = downsampleLabels(labels, { ...frame, inW: 8, scaledW: 4 }, 2, 8, toModel)
    expect(Array.from(padded.subarray(0, 8))).toEqual([1, 1, 2, SKIP, SKIP, SKIP, SKIP, SKIP])
  })

  it('stratifies the pool: rare classes keep every pixel, each pixel remembers what it stands for', () => {
    const grid = new Uint8Array(1000)
    for (let i = 0; i < 10; i++) grid[i] = 3
    for (let i = 10; i < 20; i++) grid[i] = SKIP
    const { idx, labels, represent } = stratify(grid, 100, new Prng(1))
    const rare = Array.from(labels).filter((v) => v === 3).length
    expect(rare).toBe(10)
    expect(idx.length).toBe(100)
    expect(new Set(idx).size).toBe(100)
    expect(Array.from(idx).every((i) => grid[i] !== SKIP)).toBe(true)
    const common = Array.from(represent).filter((_, k) => labels[k] === 0)
    expect(common[0]).toBeCloseTo(980 / 90, 5)
  })

  it('trains deterministically: same seed → same adapter, worker thread = main thread; another seed differs', async () => {
    const p = await syntheticProject(tmp())
    const ids = p.addImages(6, { shifted: true })
    const pool = await buildPool(p.ws.project, p.source, ids, { ...defaultPoolOptions, seed: 1 })
    expect(pool.n).toBeGreaterThan(500)
    const cfg = { ...defaultTrainConfig, steps: 40, seed: 7 }
    const w = await trainAdapter(pool, cfg, null)
    const i = await trainAdapter(pool, cfg, null, { inline: true })
    const other = await trainAdapter(pool, { ...cfg, seed: 8 }, null, { inline: true })
    expect(w.mode).toBe('worker')
    expect(i.mode).toBe('inline')
    expect(Array.from(w.weights.b)).toEqual(Array.from(i.weights.b))
    expect(Array.from(w.weights.a)).toEqual(Array.from(i.weights.a))
    expect(w.curve).toEqual(i.curve)
    expect(Array.from(other.weights.b)).not.toEqual(Array.from(i.weights.b))
  })
})
