/**
 * Separable image resampling that reproduces Pillow's `Image.resize(..., BILINEAR)` (the kernel the
 * model packages are trained with, antialiased when shrinking): the same support, coefficient
 * bounds and, for 8-bit data, the same 22-bit fixed-point rounding after each pass, so the app's
 * model inputs are bit-identical to the training pipeline's. 16-bit data goes through the same
 * coefficients in floating point. Buffers are passed in (reused across images); nothing here
 * allocates per pixel.
 */

export type ResampleKernel = 'bilinear' | 'nearest'

/** Coefficients of one output axis: for output i, taps bounds[2i]..+bounds[2i+1] with weights k[i*ksize..]. */
export interface AxisCoeffs {
  ksize: number
  bounds: Int32Array
  /** Normalised weights (double). */
  k: Float64Array
  /** Pillow's fixed-point weights (PRECISION_BITS = 22). */
  kk: Int32Array
}

const PRECISION_BITS = 32 - 8 - 2
const HALF = 1 << (PRECISION_BITS - 1)
const cache = new Map<string, AxisCoeffs>()

/** Pillow's precompute_coeffs for the bilinear (triangle) filter over the box [0, inSize). */
export function axisCoeffs(inSize: number, outSize: number): AxisCoeffs {
  const key = `${inSize}>${outSize}`
  const hit = cache.get(key)
  if (hit) return hit
  const scale = inSize / outSize
  const filterscale = Math.max(1, scale)
  const support = 1.0 * filterscale
  const ksize = Math.ceil(support) * 2 + 1
  const bounds = new Int32Array(outSize * 2)
  const k = new Float64Array(outSize * ksize)
  const kk = new Int32Array(outSize * ksize)
  const ss = 1 / filterscale
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale
    let xmin = Math.trunc(center - support + 0.5)
    if (xmin < 0) xmin = 0
    let xmax = Math.trunc(center + support + 0.5)
    if (xmax > inSize) xmax = inSize
    xmax -= xmin
    let ww = 0
    const base = xx * ksize
    for (let x = 0; x < xmax; x++) {
      let t = (x + xmin - center + 0.5) * ss
      if (t < 0) t = -t
      const w = t < 1 ? 1 - t : 0
      k[base + x] = w
      ww += w
    }
    for (let x = 0; x < xmax; x++) {
      if (ww !== 0) k[base + x] /= ww
      const v = k[base + x]! * (1 << PRECISION_BITS)
      kk[base + x] = v < 0 ? Math.trunc(-0.5 + v) : Math.trunc(0.5 + v)
    }
    bounds[xx * 2] = xmin
    bounds[xx * 2 + 1] = xmax
  }
  const c = { ksize, bounds, k, kk }
  if (cache.size > 64) cache.clear()
  cache.set(key, c)
  return c
}

function clip8(v: number): number {
  if (v >= 1 << PRECISION_BITS << 8) return 255
  if (v <= 0) return 0
  return v >> PRECISION_BITS
}

/**
 * 8-bit interleaved resize (ch channels), Pillow-exact. `tmp` needs h*outW*ch bytes when both axes
 * change. Passes are skipped when an axis keeps its size, as Pillow does.
 */
export function resize8(src: Uint8Array, w: number, h: number, ch: number, outW: number, outH: number, out: Uint8Array, tmp: Uint8Array, kernel: ResampleKernel = 'bilinear'): void {
  if (kernel === 'nearest') return nearest(src, w, h, ch, outW, outH, out)
  if (w === outW && h === outH) {
    out.set(src.subarray(0, w * h * ch))
    return
  }
  let cur = src
  let curW = w
  if (w !== outW) {
    const dst = h === outH ? out : tmp
    const c = axisCoeffs(w, outW)
    if (ch === 4) horizontal4(src, h, w, outW, dst, c)
    else {
      for (let y = 0; y < h; y++) {
        const row = y * w * ch
        const orow = y * outW * ch
        for (let xx = 0; xx < outW; xx++) {
          const xmin = c.bounds[xx * 2]!
          const xmax = c.bounds[xx * 2 + 1]!
          const kb = xx * c.ksize
          for (let b = 0; b < ch; b++) {
            let ss = HALF
            for (let x = 0; x < xmax; x++) ss += src[row + (x + xmin) * ch + b]! * c.kk[kb + x]!
            dst[orow + xx * ch + b] = clip8(ss)
          }
        }
      }
    }
    cur = dst
    curW = outW
  }
  if (h !== outH) vertical8(cur, curW * ch, axisCoeffs(h, outH), outH, out)
}

/**
 * Vertical pass: each tap adds a whole source row (sequential memory). Two and three taps (every
 * shrink down to 1/2) are unrolled, with no accumulator array; sums stay below 2^31 as in
 * Pillow's int32 arithmetic, and doubles hold them exactly, so the order of the adds is free.
 */
function vertical8(cur: Uint8Array, stride: number, c: AxisCoeffs, outH: number, out: Uint8Array): void {
  const acc = rowAcc(stride)
  for (let yy = 0; yy < outH; yy++) {
    const ymin = c.bounds[yy * 2]!
    const ymax = c.bounds[yy * 2 + 1]!
    const kb = yy * c.ksize
    const orow = yy * stride
    const r0 = ymin * stride
    if (ymax === 2 || ymax === 3) {
      const k0 = c.kk[kb]!
      const k1 = c.kk[kb + 1]!
      const r1 = r0 + stride
      if (ymax === 2) {
        for (let i = 0; i < stride; i++) out[orow + i] = clip8(HALF + cur[r0 + i]! * k0 + cur[r1 + i]! * k1)
      } else {
        const k2 = c.kk[kb + 2]!
        const r2 = r1 + stride
        for (let i = 0; i < stride; i++) out[orow + i] = clip8(HALF + cur[r0 + i]! * k0 + cur[r1 + i]! * k1 + cur[r2 + i]! * k2)
      }
      continue
    }
    acc.fill(HALF, 0, stride)
    for (let y = 0; y < ymax; y++) {
      const k = c.kk[kb + y]!
      const srow = (y + ymin) * stride
      for (let i = 0; i < stride; i++) acc[i] += cur[srow + i]! * k
    }
    for (let i = 0; i < stride; i++) out[orow + i] = clip8(acc[i]!)
  }
}

