/**
 * Manifest-exact preprocessing: decoded RGB + thermal planes → the float32 NCHW tensors the
 * backbone reads. Order (the training pipeline's): registration shift of thermal at full size,
 * Pillow-exact bilinear resize of raw values (see resample.ts), then normalisation, one float32
 * operation at a time (x = (raw*scale - mean) / std) so the result matches PyTorch bit for bit.
 * Buffers live in the Preprocessor and in the caller's tensor slots and are reused image after
 * image.
 */
import type { ModelManifest } from '@shared/modelPackage'
import { frameFor, shiftInto, type Frame } from './geometry'
import { resize8, resizeFloat } from './resample'

/** RGB and thermal as separate arrays. */
export interface SplitPair {
  kind?: 'split'
  width: number
  height: number
  /** HWC, 3 channels, 8-bit. */
  rgb: Uint8Array
  /** One channel, row-major. */
  thermal: Uint8Array | Uint16Array
  thermalBits: 8 | 16
}

/** One interleaved 8-bit image holding RGB in channels 0..2 and thermal in another (MFNet PNG). */
export interface InterleavedPair {
  kind: 'rgbt'
  width: number
  height: number
  data: Uint8Array
  channels: number
  thermalChannel: number
  thermalBits: 8
}

export type DecodedPair = SplitPair | InterleavedPair

/** Separate arrays from an interleaved image (used when thermal must be shifted on its own). */
export function splitPair(p: DecodedPair): SplitPair {
  if (p.kind !== 'rgbt') return p
  const n = p.width * p.height
  const rgb = new Uint8Array(n * 3)
  const thermal = new Uint8Array(n)
  const d = p.data
  const ch = p.channels
  for (let i = 0, s = 0; i < n; i++, s += ch) {
    rgb[i * 3] = d[s]!
    rgb[i * 3 + 1] = d[s + 1]!
    rgb[i * 3 + 2] = d[s + 2]!
    thermal[i] = d[s + p.thermalChannel]!
  }
  return { width: p.width, height: p.height, rgb, thermal, thermalBits: 8 }
}

/** The pair of input tensors of one image (Float32Array, NCHW, batch 1). */
export interface InputSlot {
  rgb: Float32Array
  thermal: Float32Array
}

export function allocSlot(m: ModelManifest): InputSlot {
  const { rgb, thermal } = m.tensors.inputs
  return { rgb: new Float32Array(rgb.shape.reduce((a, b) => a * b, 1)), thermal: new Float32Array(thermal.shape.reduce((a, b) => a * b, 1)) }
}

const f = Math.fround
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1

/** Reusable scratch buffers, grown on demand. */
class Scratch {
  private u8 = new Map<string, Uint8Array>()
  private f32 = new Map<string, Float32Array>()
  bytes(key: string, n: number): Uint8Array {
    let b = this.u8.get(key)
    if (!b || b.length < n) this.u8.set(key, (b = new Uint8Array(n)))
    return b
  }
  floats(key: string, n: number): Float32Array {
    let b = this.f32.get(key)
    if (!b || b.length < n) this.f32.set(key, (b = new Float32Array(n)))
    return b
  }
}

export class Preprocessor {
  private readonly s = new Scratch()
  private readonly rgbScale: number
  private readonly rgbMean: number[]
  private readonly rgbStd: number[]
  /** Normalised value of every 8-bit raw value, per RGB channel (the same float32 ops, tabulated). */
  private readonly rgbLut = new Float32Array(3 * 256)
  private readonly thLut = new Float32Array(256)

