/**
 * Sensor simulation applied after rasterising: RGB lighting (day/night, glare, fog, noise) and
 * thermal optics and electronics (blur, noise, gain/offset/gradient drift, misregistration).
 * Noise comes from a fixed table read at per-row random offsets (see NOISE_TABLE).
 */
import type { Light } from './objects'

export interface RgbEffects {
  night: boolean
  /** Global exposure (day only), ~0.85..1.15. */
  exposure: number
  /** 0..1: blend towards flat fog colour, stronger far away. */
  fog: number
  horizon: number
  lights: readonly Light[]
  noiseSeed: number
}

export interface ThermalEffects {
  gain: number
  /** Fraction of the full range added everywhere. */
  offset: number
  /** Fraction of range: -gradient/2 at the left edge to +gradient/2 at the right edge. */
  gradient: number
  /** Thermal shifted by (dx, dy) pixels relative to RGB and labels. */
  dx: number
  dy: number
  /** Std-dev-ish amplitude of the sensor noise as a fraction of range. */
  noise: number
  noiseSeed: number
}

/** xorshift32 stream returning uniform integers; used only to pick noise-table offsets per row. */
function makeXorshift(seed: number): () => number {
  let s = seed >>> 0 || 0x1234567
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>>= 0)
  }
}

/**
 * Triangular noise in [-1, 1), 64K samples, built once from a fixed seed. Each row reads it from a
 * random offset: per-pixel random calls cost more than the rest of the scene, and a table
 * walked from random offsets is indistinguishable for training purposes.
 */
const NOISE_MASK = 0xffff
const NOISE_TABLE: Float32Array = (() => {
  const next = makeXorshift(0x5eed1234)
  const t = new Float32Array(NOISE_MASK + 1)
  for (let i = 0; i < t.length; i++) {
    const v = next()
    t[i] = ((v & 0xffff) + (v >>> 16) - 0xffff) / 0xffff
  }
  return t
})()

export function applyRgbEffects(rgb: Uint8Array, width: number, height: number, fx: RgbEffects): void {
  const next = makeXorshift(fx.noiseSeed)
  const table = NOISE_TABLE
  const scale = fx.night ? 0.13 : fx.exposure
  const amp = fx.night ? 9 : 6
  const fogColour = fx.night ? 35 : 205
  const span = Math.max(1, height - fx.horizon)
  for (let y = 0; y < height; y++) {
    // Fog thickens with distance: full strength at and above the horizon, half at the bottom edge.
    const depth = y <= fx.horizon ? 1 : 1 - 0.5 * ((y - fx.horizon) / span)
    const f = Math.min(1, fx.fog * depth)
    const keep = (1 - f) * scale
    const add = f * fogColour
    let k = next()
    for (let i = y * width * 3, end = (y + 1) * width * 3; i < end; i++) {
      const v = rgb[i] * keep + add + table[k++ & NOISE_MASK] * amp + 0.5
      rgb[i] = v < 0 ? 0 : v > 255 ? 255 : v
    }
  }
  if (fx.night) for (const l of fx.lights) addGlare(rgb, width, height, l)
}

/** Additive radial glow with a saturated core: what headlights and lamps do to a night camera. */
function addGlare(rgb: Uint8Array, width: number, height: number, l: Light): void {
  const r = Math.max(2, l.radius)
  const x0 = Math.max(0, Math.floor(l.x - 2 * r))
  const x1 = Math.min(width, Math.ceil(l.x + 2 * r))
  const y0 = Math.max(0, Math.floor(l.y - 2 * r))
  const y1 = Math.min(height, Math.ceil(l.y + 2 * r))
  const inv = 1 / (r * r)
  for (let y = y0; y < y1; y++) {
    const dy = y + 0.5 - l.y
    for (let x = x0; x < x1; x++) {
      const dx = x + 0.5 - l.x
      const d2 = (dx * dx + dy * dy) * inv
      if (d2 > 4) continue
      const k = l.strength * 255 * Math.exp(-2.5 * d2)
      const i = (y * width + x) * 3
      let v = rgb[i] + k * (l.r / 255)
      rgb[i] = v > 255 ? 255 : v
      v = rgb[i + 1] + k * (l.g / 255)
      rgb[i + 1] = v > 255 ? 255 : v
      v = rgb[i + 2] + k * (l.b / 255)
      rgb[i + 2] = v > 255 ? 255 : v
    }
  }
}

