import { describe, expect, it } from 'vitest'
import { connectedComponents } from '@shared/labelmap/components'
import { classHistogram, valuesOutside, valuesPresent } from '@shared/labelmap/histogram'
import { mulberry32 } from '../../src/main/core/datasets/synthetic/prng'

/** Reference: BFS flood fill, per class, returns region count and areas sorted. */
function bruteForce(label: Uint8Array, w: number, h: number, eight: boolean, skip: Set<number>): { count: number; areas: number[] } {
  const seen = new Uint8Array(w * h)
  const areas: number[] = []
  for (let i = 0; i < w * h; i++) {
    if (seen[i] || skip.has(label[i])) continue
    const c = label[i]
    let area = 0
    const stack = [i]
    seen[i] = 1
    while (stack.length) {
      const p = stack.pop() as number
      area++
      const x = p % w, y = Math.floor(p / w)
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        if ((dx === 0 && dy === 0) || (!eight && dx !== 0 && dy !== 0)) continue
        const nx = x + dx, ny = y + dy
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue
        const q = ny * w + nx
        if (!seen[q] && label[q] === c) { seen[q] = 1; stack.push(q) }
      }
    }
    areas.push(area)
  }
  return { count: areas.length, areas: areas.sort((a, b) => a - b) }
}

describe('connected components', () => {
  it('separates diagonal neighbours with 4-connectivity and joins them with 8', () => {
    // 1 . .
    // . 1 .
    // . . 2
    const label = new Uint8Array([1, 0, 0, 0, 1, 0, 0, 0, 2])
    const four = connectedComponents(label, 3, 3, { connectivity: 4, skipClasses: [0] })
    expect(four.regions.map((r) => [r.classIndex, r.area])).toEqual([[1, 1], [1, 1], [2, 1]])
    const eight = connectedComponents(label, 3, 3, { connectivity: 8, skipClasses: [0] })
    expect(eight.regions.map((r) => [r.classIndex, r.area, ...r.bbox])).toEqual([[1, 2, 0, 0, 2, 2], [2, 1, 2, 2, 1, 1]])
    expect(Array.from(eight.ids)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 2])
  })

  it('handles U shapes whose arms merge late (union-find)', () => {
    const w = 5, h = 3
    const label = new Uint8Array([
      3, 0, 3, 0, 3,
      3, 0, 3, 0, 3,
      3, 3, 3, 3, 3
    ])
    const r = connectedComponents(label, w, h, { connectivity: 4, skipClasses: [0] })
    expect(r.regions).toHaveLength(1)
    expect(r.regions[0]).toEqual({ id: 1, classIndex: 3, area: 11, bbox: [0, 0, 5, 3] })
  })

  it('agrees with a brute-force flood fill on random maps', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const w = 23, h = 17
      const rng = mulberry32(seed)
      const label = new Uint8Array(w * h)
      for (let i = 0; i < label.length; i++) label[i] = Math.floor(rng() * 3)
      for (const eight of [false, true]) {
        const res = connectedComponents(label, w, h, { connectivity: eight ? 8 : 4, skipClasses: [0] })
        const ref = bruteForce(label, w, h, eight, new Set([0]))
        expect(res.regions.length).toBe(ref.count)
        expect(res.regions.map((r) => r.area).sort((a, b) => a - b)).toEqual(ref.areas)
        // Every pixel's component id points at a region of the pixel's class.
        for (let i = 0; i < label.length; i++) {
          if (label[i] === 0) expect(res.ids[i]).toBe(0)
          else expect(res.regions[res.ids[i] - 1].classIndex).toBe(label[i])
        }
      }
    }
  })

  it('is fast enough for the region table (640x480 well under 250 ms even on a loaded machine)', () => {
    const w = 640, h = 480
    const label = new Uint8Array(w * h)
    const rng = mulberry32(9)
    for (let k = 0; k < 200; k++) {
      const x0 = Math.floor(rng() * w), y0 = Math.floor(rng() * h), c = 1 + Math.floor(rng() * 8)
      for (let y = y0; y < Math.min(h, y0 + 40); y++) for (let x = x0; x < Math.min(w, x0 + 60); x++) label[y * w + x] = c
    }
    connectedComponents(label, w, h) // warm-up
    const t0 = performance.now()
    const r = connectedComponents(label, w, h, { connectivity: 8 })
    const ms = performance.now() - t0
    expect(r.regions.reduce((a, x) => a + x.area, 0)).toBe(w * h)
    expect(ms).toBeLessThan(250)
  })
})

describe('histogram', () => {
  it('counts every value and finds values outside a table', () => {
    const label = new Uint8Array([0, 1, 1, 9, 255])
    const h = classHistogram(label)
    expect([h[0], h[1], h[9], h[255]]).toEqual([1, 2, 1, 1])
    expect(valuesPresent(label)).toEqual([0, 1, 9, 255])
    const allowed = new Uint8Array(256)
    allowed[0] = allowed[1] = 1
    expect(valuesOutside(label, allowed)).toEqual([9, 255])
  })
})
