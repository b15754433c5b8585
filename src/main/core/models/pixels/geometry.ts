/**
 * Where an image lands in the model's input frame (manifest `input.policy`) and how output pixels
 * map back. Shared by preprocessing (forward) and post-processing (inverse) so the two can never
 * disagree.
 */
import type { ModelManifest } from '@shared/modelPackage'

export interface Frame {
  imageW: number
  imageH: number
  /** Model input size. */
  inW: number
  inH: number
  /** Size of the resized image inside the input frame (= inW x inH for `resize`). */
  scaledW: number
  scaledH: number
}

/**
 * resize: stretch to the input size. pad-bottom-right: scale by min(1, inW/w, inH/h) so the image
 * fits without being enlarged, then pad bottom/right.
 */
export function frameFor(manifest: Pick<ModelManifest, 'input'>, imageW: number, imageH: number): Frame {
  const { width: inW, height: inH, policy } = manifest.input
  if (policy === 'resize') return { imageW, imageH, inW, inH, scaledW: inW, scaledH: inH }
  const s = Math.min(1, inW / imageW, inH / imageH)
  const scaledW = Math.min(inW, Math.max(1, Math.round(imageW * s)))
  const scaledH = Math.min(inH, Math.max(1, Math.round(imageH * s)))
  return { imageW, imageH, inW, inH, scaledW, scaledH }
}

/**
 * The region of an output map (outW x outH at the model's output stride) that holds the image:
 * fractional when the padding does not fall on an output pixel boundary.
 */
export function validOutputExtent(frame: Frame, outW: number, outH: number): { w: number; h: number } {
  return { w: (outW * frame.scaledW) / frame.inW, h: (outH * frame.scaledH) / frame.inH }
}

/**
 * T'(x, y) = T(x - dx, y - dy) (thermal registration onto RGB), written into `out`, which the
 * caller has filled with the pad value for the pixels no source covers.
 */
export function shiftInto<T extends Uint8Array | Uint16Array>(src: Uint8Array | Uint16Array, w: number, h: number, dx: number, dy: number, out: T): T {
  for (let y = 0; y < h; y++) {
    const sy = y - dy
    if (sy < 0 || sy >= h) continue
    const x0 = Math.max(0, dx)
    const x1 = Math.min(w, w + dx)
    if (x1 > x0) out.set(src.subarray(sy * w + x0 - dx, sy * w + x1 - dx), y * w + x0)
  }
  return out
}
