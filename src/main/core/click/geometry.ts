/**
 * Image ↔ encoder-frame geometry of the prompt models, and the encoder's input tensor.
 *
 * SAM (segment-anything): longest side resized to 1024 (ResizeLongestSide: new = floor(old·s + ½)),
 * pixels normalised with mean [123.675,116.28,103.53] / std [58.395,57.12,57.375] (0..255 units),
 * zero-padded bottom/right to 1024x1024; prompt coordinates are given in that 1024 frame.
 * SAM2 (samexporter / SAM2Transforms; X-AnyLabeling's SAM2ImageEncoder): x/255 as float, each
 * channel stretched to 1024x1024 (aspect not kept; Pillow bilinear on float planes, no 8-bit
 * rounding in between), then ImageNet mean/std; coordinates scaled per axis into the frame.
 * A tiny-package decoder uses its manifest's input policy (frame from models/pixels/geometry.ts).
 *
 * The encoder sees RGB, thermal as grey replicated to 3 channels, or their 50/50 blend (setting).
 */
import { resize8, resizeFloat } from '../models/pixels/resample'
import type { DecoderFormat } from './formats'

export type EncoderSource = 'rgb' | 'thermal' | 'blend'

export interface PromptFrame {
  imageW: number
  imageH: number
  /** Encoder frame (input tensor) size. */
  frameW: number
  frameH: number
  /** Size of the resized image inside the frame (the rest is padding). */
  validW: number
  validH: number
  /**
   * Pixel-centre mapping, (x + ½)·s − ½ (align_corners=False), as the tiny package's decoder was
   * trained; otherwise SAM's ResizeLongestSide.apply_coords, x·s.
   */
  centreAligned?: boolean
  /** An HWC canvas encoder (X-AnyLabeling SAM, hwcEncoder.ts): orig_im_size is the frame size and masks come back at it. */
  canvasSized?: boolean
}

export function promptFrame(format: DecoderFormat | 'stretch', imageW: number, imageH: number, size = 1024): PromptFrame {
  if (format === 'sam') {
    const s = size / Math.max(imageW, imageH)
    return { imageW, imageH, frameW: size, frameH: size, validW: Math.floor(imageW * s + 0.5), validH: Math.floor(imageH * s + 0.5) }
  }
  return { imageW, imageH, frameW: size, frameH: size, validW: size, validH: size }
}

/** Image pixel coordinates → encoder-frame coordinates (what point_coords carries). */
export function toFrame(f: PromptFrame, x: number, y: number): [number, number] {
  const sx = f.validW / f.imageW
  const sy = f.validH / f.imageH
  return f.centreAligned ? [(x + 0.5) * sx - 0.5, (y + 0.5) * sy - 0.5] : [x * sx, y * sy]
}