/**
 * Turns the scene temperature field into the 8-bit thermal image:
 * out(x, y) = clamp(gain·(blur(T) + noise) + offset + gradient·(x/(W-1) − ½)) sampled at (x−dx, y−dy).
 * blur = [1,4,6,4,1]/16 separable (≈ Gaussian σ≈1 px: the optics), edges clamped.
 * Noise is drawn independently of the knobs, so two renders that differ only in a knob differ
 * exactly by that knob (up to clipping) — which is what the tests check.
 * `temp` is used as scratch and overwritten.
 */
export function renderThermal(temp: Float32Array, width: number, height: number, fx: ThermalEffects): Uint8Array {
  const tmp = new Float32Array(temp.length)
  const W = width
  const at = (row: number, x: number): number => temp[row + (x < 0 ? 0 : x >= W ? W - 1 : x)]
  for (let y = 0; y < height; y++) {
    const row = y * W
    for (let x = 0; x < Math.min(2, W); x++) tmp[row + x] = (at(row, x - 2) + 4 * at(row, x - 1) + 6 * at(row, x) + 4 * at(row, x + 1) + at(row, x + 2)) / 16
    for (let x = 2; x < W - 2; x++) {
      const i = row + x
      tmp[i] = (temp[i - 2] + 4 * temp[i - 1] + 6 * temp[i] + 4 * temp[i + 1] + temp[i + 2]) * 0.0625
    }
    for (let x = Math.max(2, W - 2); x < W; x++) tmp[row + x] = (at(row, x - 2) + 4 * at(row, x - 1) + 6 * at(row, x) + 4 * at(row, x + 1) + at(row, x + 2)) / 16
  }
  const next = makeXorshift(fx.noiseSeed)
  const table = NOISE_TABLE
  const gx = W > 1 ? fx.gradient / (W - 1) : 0
  const gain = fx.gain, amp = fx.noise, base = fx.offset - fx.gradient * 0.5
  const field = temp // vertical pass writes the final float field over the scratch input
  const rowOf = (y: number): number => (y < 0 ? 0 : y >= height ? height - 1 : y) * W
  for (let y = 0; y < height; y++) {
    const r0 = rowOf(y - 2), r1 = rowOf(y - 1), r2 = y * W, r3 = rowOf(y + 1), r4 = rowOf(y + 2)
    let k = next()
    for (let x = 0; x < W; x++) {
      const v = (tmp[r0 + x] + 4 * tmp[r1 + x] + 6 * tmp[r2 + x] + 4 * tmp[r3 + x] + tmp[r4 + x]) * 0.0625
      field[r2 + x] = gain * (v + table[k++ & NOISE_MASK] * amp) + base + gx * x
    }
  }
  const out = new Uint8Array(W * height)
  const dx = Math.round(fx.dx)
  const dy = Math.round(fx.dy)
  if (dx === 0 && dy === 0) {
    for (let i = 0; i < out.length; i++) {
      const v = field[i] * 255 + 0.5
      out[i] = v < 0 ? 0 : v > 255 ? 255 : v
    }
    return out
  }
  for (let y = 0; y < height; y++) {
    let sy = y - dy
    sy = sy < 0 ? 0 : sy >= height ? height - 1 : sy
    for (let x = 0; x < W; x++) {
      let sx = x - dx
      sx = sx < 0 ? 0 : sx >= W ? W - 1 : sx
      const v = field[sy * W + sx] * 255 + 0.5
      out[y * W + x] = v < 0 ? 0 : v > 255 ? 255 : v
    }
  }
  return out
}
