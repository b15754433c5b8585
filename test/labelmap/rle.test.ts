import { describe, expect, it } from 'vitest'
import {
  compressRle, decodeRle, encodeRle, encodeRleForValue, encodeRleWhere, rleArea, rleBbox, rleCountsFromString, rleCountsToString
} from '@shared/labelmap/rle'
import { mulberry32 } from '../../src/main/core/datasets/synthetic/prng'

function randomMask(w: number, h: number, seed: number, density: number): Uint8Array {
  const r = mulberry32(seed)
  const m = new Uint8Array(w * h)
  // Blobby masks: random rectangles, so runs cross column boundaries and vary in length.
  for (let k = 0; k < 6; k++) {
    const x0 = Math.floor(r() * w), y0 = Math.floor(r() * h)
    const x1 = Math.min(w, x0 + Math.floor(r() * w * density)), y1 = Math.min(h, y0 + Math.floor(r() * h * density))
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * w + x] = 1
  }
  return m
}

describe('COCO RLE', () => {
  it('encodes column-major starting with a zero run', () => {
    // 2x2 mask [[0,1],[1,1]]: column 0 = 0,1; column 1 = 1,1 → 0 | 1 1 1
    expect(encodeRle([0, 1, 1, 1], 2, 2)).toEqual({ size: [2, 2], counts: [1, 3] })
    // Mask starting with a foreground pixel gets an empty leading zero run.
    expect(encodeRle([1, 0, 0, 0], 2, 2).counts).toEqual([0, 1, 3])
    expect(encodeRle([0, 0, 0, 0], 2, 2).counts).toEqual([4])
  })

  it('round-trips random masks exactly, including the compressed string form', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const w = 17 + seed, h = 9 + (seed % 7)
      const m = randomMask(w, h, seed, 0.5)
      const rle = encodeRle(m, w, h)
      expect(Array.from(decodeRle(rle))).toEqual(Array.from(m))
      expect(rleArea(rle)).toBe(m.reduce((a, v) => a + v, 0))
      const c = compressRle(rle)
      expect(rleCountsFromString(c.counts)).toEqual(rle.counts)
      expect(Array.from(decodeRle(c))).toEqual(Array.from(m))
    }
  })

  it('matches pycocotools string encoding for known counts (delta and sign handling)', () => {
    expect(rleCountsToString([1, 3])).toBe('13')
    // pycocotools delta-codes from index 3 on (i > 2): 1-2 = -1 and 2-3 = -1 → group 31 → 'O'.
    const s = rleCountsToString([5, 2, 3, 1, 2])
    expect(s).toBe('523OO')
    expect(rleCountsFromString(s)).toEqual([5, 2, 3, 1, 2])
    // A negative delta that needs two groups: 3 - 40 = -37.
    expect(rleCountsFromString(rleCountsToString([40, 1, 1, 3]))).toEqual([40, 1, 1, 3])
    const big = [307199, 1, 0, 307200]
    expect(rleCountsFromString(rleCountsToString(big))).toEqual(big)
  })

  it('restricting columns to the bbox gives the same RLE as a full scan', () => {
    const w = 40, h = 30
    const ids = new Uint32Array(w * h)
    for (let y = 5; y < 12; y++) for (let x = 10; x < 25; x++) ids[y * w + x] = 7
    ids[29 * w + 24] = 7 // bottom row of the last bbox column: run must end exactly at the boundary
    const full = encodeRleWhere(ids, w, h, (v) => v === 7)
    const cut = encodeRleWhere(ids, w, h, (v) => v === 7, [10, 25])
    expect(cut).toEqual(full)
    expect(rleBbox(full)).toEqual([10, 5, 15, 25])
  })

  it('encodes one value of a label map', () => {
    const label = new Uint8Array([0, 2, 2, 1, 2, 0])
    const rle = encodeRleForValue(label, 3, 2, 2)
    expect(Array.from(decodeRle(rle))).toEqual([0, 1, 1, 0, 1, 0])
    expect(rleBbox(rle)).toEqual([1, 0, 2, 2])
  })

  it('rejects runs that do not cover the mask', () => {
    expect(() => decodeRle({ size: [2, 2], counts: [1, 2] })).toThrow(/cover 3 pixels/)
    expect(() => decodeRle({ size: [2, 2], counts: [1, 5] })).toThrow(/cover 6 pixels/)
  })
})
