/**
 * 4-connected flood from a seed pixel, the connectivity of a region (see regions.ts): the fill
 * tool's "connected pixels of this class" is exactly the region holding the seed. Stack over typed
 * arrays; the caller decides which pixels join (same class, or a guide value within a tolerance).
 */

export interface FloodResult {
  /** Row-major indices of the pixels reached, seed first. */
  pixels: Int32Array
  /** [x, y, width, height] (COCO order). */
  bbox: [number, number, number, number]
}

/** Pixels 4-connected to (sx, sy) through pixels `joins` accepts (the seed always counts); null outside the image. */
export function floodFrom(width: number, height: number, sx: number, sy: number, joins: (i: number) => boolean): FloodResult | null {
  if (sx < 0 || sy < 0 || sx >= width || sy >= height) return null
  const seen = new Uint8Array(width * height)
  const out = new Int32Array(width * height)
  let top = 0, count = 0
  const seed = sy * width + sx
  out[top++] = seed
  seen[seed] = 1
  let x0 = sx, x1 = sx, y0 = sy, y1 = sy
  // `out` is both the stack (from `count` up) and the result (below `count`): each pixel is pushed once.
  while (count < top) {
    const i = out[count++]!
    const x = i % width
    const y = (i - x) / width
    if (x < x0) x0 = x
    if (x > x1) x1 = x
    if (y < y0) y0 = y
    if (y > y1) y1 = y
    if (x > 0 && !seen[i - 1] && joins(i - 1)) { seen[i - 1] = 1; out[top++] = i - 1 }
    if (x < width - 1 && !seen[i + 1] && joins(i + 1)) { seen[i + 1] = 1; out[top++] = i + 1 }
    if (y > 0 && !seen[i - width] && joins(i - width)) { seen[i - width] = 1; out[top++] = i - width }
    if (y < height - 1 && !seen[i + width] && joins(i + width)) { seen[i + width] = 1; out[top++] = i + width }
  }
  return { pixels: out.subarray(0, count), bbox: [x0, y0, x1 - x0 + 1, y1 - y0 + 1] }
}
