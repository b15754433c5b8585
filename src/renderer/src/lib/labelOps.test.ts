import { describe, expect, test } from 'vitest'
import { fillPolygon, floodFill, stampDisc, stampSegment } from './paintOps'
import { findRegions } from './regions'
import { diffRect, extractRect, unionRect, writeRect } from './rect'
import { colormapLut } from './colormaps'

const W = 40
const H = 30
const blank = () => new Uint8Array(W * H)
const count = (m: Uint8Array, v: number) => m.reduce((n, x) => n + (x === v ? 1 : 0), 0)

describe('paint operations', () => {
  test('a disc paints about πr² pixels inside the rect it reports', () => {
    const m = blank()
    const r = stampDisc(m, W, H, 20, 15, 5, 3)!
    expect(count(m, 3)).toBeGreaterThan(70)
    expect(count(m, 3)).toBeLessThan(90)
    const d = diffRect(blank(), m, W, { x: 0, y: 0, w: W, h: H })!
    expect(d.x).toBeGreaterThanOrEqual(r.x)
    expect(d.x + d.w).toBeLessThanOrEqual(r.x + r.w)
  })

  test('a segment leaves no gaps and is clipped to the image', () => {
    const m = blank()
    const r = stampSegment(m, W, H, -5, 10, 50, 10, 2, 7)!
    for (let x = 0; x < W; x++) expect(m[10 * W + x]).toBe(7)
    expect(r.x).toBe(0)
    expect(r.x + r.w).toBe(W)
  })

  test('flood fill relabels one connected same-class region only', () => {
    const m = blank()
    m.fill(2, 0, W * 5) // rows 0..4 class 2
    m.fill(2, W * 20, W * 22) // rows 20..21 class 2, not connected
    const r = floodFill(m, W, H, 3, 1, 9)!
    expect(count(m, 9)).toBe(W * 5)
    expect(count(m, 2)).toBe(W * 2)
    expect(r).toEqual({ x: 0, y: 0, w: W, h: 5 })
    expect(floodFill(m, W, H, 3, 1, 9)).toBeNull() // same value: nothing to do
  })

  test('magic wand follows the guide image within the tolerance', () => {
    const m = blank()
    const guide = new Uint8Array(W * H).map((_, i) => (i % W < 20 ? 100 : 200))
    floodFill(m, W, H, 5, 5, 4, { guide, tolerance: 10 })
    expect(count(m, 4)).toBe(20 * H)
  })

  test('polygon fill samples pixel centres (a 10×10 square fills 100 pixels)', () => {
    const m = blank()
    const r = fillPolygon(m, W, H, [[5, 5], [15, 5], [15, 15], [5, 15]], 6)!
    expect(count(m, 6)).toBe(100)
    expect(r).toEqual({ x: 5, y: 5, w: 10, h: 10 })
  })
})

describe('rects and regions', () => {
  test('extract/write round-trip and union', () => {
    const m = blank().map((_, i) => i % 251)
    const r = { x: 3, y: 4, w: 7, h: 5 }
    const copy = blank()
    writeRect(copy, W, r, extractRect(m, W, r))
    expect(extractRect(copy, W, r)).toEqual(extractRect(m, W, r))
    expect(unionRect({ x: 0, y: 0, w: 2, h: 2 }, { x: 5, y: 5, w: 1, h: 1 })).toEqual({ x: 0, y: 0, w: 6, h: 6 })
  })

  test('regions: one per connected class blob, specks dropped (ids kept), mean confidence', () => {
    const p = blank()
    const conf = new Uint8Array(W * H).fill(255)
    for (let y = 2; y < 8; y++) p.fill(1, y * W + 2, y * W + 12) // 60 px of class 1
    for (let y = 20; y < 25; y++) {
      p.fill(2, y * W + 20, y * W + 30) // 50 px of class 2
      conf.fill(51, y * W + 20, y * W + 30)
    }
    p[W * 15 + 35] = 3 // a 1-pixel speck
    const t = findRegions(p, conf, W, H, [0], 16)
    // The speck is region 2 (raster order), as in main's table; the list hides it, the ids stay.
    expect(t.regions.map((r) => [r.id, r.classIndex, r.area])).toEqual([[1, 1, 60], [3, 2, 50]])
    expect(t.regions[1].meanConfidence).toBeCloseTo(0.2, 5)
    expect(t.labels[W * 15 + 35]).toBe(0)
    expect(t.regions[0].bbox).toEqual({ x: 2, y: 2, w: 10, h: 6 })
  })

  test('colour maps run dark to bright', () => {
    for (const name of ['grey', 'inferno', 'iron'] as const) {
      const lut = colormapLut(name)
      const lum = (v: number) => (v & 255) + ((v >> 8) & 255) + ((v >> 16) & 255)
      expect(lum(lut[255])).toBeGreaterThan(lum(lut[0]))
      expect(lut[128] >>> 24).toBe(255)
    }
  })
})