  constructor(readonly manifest: ModelManifest) {
    const n = manifest.normalisation.rgb
    this.rgbScale = f(n.scale)
    this.rgbMean = n.mean.map(f)
    this.rgbStd = n.std.map(f)
    for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) this.rgbLut[c * 256 + v] = f(f(f(v * this.rgbScale) - this.rgbMean[c]!) / this.rgbStd[c]!)
    // For 8-bit thermal images the mapping does not depend on the image.
    const t8 = this.thermalNormaliser({ width: 1, height: 1, rgb: new Uint8Array(3), thermal: new Uint8Array(1), thermalBits: 8 })
    for (let v = 0; v < 256; v++) this.thLut[v] = t8(v)
  }

  /** Interleaved 8-bit RGBT: one resize pass over all channels, then table lookups. */
  private fillInterleaved(img: InterleavedPair, frame: Frame, slot: InputSlot): void {
    const { inW, inH, scaledW, scaledH } = frame
    const ch = img.channels
    const small = this.s.bytes('rgbt', scaledW * scaledH * ch)
    resize8(img.data, img.width, img.height, ch, scaledW, scaledH, small, this.s.bytes('rgbtTmp', img.height * scaledW * ch), this.manifest.input.resizeKernel)
    const plane = inW * inH
    const pad = this.manifest.input.padValue
    const lut = this.rgbLut
    const th = this.thLut
    const r = slot.rgb
    const t = slot.thermal
    const tc = img.thermalChannel
    const padR = this.padRgb(0, pad)
    const padG = this.padRgb(1, pad)
    const padB = this.padRgb(2, pad)
    const padT = this.thermalNormaliser({ width: 1, height: 1, rgb: new Uint8Array(3), thermal: new Uint8Array(1), thermalBits: 8 })(pad)
    // MFNet layout (thermal in byte 3 of 4) on a little-endian machine: one 32-bit read a pixel.
    const words = ch === 4 && tc === 3 && LITTLE_ENDIAN && small.byteOffset % 4 === 0 ? new Uint32Array(small.buffer, small.byteOffset, scaledW * scaledH) : null
    for (let y = 0; y < inH; y++) {
      const row = y * inW
      const inside = y < scaledH
      const end = inside ? scaledW : 0
      if (words) {
        for (let x = 0, s = y * scaledW; x < end; x++, s++) {
          const v = words[s]!
          const o = row + x
          r[o] = lut[v & 255]!
          r[plane + o] = lut[256 + ((v >>> 8) & 255)]!
          r[2 * plane + o] = lut[512 + ((v >>> 16) & 255)]!
          t[o] = th[v >>> 24]!
        }
      } else {
        for (let x = 0; x < end; x++) {
          const o = row + x
          const s = (y * scaledW + x) * ch
          r[o] = lut[small[s]!]!
          r[plane + o] = lut[256 + small[s + 1]!]!
          r[2 * plane + o] = lut[512 + small[s + 2]!]!
          t[o] = th[small[s + tc]!]!
        }
      }
      if (end < inW) {
        r.fill(padR, row + end, row + inW)
        r.fill(padG, plane + row + end, plane + row + inW)
        r.fill(padB, 2 * plane + row + end, 2 * plane + row + inW)
        t.fill(padT, row + end, row + inW)
      }
    }
  }

  private padRgb(c: number, pad: number): number {
    return f(f(f(f(pad) * this.rgbScale) - this.rgbMean[c]!) / this.rgbStd[c]!)
  }

  /** Fills `slot` for one image; returns where the image sits in the frame. */
  fill(input: DecodedPair, reg: { dx: number; dy: number }, slot: InputSlot): Frame {
    const m = this.manifest
    const frame = frameFor(m, input.width, input.height)
    if (input.kind === 'rgbt' && !reg.dx && !reg.dy) {
      this.fillInterleaved(input, frame, slot)
      const plane = frame.inW * frame.inH
      for (let c = 1; c < m.tensors.inputs.thermal.shape[1]!; c++) slot.thermal.copyWithin(c * plane, 0, plane)
      return frame
    }
    const img = splitPair(input)
    const { inW, inH, scaledW, scaledH } = frame
    const kernel = m.input.resizeKernel
    const plane = inW * inH
    // RGB: resize raw bytes, then normalise per channel into the padded frame.
    const rgbSmall = this.s.bytes('rgb', scaledW * scaledH * 3)
    resize8(img.rgb, img.width, img.height, 3, scaledW, scaledH, rgbSmall, this.s.bytes('rgbTmp', img.height * scaledW * 3), kernel)
    const pad = f(m.input.padValue)
    for (let c = 0; c < 3; c++) {
      const mean = this.rgbMean[c]!
      const std = this.rgbStd[c]!
      const out = slot.rgb.subarray(c * plane, (c + 1) * plane)
      const lut = this.rgbLut.subarray(c * 256, (c + 1) * 256)
      const padV = f(f(f(pad * this.rgbScale) - mean) / std)
      for (let y = 0; y < inH; y++) {
        const row = y * inW
        if (y >= scaledH) { out.fill(padV, row, row + inW); continue }
        const srow = y * scaledW * 3 + c
        for (let x = 0; x < scaledW; x++) out[row + x] = lut[rgbSmall[srow + x * 3]!]!
        if (scaledW < inW) out.fill(padV, row + scaledW, row + inW)
      }
    }
    // Thermal: registration shift (thermal moves by dx,dy onto RGB), resize, normalise.
    const t = this.thermalNormaliser(img)
    const th = reg.dx || reg.dy ? this.shift(img.thermal, img.width, img.height, reg.dx, reg.dy, m.input.padValue) : img.thermal
    const tch = m.tensors.inputs.thermal.shape[1]!
    const out0 = slot.thermal.subarray(0, plane)
    const padT = t(m.input.padValue)
    if (th instanceof Uint8Array) {
      const small = this.s.bytes('th', scaledW * scaledH)
      resize8(th, img.width, img.height, 1, scaledW, scaledH, small, this.s.bytes('thTmp', img.height * scaledW), kernel)
      this.placeThermal(small, frame, out0, t, padT)
    } else {
      const small = this.s.floats('th16', scaledW * scaledH)
      resizeFloat(th, img.width, img.height, scaledW, scaledH, small, this.s.floats('th16Tmp', img.height * scaledW), kernel)
      this.placeThermal(small, frame, out0, t, padT)
    }
    for (let c = 1; c < tch; c++) slot.thermal.copyWithin(c * plane, 0, plane)
    return frame
  }

  private placeThermal(small: ArrayLike<number>, fr: Frame, out: Float32Array, t: (raw: number) => number, padT: number): void {
    for (let y = 0; y < fr.inH; y++) {
      const row = y * fr.inW
      if (y >= fr.scaledH) { out.fill(padT, row, row + fr.inW); continue }
      const srow = y * fr.scaledW
      for (let x = 0; x < fr.scaledW; x++) out[row + x] = t(small[srow + x]!)
      if (fr.scaledW < fr.inW) out.fill(padT, row + fr.scaledW, row + fr.inW)
    }
  }

  /**
   * raw thermal value → normalised input. The manifest's depth is what the model expects; a
   * 16-bit image for an 8-bit model is mapped to 0..255 through its own non-zero min..max (the
   * viewer's display stretch), an 8-bit image for a 16-bit model reads raw/255 as the window's x.
   */
  thermalNormaliser(img: SplitPair): (raw: number) => number {
    const n = this.manifest.normalisation.thermal
    const mean = f(n.mean)
    const std = f(n.std)
    if (n.bits === 8) {
      const scale = f(n.scale)
      if (img.thermalBits === 8) return (raw) => f(f(f(raw * scale) - mean) / std)
      const { lo, hi } = nonZeroRange(img.thermal)
      const k = hi > lo ? 255 / (hi - lo) : 0
      return (raw) => f(f(f(Math.min(255, Math.max(0, (raw - lo) * k)) * scale) - mean) / std)
    }
    if (img.thermalBits === 8) return (raw) => f(f(Math.min(1, Math.max(0, f(raw / 255))) - mean) / std)
    const w = n.window!
    const lo = f(w.min)
    const span = f(w.max - w.min)
    return (raw) => f(f(Math.min(1, Math.max(0, f(f(raw - lo) / span))) - mean) / std)
  }

  /** T'(x, y) = T(x - dx, y - dy); uncovered pixels get the pad value. */
  private shift(src: Uint8Array | Uint16Array, w: number, h: number, dx: number, dy: number, padValue: number): Uint8Array | Uint16Array {
    const out = src instanceof Uint8Array ? this.s.bytes('shift', w * h).subarray(0, w * h) : new Uint16Array(w * h)
    out.fill(padValue)
    return shiftInto(src, w, h, dx, dy, out)
  }
}

function nonZeroRange(a: ArrayLike<number>): { lo: number; hi: number } {
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!
    if (v === 0) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  return lo === Infinity ? { lo: 0, hi: 0 } : { lo, hi }
}
