/**
 * Mask math for the simulated annotator and the NoC figures (issue 20): crops, IoU, the exact
 * Euclidean distance transform and the deepest pixel of a mask (the NoC click rule). Pure.
 */

/** A binary mask stored as a crop of the image: `data` is w*h, 1 = inside. */
export interface CropMask {
  x: number
  y: number
  w: number
  h: number
  data: Uint8Array
}

export interface Point {
  x: number
  y: number
}

export const emptyCrop = (): CropMask => ({ x: 0, y: 0, w: 0, h: 0, data: new Uint8Array(0) })

export function cropArea(m: CropMask): number {
  let n = 0
  for (let i = 0; i < m.data.length; i++) if (m.data[i]) n++
  return n
}

/** Value of a crop at image pixel (x, y); 0 outside it. */
export function at(m: CropMask, x: number, y: number): number {
  const cx = x - m.x
  const cy = y - m.y
  return cx >= 0 && cy >= 0 && cx < m.w && cy < m.h ? m.data[cy * m.w + cx]! : 0
}

/** The smallest box holding both crops (an empty crop adds nothing). */
export function unionBox(a: CropMask, b: CropMask): { x: number; y: number; w: number; h: number } {
  if (!a.w || !a.h) return { x: b.x, y: b.y, w: b.w, h: b.h }
  if (!b.w || !b.h) return { x: a.x, y: a.y, w: a.w, h: a.h }
  const x = Math.min(a.x, b.x)
  const y = Math.min(a.y, b.y)
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y }
}

/** IoU of two crops; 1 when both are empty. */
export function cropIou(a: CropMask, b: CropMask): number {
  let inter = 0
  const x0 = Math.max(a.x, b.x)
  const y0 = Math.max(a.y, b.y)
  const x1 = Math.min(a.x + a.w, b.x + b.w)
  const y1 = Math.min(a.y + a.h, b.y + b.h)
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (at(a, x, y) && at(b, x, y)) inter++
  const uni = cropArea(a) + cropArea(b) - inter
  return uni === 0 ? 1 : inter / uni
}

/** a XOR b over their union box: the pixels a click tool still gets wrong. */
export function xorCrop(a: CropMask, b: CropMask): CropMask {
  const box = unionBox(a, b)
  const data = new Uint8Array(box.w * box.h)
  for (let y = 0; y < box.h; y++) for (let x = 0; x < box.w; x++) data[y * box.w + x] = at(a, box.x + x, box.y + y) !== at(b, box.x + x, box.y + y) ? 1 : 0
  return { ...box, data }
}

const INF = 1e20

/** 1-D squared distance transform of f (Felzenszwalb & Huttenlocher), written into d. */
function edt1(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0
  v[0] = 0
  z[0] = -INF
  z[1] = INF
  for (let q = 1; q < n; q++) {
    let s = (f[q]! + q * q - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!)
    while (s <= z[k]!) {
      k--
      s = (f[q]! + q * q - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!)
    }
    k++
    v[k] = q
    z[k] = s
    z[k + 1] = INF
  }
  k = 0
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++
    d[q] = (q - v[k]!) * (q - v[k]!) + f[v[k]!]!
  }
}

/**
 * Squared Euclidean distance of every inside pixel to the nearest outside pixel, where everything
 * beyond the w x h grid counts as outside (so a mask touching the border is shallow there).
 * Outside pixels get 0.
 */
export function distanceToBoundary(mask: ArrayLike<number>, w: number, h: number): Float64Array {
  const W = w + 2
  const H = h + 2
  const g = new Float64Array(W * H)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) g[(y + 1) * W + x + 1] = mask[y * w + x] ? INF : 0
  const n = Math.max(W, H)
  const f = new Float64Array(n)
  const d = new Float64Array(n)
  const v = new Int32Array(n)
  const z = new Float64Array(n + 1)
  for (let x = 0; x < W; x++) {
    for (let y = 0; y < H; y++) f[y] = g[y * W + x]!
    edt1(f, H, d, v, z)
    for (let y = 0; y < H; y++) g[y * W + x] = d[y]!
  }
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) f[x] = g[y * W + x]!
    edt1(f, W, d, v, z)
    for (let x = 0; x < W; x++) g[y * W + x] = d[x]!
  }
  const out = new Float64Array(w * h)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = g[(y + 1) * W + x + 1]!
  return out
}

/**
 * The NoC click rule: the inside pixel farthest from the mask's boundary, in image coordinates;
 * among equally deep pixels the one nearest their mean (so a rectangle's is its centre). null for
 * an empty mask.
 */
export function deepestPixel(m: CropMask): Point | null {
  const dt = distanceToBoundary(m.data, m.w, m.h)
  let best = 0
  for (let i = 0; i < dt.length; i++) if (m.data[i] && dt[i]! > best) best = dt[i]!
  if (best === 0) return null
  let sx = 0
  let sy = 0
  let n = 0
  for (let i = 0; i < dt.length; i++) if (dt[i] === best) { sx += i % m.w; sy += Math.floor(i / m.w); n++ }
  const cx = sx / n
  const cy = sy / n
  let bi = -1
  let bd = Infinity
  for (let i = 0; i < dt.length; i++) {
    if (dt[i] !== best) continue
    const d = (i % m.w - cx) ** 2 + (Math.floor(i / m.w) - cy) ** 2
    if (d < bd) { bd = d; bi = i }
  }
  return { x: m.x + (bi % m.w), y: m.y + Math.floor(bi / m.w) }
}

/** Crop of the pixels of a full-size map equal to `value` inside a box. */
export function cropWhere(map: ArrayLike<number>, width: number, box: { x: number; y: number; w: number; h: number }, value: number): CropMask {
  const data = new Uint8Array(box.w * box.h)
  for (let y = 0; y < box.h; y++) for (let x = 0; x < box.w; x++) data[y * box.w + x] = map[(box.y + y) * width + box.x + x] === value ? 1 : 0
  return { ...box, data }
}
