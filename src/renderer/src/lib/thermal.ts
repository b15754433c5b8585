import { colormapLut, type ColormapName } from './colormaps'

/** Raw thermal pixels as the camera gave them: 8 or 16 bits per pixel, not yet windowed. */
export interface ThermalRaw {
  width: number
  height: number
  bits: 8 | 16
  values: Uint8Array | Uint16Array
}

/** Loads `/media/thermal-raw/<id>` (little-endian, headers x-width/x-height/x-bits). */
export async function fetchThermalRaw(url: string): Promise<ThermalRaw> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`thermal-raw: HTTP ${res.status}`)
  const width = Number(res.headers.get('x-width'))
  const height = Number(res.headers.get('x-height'))
  const bits = Number(res.headers.get('x-bits')) === 16 ? 16 : 8
  const buf = await res.arrayBuffer()
  if (!width || !height) throw new Error('thermal-raw: missing x-width/x-height headers')
  if (bits === 8) return { width, height, bits, values: new Uint8Array(buf) }
  // Copy into an aligned Uint16Array, reading little-endian whatever the host order.
  const dv = new DataView(buf)
  const values = new Uint16Array(width * height)
  for (let i = 0; i < values.length; i++) values[i] = dv.getUint16(i * 2, true)
  return { width, height, bits, values }
}

/** Fallback when the raw endpoint is unavailable: the 8-bit display PNG's grey values. */
export function thermalFromImage(img: HTMLImageElement): ThermalRaw {
  const c = document.createElement('canvas')
  c.width = img.naturalWidth
  c.height = img.naturalHeight
  const ctx = c.getContext('2d', { willReadFrequently: true })!
  ctx.drawImage(img, 0, 0)
  const rgba = ctx.getImageData(0, 0, c.width, c.height).data
  const values = new Uint8Array(c.width * c.height)
  for (let i = 0; i < values.length; i++) values[i] = rgba[i * 4]
  return { width: c.width, height: c.height, bits: 8, values }
}

/** Values at the given lower/upper percentiles (for the "auto" window). */
export function percentileWindow(raw: ThermalRaw, lo = 0.01, hi = 0.99): { min: number; max: number } {
  const bins = raw.bits === 16 ? 65536 : 256
  const hist = new Uint32Array(bins)
  const v = raw.values
  for (let i = 0; i < v.length; i++) hist[v[i]]++
  const n = v.length
  let acc = 0
  let min = 0
  let max = bins - 1
  let foundMin = false
  for (let b = 0; b < bins; b++) {
    acc += hist[b]
    if (!foundMin && acc >= n * lo) {
      min = b
      foundMin = true
    }
    if (acc >= n * hi) {
      max = b
      break
    }
  }
  return max > min ? { min, max } : { min: 0, max: bins - 1 }
}

/** Windows raw values to [min,max] and paints them through a colour map into `canvas`. */
export function renderThermal(raw: ThermalRaw, canvas: HTMLCanvasElement, cmap: ColormapName, min: number, max: number): void {
  if (canvas.width !== raw.width || canvas.height !== raw.height) {
    canvas.width = raw.width
    canvas.height = raw.height
  }
  const ctx = canvas.getContext('2d')!
  const img = ctx.createImageData(raw.width, raw.height)
  const out = new Uint32Array(img.data.buffer)
  const lut = colormapLut(cmap)
  const span = Math.max(1, max - min)
  // Precompute value → colour for every possible input so the loop is one lookup per pixel.
  const size = raw.bits === 16 ? 65536 : 256
  const full = new Uint32Array(size)
  for (let v = 0; v < size; v++) full[v] = lut[Math.max(0, Math.min(255, Math.round(((v - min) / span) * 255)))]
  const src = raw.values
  for (let i = 0; i < src.length; i++) out[i] = full[src[i]]
  ctx.putImageData(img, 0, 0)
}