let accBuf = new Float64Array(0)
function rowAcc(n: number): Float64Array {
  if (accBuf.length < n) accBuf = new Float64Array(n)
  return accBuf
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1

/**
 * Horizontal pass for 4 interleaved channels (MFNet RGBT): one tap loop feeds four sums. On
 * little-endian machines with 4-byte-aligned buffers a pixel is read and written as one 32-bit
 * word (channel b = byte b), a quarter of the element accesses.
 */
function horizontal4(src: Uint8Array, h: number, w: number, outW: number, dst: Uint8Array, c: AxisCoeffs): void {
  if (LITTLE_ENDIAN && src.byteOffset % 4 === 0 && dst.byteOffset % 4 === 0) {
    const s32 = new Uint32Array(src.buffer, src.byteOffset, w * h)
    const d32 = new Uint32Array(dst.buffer, dst.byteOffset, outW * h)
    for (let y = 0; y < h; y++) {
      const row = y * w
      const orow = y * outW
      for (let xx = 0; xx < outW; xx++) {
        const xmax = c.bounds[xx * 2 + 1]!
        const kb = xx * c.ksize
        let s0 = HALF, s1 = HALF, s2 = HALF, s3 = HALF
        for (let x = 0, p = row + c.bounds[xx * 2]!; x < xmax; x++, p++) {
          const k = c.kk[kb + x]!
          const v = s32[p]!
          s0 += (v & 255) * k
          s1 += ((v >>> 8) & 255) * k
          s2 += ((v >>> 16) & 255) * k
          s3 += (v >>> 24) * k
        }
        d32[orow + xx] = clip8(s0) | (clip8(s1) << 8) | (clip8(s2) << 16) | (clip8(s3) << 24)
      }
    }
    return
  }
  for (let y = 0; y < h; y++) {
    const row = y * w * 4
    const orow = y * outW * 4
    for (let xx = 0; xx < outW; xx++) {
      const xmin = c.bounds[xx * 2]!
      const xmax = c.bounds[xx * 2 + 1]!
      const kb = xx * c.ksize
      let s0 = HALF, s1 = HALF, s2 = HALF, s3 = HALF
      for (let x = 0, p = row + xmin * 4; x < xmax; x++, p += 4) {
        const k = c.kk[kb + x]!
        s0 += src[p]! * k
        s1 += src[p + 1]! * k
        s2 += src[p + 2]! * k
        s3 += src[p + 3]! * k
      }
      const o = orow + xx * 4
      dst[o] = clip8(s0)
      dst[o + 1] = clip8(s1)
      dst[o + 2] = clip8(s2)
      dst[o + 3] = clip8(s3)
    }
  }
}

/** Single-channel float resize with the same coefficients (16-bit thermal); `tmp` needs h*outW. */
export function resizeFloat(src: ArrayLike<number>, w: number, h: number, outW: number, outH: number, out: Float32Array, tmp: Float32Array, kernel: ResampleKernel = 'bilinear'): void {
  if (kernel === 'nearest') return nearest(src, w, h, 1, outW, outH, out)
  if (w === outW && h === outH) {
    for (let i = 0; i < w * h; i++) out[i] = src[i]!
    return
  }
  let cur: ArrayLike<number> = src
  if (w !== outW) {
    const dst = h === outH ? out : tmp
    const c = axisCoeffs(w, outW)
    for (let y = 0; y < h; y++) {
      const row = y * w
      for (let xx = 0; xx < outW; xx++) {
        const xmin = c.bounds[xx * 2]!
        const xmax = c.bounds[xx * 2 + 1]!
        const kb = xx * c.ksize
        let ss = 0
        for (let x = 0; x < xmax; x++) ss += src[row + x + xmin]! * c.k[kb + x]!
        dst[y * outW + xx] = ss
      }
    }
    cur = dst
  }
  if (h !== outH) {
    const c = axisCoeffs(h, outH)
    for (let yy = 0; yy < outH; yy++) {
      const ymin = c.bounds[yy * 2]!
      const ymax = c.bounds[yy * 2 + 1]!
      const kb = yy * c.ksize
      for (let i = 0; i < outW; i++) {
        let ss = 0
        for (let y = 0; y < ymax; y++) ss += cur[(y + ymin) * outW + i]! * c.k[kb + y]!
        out[yy * outW + i] = ss
      }
    }
  }
}

/** Pillow's NEAREST: source index floor((i + 0.5) * in / out). */
function nearest(src: ArrayLike<number>, w: number, h: number, ch: number, outW: number, outH: number, out: { [i: number]: number }): void {
  for (let yy = 0; yy < outH; yy++) {
    const sy = Math.min(h - 1, Math.floor((yy + 0.5) * h / outH))
    for (let xx = 0; xx < outW; xx++) {
      const sx = Math.min(w - 1, Math.floor((xx + 0.5) * w / outW))
      for (let b = 0; b < ch; b++) out[(yy * outW + xx) * ch + b] = src[(sy * w + sx) * ch + b]!
    }
  }
}