/** 16-bit thermal → 8-bit grey by the display stretch (non-zero min..max; 0 stays 0, a hole). */
export function thermalTo8(t: Uint8Array | Uint16Array): Uint8Array {
  if (t instanceof Uint8Array) return t
  let lo = 65535
  let hi = 0
  for (let i = 0; i < t.length; i++) {
    const v = t[i]!
    if (v === 0) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  const out = new Uint8Array(t.length)
  const k = hi > lo ? 255 / (hi - lo) : 0
  for (let i = 0; i < t.length; i++) out[i] = t[i] === 0 ? 0 : Math.round((t[i]! - lo) * k)
  return out
}

/** The 3-channel HWC image the encoder sees for a source setting. */
export function sourceImage(source: EncoderSource, rgb: Uint8Array, thermal8: Uint8Array): Uint8Array {
  if (source === 'rgb') return rgb
  const n = thermal8.length
  const out = new Uint8Array(n * 3)
  if (source === 'thermal') {
    for (let i = 0, s = 0; i < n; i++, s += 3) out[s] = out[s + 1] = out[s + 2] = thermal8[i]!
  } else {
    for (let i = 0, s = 0; i < n; i++, s += 3) {
      const t = thermal8[i]!
      out[s] = (rgb[s]! + t + 1) >> 1
      out[s + 1] = (rgb[s + 1]! + t + 1) >> 1
      out[s + 2] = (rgb[s + 2]! + t + 1) >> 1
    }
  }
  return out
}

const SAM_MEAN = [123.675, 116.28, 103.53]
const SAM_STD = [58.395, 57.12, 57.375]
const IMAGENET_MEAN = [0.485, 0.456, 0.406]
const IMAGENET_STD = [0.229, 0.224, 0.225]

/** [1,3,frameH,frameW] float32 encoder input for an HWC 3-channel image. */
export function encoderInput(format: DecoderFormat, img: Uint8Array, f: PromptFrame): Float32Array {
  if (format === 'sam2') return sam2Input(img, f)
  const { imageW: w, imageH: h, validW: vw, validH: vh, frameW: fw, frameH: fh } = f
  const small = new Uint8Array(vw * vh * 3)
  resize8(img, w, h, 3, vw, vh, small, new Uint8Array(h * vw * 3), 'bilinear')
  const out = new Float32Array(3 * fw * fh) // padding stays 0 (SAM pads after normalising)
  const plane = fw * fh
  for (let c = 0; c < 3; c++) {
    const base = c * plane
    const a = 1 / SAM_STD[c]!
    const b = -SAM_MEAN[c]! / SAM_STD[c]!
    for (let y = 0; y < vh; y++) {
      const row = base + y * fw
      for (let x = 0, s = (y * vw) * 3 + c; x < vw; x++, s += 3) out[row + x] = small[s]! * a + b
    }
  }
  return out
}

/** SAM2: per channel, x/255 resized as float (Pillow mode F bilinear), then ImageNet mean/std. */
function sam2Input(img: Uint8Array, f: PromptFrame): Float32Array {
  const { imageW: w, imageH: h, validW: vw, validH: vh, frameW: fw, frameH: fh } = f
  const out = new Float32Array(3 * fw * fh)
  const plane = new Float32Array(w * h)
  const small = new Float32Array(vw * vh)
  const tmp = new Float32Array(h * vw)
  for (let c = 0; c < 3; c++) {
    for (let i = 0, s = c; i < w * h; i++, s += 3) plane[i] = Math.fround(img[s]! / 255)
    resizeFloat(plane, w, h, vw, vh, small, tmp, 'bilinear')
    const base = c * fw * fh
    for (let y = 0; y < vh; y++) {
      for (let x = 0; x < vw; x++) out[base + y * fw + x] = (small[y * vw + x]! - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]!
    }
  }
  return out
}

export interface MaskResult {
  /** [x, y, w, h] in image pixels; w = h = 0 when the mask is empty. */
  bbox: [number, number, number, number]
  area: number
  /** bbox crop, 1 inside. */
  crop: Uint8Array
}

/** Inclusive bounds [x0, y0, x1, y1] of the values > 0 in the top-left w x h of a row-major array `stride` wide; null if none. */
function positiveBounds(a: Float32Array, stride: number, w: number, h: number): [number, number, number, number] | null {
  let x0 = w, y0 = h, x1 = -1, y1 = -1
  for (let y = 0; y < h; y++) {
    const row = y * stride
    for (let x = 0; x < w; x++) {
      if (a[row + x]! > 0) {
        if (x < x0) x0 = x
        if (x > x1) x1 = x
        if (y < y0) y0 = y
        y1 = y
      }
    }
  }
  return x1 < 0 ? null : [x0, y0, x1, y1]
}

/**
 * Logits → binary mask (logit > 0) at image size, returned as its bbox crop.
 * `imageSize`: the logits are already at image size (SAM's `masks` output).
 * Otherwise the (mw x mh) logits cover the whole encoder frame; the valid part is sampled
 * bilinearly (half-pixel centres) at each image pixel. Only the image region under positive
 * low-res cells (plus one cell) is sampled, so cost follows the mask, not the image.
 */
export function maskFromLogits(logits: Float32Array, mw: number, mh: number, f: PromptFrame, imageSize: boolean): MaskResult {
  const W = f.imageW
  const H = f.imageH
  if (imageSize) {
    const b = positiveBounds(logits, W, W, H)
    if (!b) return { bbox: [0, 0, 0, 0], area: 0, crop: new Uint8Array(0) }
    const [x0, y0, x1, y1] = b
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1
    const crop = new Uint8Array(bw * bh)
    let area = 0
    for (let y = 0; y < bh; y++) {
      for (let x = 0; x < bw; x++) if (logits[(y0 + y) * W + x0 + x]! > 0) { crop[y * bw + x] = 1; area++ }
    }
    return { bbox: [x0, y0, bw, bh], area, crop }
  }
  // image pixel centre → low-res cell coordinate
  const kx = (f.validW / W) * (mw / f.frameW)
  const ky = (f.validH / H) * (mh / f.frameH)
  const vmw = Math.min(mw, Math.ceil(mw * (f.validW / f.frameW)))
  const vmh = Math.min(mh, Math.ceil(mh * (f.validH / f.frameH)))
  const cells = positiveBounds(logits, mw, vmw, vmh)
  if (!cells) return { bbox: [0, 0, 0, 0], area: 0, crop: new Uint8Array(0) }
  const [cx0, cy0, cx1, cy1] = cells
  // image-pixel window that can be positive: cells [c0-1, c1+1]
  const px0 = Math.max(0, Math.floor((cx0 - 1 + 0.5) / kx - 0.5))
  const px1 = Math.min(W - 1, Math.ceil((cx1 + 1 + 0.5) / kx - 0.5))
  const py0 = Math.max(0, Math.floor((cy0 - 1 + 0.5) / ky - 0.5))
  const py1 = Math.min(H - 1, Math.ceil((cy1 + 1 + 0.5) / ky - 0.5))
  const ww = px1 - px0 + 1
  const wh = py1 - py0 + 1
  const win = new Uint8Array(ww * wh)
  const xi0 = new Int32Array(ww), xi1 = new Int32Array(ww), xf = new Float32Array(ww)
  for (let x = 0; x < ww; x++) {
    let u = (px0 + x + 0.5) * kx - 0.5
    if (u < 0) u = 0
    if (u > mw - 1) u = mw - 1
    const i = Math.floor(u)
    xi0[x] = i
    xi1[x] = Math.min(i + 1, mw - 1)
    xf[x] = u - i
  }
  let x0 = ww, y0 = wh, x1 = -1, y1 = -1, area = 0
  for (let y = 0; y < wh; y++) {
    let v = (py0 + y + 0.5) * ky - 0.5
    if (v < 0) v = 0
    if (v > mh - 1) v = mh - 1
    const j = Math.floor(v)
    const fy = v - j
    const r0 = j * mw
    const r1 = Math.min(j + 1, mh - 1) * mw
    for (let x = 0; x < ww; x++) {
      const a = logits[r0 + xi0[x]!]!, b = logits[r0 + xi1[x]!]!, c = logits[r1 + xi0[x]!]!, d = logits[r1 + xi1[x]!]!
      const t = xf[x]!
      const top = a + (b - a) * t
      const bot = c + (d - c) * t
      if (top + (bot - top) * fy > 0) {
        win[y * ww + x] = 1
        area++
        if (x < x0) x0 = x
        if (x > x1) x1 = x
        if (y < y0) y0 = y
        y1 = y
      }
    }
  }
  if (x1 < 0) return { bbox: [0, 0, 0, 0], area: 0, crop: new Uint8Array(0) }
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1
  const crop = new Uint8Array(bw * bh)
  for (let y = 0; y < bh; y++) crop.set(win.subarray((y0 + y) * ww + x0, (y0 + y) * ww + x0 + bw), y * bw)
  return { bbox: [px0 + x0, py0 + y0, bw, bh], area, crop }
}
