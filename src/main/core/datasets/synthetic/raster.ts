/**
 * Flat-colour rasteriser over the scene's typed-array layers. Every primitive writes the same
 * pixels into RGB, thermal, label and instance layers at once, so labels are exact by
 * construction (no anti-aliasing: a label pixel is either inside a shape or not).
 */

export interface SceneLayers {
  width: number
  height: number
  /** HWC, 3 channels. */
  rgb: Uint8Array
  /** Temperature as a fraction of the sensor range, 0..1, before noise/blur/shift. */
  thermal: Float32Array
  label: Uint8Array
  instances: Uint16Array
}

/** What a primitive paints: colour, temperature, class and instance. */
export interface Paint {
  r: number
  g: number
  b: number
  /** 0..1 of the thermal range. */
  t: number
  label: number
  instance: number
}

export function createLayers(width: number, height: number): SceneLayers {
  const n = width * height
  return {
    width,
    height,
    rgb: new Uint8Array(n * 3),
    thermal: new Float32Array(n),
    label: new Uint8Array(n),
    instances: new Uint16Array(n)
  }
}

export function paint(r: number, g: number, b: number, t: number, label = 0, instance = 0): Paint {
  return { r: clampByte(r), g: clampByte(g), b: clampByte(b), t, label, instance }
}

export function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v)
}

/** Fills pixel centres x in [x0, x1) on row y. */
export function fillSpan(L: SceneLayers, y: number, x0: number, x1: number, p: Paint): void {
  if (y < 0 || y >= L.height) return
  let a = Math.ceil(x0 - 0.5)
  let b = Math.ceil(x1 - 0.5)
  if (a < 0) a = 0
  if (b > L.width) b = L.width
  if (a >= b) return
  const row = y * L.width
  L.label.fill(p.label, row + a, row + b)
  L.instances.fill(p.instance, row + a, row + b)
  L.thermal.fill(p.t, row + a, row + b)
  const rgb = L.rgb
  for (let i = (row + a) * 3, end = (row + b) * 3; i < end; i += 3) {
    rgb[i] = p.r
    rgb[i + 1] = p.g
    rgb[i + 2] = p.b
  }
}

export function fillRect(L: SceneLayers, x0: number, y0: number, x1: number, y1: number, p: Paint): void {
  const ya = Math.max(0, Math.ceil(y0 - 0.5))
  const yb = Math.min(L.height, Math.ceil(y1 - 0.5))
  for (let y = ya; y < yb; y++) fillSpan(L, y, x0, x1, p)
}

export function fillEllipse(L: SceneLayers, cx: number, cy: number, rx: number, ry: number, p: Paint): void {
  const ya = Math.max(0, Math.ceil(cy - ry - 0.5))
  const yb = Math.min(L.height, Math.ceil(cy + ry - 0.5))
  for (let y = ya; y < yb; y++) {
    const dy = (y + 0.5 - cy) / ry
    const k = 1 - dy * dy
    if (k <= 0) continue
    const half = rx * Math.sqrt(k)
    fillSpan(L, y, cx - half, cx + half, p)
  }
}

/** Annulus; `inner` may be 0 for a disc. */
export function fillRing(L: SceneLayers, cx: number, cy: number, outer: number, inner: number, p: Paint): void {
  const ya = Math.max(0, Math.ceil(cy - outer - 0.5))
  const yb = Math.min(L.height, Math.ceil(cy + outer - 0.5))
  for (let y = ya; y < yb; y++) {
    const dy = y + 0.5 - cy
    const ko = outer * outer - dy * dy
    if (ko <= 0) continue
    const ho = Math.sqrt(ko)
    const ki = inner * inner - dy * dy
    if (ki <= 0) {
      fillSpan(L, y, cx - ho, cx + ho, p)
    } else {
      const hi = Math.sqrt(ki)
      fillSpan(L, y, cx - ho, cx - hi, p)
      fillSpan(L, y, cx + hi, cx + ho, p)
    }
  }
}

/**
 * Scanline fill of a simple polygon given as flat [x0,y0,x1,y1,...] (even-odd rule).
 * A small crossing array per row is fine: polygons here have a handful of vertices.
 */
export function fillPolygon(L: SceneLayers, pts: readonly number[], p: Paint): void {
  const n = pts.length / 2
  if (n < 3) return
  let minY = Infinity
  let maxY = -Infinity
  for (let i = 1; i < pts.length; i += 2) {
    if (pts[i] < minY) minY = pts[i]
    if (pts[i] > maxY) maxY = pts[i]
  }
  const ya = Math.max(0, Math.ceil(minY - 0.5))
  const yb = Math.min(L.height, Math.ceil(maxY - 0.5))
  const xs: number[] = []
  for (let y = ya; y < yb; y++) {
    const yc = y + 0.5
    xs.length = 0
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = pts[2 * i], yi = pts[2 * i + 1]
      const xj = pts[2 * j], yj = pts[2 * j + 1]
      if ((yi > yc) !== (yj > yc)) xs.push(xi + ((yc - yi) * (xj - xi)) / (yj - yi))
    }
    xs.sort((a, b) => a - b)
    for (let k = 0; k + 1 < xs.length; k += 2) fillSpan(L, y, xs[k], xs[k + 1], p)
  }
}

/** A straight stroke of the given width, as a quad (keeps strokes ≥ width px thick). */
export function strokeLine(
  L: SceneLayers, x0: number, y0: number, x1: number, y1: number, width: number, p: Paint
): void {
  const dx = x1 - x0
  const dy = y1 - y0
  const len = Math.hypot(dx, dy) || 1
  const nx = (-dy / len) * width * 0.5
  const ny = (dx / len) * width * 0.5
  fillPolygon(L, [x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny], p)
  fillEllipse(L, x0, y0, width * 0.5, width * 0.5, p)
  fillEllipse(L, x1, y1, width * 0.5, width * 0.5, p)
}
