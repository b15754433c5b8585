/** Thermal colour maps as 256-entry RGBA lookup tables (packed little-endian, for Uint32 writes). */

export type ColormapName = 'grey' | 'inferno' | 'iron'
export const colormapNames: ColormapName[] = ['grey', 'inferno', 'iron']

type Stop = [number, number, number, number] // position 0..1, r, g, b

const stops: Record<ColormapName, Stop[]> = {
  grey: [
    [0, 0, 0, 0],
    [1, 255, 255, 255]
  ],
  // Matplotlib's inferno, sampled at 9 points (close enough for display).
  inferno: [
    [0, 0, 0, 4],
    [0.125, 31, 12, 72],
    [0.25, 85, 15, 109],
    [0.375, 136, 34, 106],
    [0.5, 186, 54, 85],
    [0.625, 227, 89, 51],
    [0.75, 249, 140, 10],
    [0.875, 249, 201, 50],
    [1, 252, 255, 164]
  ],
  // The "iron"/"ironbow" palette of thermal cameras.
  iron: [
    [0, 0, 0, 0],
    [0.15, 32, 0, 140],
    [0.35, 145, 0, 155],
    [0.55, 225, 60, 40],
    [0.75, 250, 150, 0],
    [0.9, 255, 220, 60],
    [1, 255, 255, 255]
  ]
}

const cache = new Map<ColormapName, Uint32Array>()

export function colormapLut(name: ColormapName): Uint32Array {
  const hit = cache.get(name)
  if (hit) return hit
  const s = stops[name]
  const lut = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    const t = i / 255
    let k = 0
    while (k < s.length - 2 && t > s[k + 1][0]) k++
    const [p0, r0, g0, b0] = s[k]
    const [p1, r1, g1, b1] = s[k + 1]
    const f = p1 === p0 ? 0 : Math.min(1, Math.max(0, (t - p0) / (p1 - p0)))
    const r = Math.round(r0 + (r1 - r0) * f)
    const g = Math.round(g0 + (g1 - g0) * f)
    const b = Math.round(b0 + (b1 - b0) * f)
    lut[i] = (255 << 24) | (b << 16) | (g << 8) | r
  }
  cache.set(name, lut)
  return lut
}

/** CSS gradient of a colour map, for the legend next to the window controls. */
export function colormapCss(name: ColormapName): string {
  return `linear-gradient(to right, ${stops[name].map(([p, r, g, b]) => `rgb(${r},${g},${b}) ${p * 100}%`).join(', ')})`
}
