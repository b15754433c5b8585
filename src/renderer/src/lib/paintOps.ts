import { floodFrom } from '@shared/labelmap/flood'
import type { Rect } from './rect'

/** Pixel operations on a row-major uint8 label map; each returns the rectangle it touched. */

/** A filled disc of `radius` at (cx, cy). */
export function stampDisc(map: Uint8Array, width: number, height: number, cx: number, cy: number, radius: number, value: number): Rect | null {
  const r = Math.max(0.5, radius)
  const x0 = Math.max(0, Math.floor(cx - r))
  const x1 = Math.min(width - 1, Math.ceil(cx + r))
  const y0 = Math.max(0, Math.floor(cy - r))
  const y1 = Math.min(height - 1, Math.ceil(cy + r))
  if (x1 < x0 || y1 < y0) return null
  const r2 = r * r
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy
    const row = y * width
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx
      if (dx * dx + dy * dy <= r2) map[row + x] = value
    }
  }
  return { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 }
}

/** Discs along a segment, spaced so the stroke has no gaps. */
export function stampSegment(map: Uint8Array, width: number, height: number, ax: number, ay: number, bx: number, by: number, radius: number, value: number): Rect | null {
  const len = Math.hypot(bx - ax, by - ay)
  const steps = Math.max(1, Math.ceil(len / Math.max(0.5, radius * 0.4)))
  for (let i = 0; i <= steps; i++) {
    const t = i / steps
    stampDisc(map, width, height, ax + (bx - ax) * t, ay + (by - ay) * t, radius, value)
  }
  const r = Math.ceil(radius) + 1
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx)) - r)
  const y0 = Math.max(0, Math.floor(Math.min(ay, by)) - r)
  const x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx)) + r)
  const y1 = Math.min(height - 1, Math.ceil(Math.max(ay, by)) + r)
  return x1 < x0 || y1 < y0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 }
}

/**
 * 4-connected flood fill from (sx, sy) over pixels equal to the seed's value (relabel a region: the
 * same pixels as the region holding the seed, @shared/labelmap/flood), or, with `similar`, over
 * pixels whose guide value (thermal/RGB luminance) is within `tolerance` of the seed's.
 */
export function floodFill(
  map: Uint8Array, width: number, height: number, sx: number, sy: number, value: number,
  similar?: { guide: Uint8Array | Uint16Array; tolerance: number }
): Rect | null {
  if (sx < 0 || sy < 0 || sx >= width || sy >= height) return null
  const seed = sy * width + sx
  const from = map[seed]
  if (!similar && from === value) return null
  const g = similar?.guide
  const g0 = g ? g[seed] : 0
  const tol = similar?.tolerance ?? 0
  const f = floodFrom(width, height, sx, sy, g ? (i) => Math.abs(g[i] - g0) <= tol : (i) => map[i] === from)
  if (!f) return null
  for (const i of f.pixels) map[i] = value
  const [x, y, w, h] = f.bbox
  return { x, y, w, h }
}

/** Even-odd scanline fill of a polygon given in image pixels (pixel centres are sampled). */
export function fillPolygon(map: Uint8Array, width: number, height: number, pts: Array<[number, number]>, value: number): Rect | null {
  if (pts.length < 3) return null
  const ys = pts.map((p) => p[1])
  const y0 = Math.max(0, Math.floor(Math.min(...ys)))
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...ys)))
  let bx0 = Infinity, bx1 = -1, by0 = Infinity, by1 = -1
  const xs: number[] = []
  for (let y = y0; y <= y1; y++) {
    const cy = y + 0.5
    xs.length = 0
    for (let i = 0; i < pts.length; i++) {
      const [ax, ay] = pts[i]
      const [bx, by] = pts[(i + 1) % pts.length]
      if ((ay <= cy && by > cy) || (by <= cy && ay > cy)) xs.push(ax + ((cy - ay) / (by - ay)) * (bx - ax))
    }
    xs.sort((a, b) => a - b)
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const xa = Math.max(0, Math.ceil(xs[k] - 0.5))
      const xb = Math.min(width - 1, Math.floor(xs[k + 1] - 0.5))
      if (xb < xa) continue
      map.fill(value, y * width + xa, y * width + xb + 1)
      if (xa < bx0) bx0 = xa
      if (xb > bx1) bx1 = xb
      if (y < by0) by0 = y
      by1 = y
    }
  }
  return bx1 < 0 ? null : { x: bx0, y: by0, w: bx1 - bx0 + 1, h: by1 - by0 + 1 }
}
