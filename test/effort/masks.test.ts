// The effort bench's mask math: deepest pixel (NoC click rule), distance transform, IoU, XOR.
import { describe, expect, it } from 'vitest'
import { cropIou, deepestPixel, distanceToBoundary, xorCrop, type CropMask } from '../../bench/effort/masks'

function rect(x: number, y: number, w: number, h: number): CropMask {
  return { x, y, w, h, data: new Uint8Array(w * h).fill(1) }
}

describe('effort masks', () => {
  it('the deepest pixel of a rectangle is its centre', () => {
    expect(deepestPixel(rect(10, 20, 7, 5))).toEqual({ x: 13, y: 22 })
    expect(deepestPixel(rect(0, 0, 1, 1))).toEqual({ x: 0, y: 0 })
  })

  it('the deepest pixel of an L shape lies in its thick part', () => {
    // 9x9 crop: a 7x7 block in the top-left plus a 1-px tail along the bottom row
    const m: CropMask = { x: 0, y: 0, w: 9, h: 9, data: new Uint8Array(81) }
    for (let y = 0; y < 7; y++) for (let x = 0; x < 7; x++) m.data[y * 9 + x] = 1
    for (let x = 0; x < 9; x++) m.data[8 * 9 + x] = 1
    expect(deepestPixel(m)).toEqual({ x: 3, y: 3 })
  })

  it('an empty mask has no deepest pixel', () => {
    expect(deepestPixel({ x: 0, y: 0, w: 3, h: 3, data: new Uint8Array(9) })).toBeNull()
  })

  it('distance to the boundary is exact Euclidean (squared), the border counting as outside', () => {
    const d = distanceToBoundary(new Uint8Array(25).fill(1), 5, 5)
    expect(d[12]).toBe(9) // centre of 5x5: 3 px to the outside
    expect(d[0]).toBe(1)
    const hole = new Uint8Array(25).fill(1)
    hole[0] = 0
    expect(distanceToBoundary(hole, 5, 5)[6]).toBe(2) // diagonal neighbour of the hole: sqrt(2)
  })

  it('IoU and XOR of offset rectangles', () => {
    const a = rect(0, 0, 4, 4)
    const b = rect(2, 0, 4, 4)
    expect(cropIou(a, b)).toBeCloseTo(8 / 24)
    expect(cropIou(a, a)).toBe(1)
    const x = xorCrop(a, b)
    expect([x.x, x.y, x.w, x.h]).toEqual([0, 0, 6, 4])
    expect(x.data.reduce((s, v) => s + v, 0)).toBe(16)
  })
})
