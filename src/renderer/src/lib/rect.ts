/** Integer pixel rectangles (x, y, w, h) used for dirty regions and edit payloads. */
export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

export function unionRect(a: Rect | null, b: Rect): Rect {
  if (!a) return { ...b }
  const x = Math.min(a.x, b.x)
  const y = Math.min(a.y, b.y)
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y }
}

/** Clips to [0,W)×[0,H); null when nothing is left. */
export function clipRect(r: Rect, width: number, height: number): Rect | null {
  const x0 = Math.max(0, Math.floor(r.x))
  const y0 = Math.max(0, Math.floor(r.y))
  const x1 = Math.min(width, Math.ceil(r.x + r.w))
  const y1 = Math.min(height, Math.ceil(r.y + r.h))
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null
}

export function expandRect(r: Rect, by: number): Rect {
  return { x: r.x - by, y: r.y - by, w: r.w + 2 * by, h: r.h + 2 * by }
}

/** Copies the pixels of `r` out of a row-major map. */
export function extractRect(map: Uint8Array, width: number, r: Rect): Uint8Array {
  const out = new Uint8Array(r.w * r.h)
  for (let y = 0; y < r.h; y++) out.set(map.subarray((r.y + y) * width + r.x, (r.y + y) * width + r.x + r.w), y * r.w)
  return out
}

/** Writes `data` (r.w × r.h) into a row-major map. */
export function writeRect(map: Uint8Array, width: number, r: Rect, data: Uint8Array): void {
  for (let y = 0; y < r.h; y++) map.set(data.subarray(y * r.w, (y + 1) * r.w), (r.y + y) * width + r.x)
}

/** Smallest rect around the pixels where `a` and `b` differ inside `within`, or null. */
export function diffRect(a: Uint8Array, b: Uint8Array, width: number, within: Rect): Rect | null {
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -1
  let y1 = -1
  for (let y = within.y; y < within.y + within.h; y++) {
    const row = y * width
    for (let x = within.x; x < within.x + within.w; x++) {
      if (a[row + x] !== b[row + x]) {
        if (x < x0) x0 = x
        if (x > x1) x1 = x
        if (y < y0) y0 = y
        y1 = y
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 }
}
