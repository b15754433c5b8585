/** `<input type="color">` speaks `#rrggbb`; class tables hold [r, g, b]. */
export type Rgb = [number, number, number]

export function rgbToHex(c: readonly number[]): string {
  return '#' + c.slice(0, 3).map((v) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0')).join('')
}

export function hexToRgb(hex: string): Rgb {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim())
  if (!m) return [0, 0, 0]
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)]
}

/** A colour for the n-th added class that differs from its neighbours (golden-angle hues). */
export function colourFor(n: number): Rgb {
  const h = (n * 137.508) % 360
  const f = (k0: number): number => {
    const k = (k0 + h / 30) % 12
    return Math.round(255 * (0.5 - 0.45 * Math.max(-1, Math.min(k - 3, 9 - k, 1))))
  }
  return [f(0), f(8), f(4)]
}
