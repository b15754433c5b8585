/**
 * The encoder input of X-AnyLabeling's SAM exports (segment_anything configs; sam_onnx.py): the
 * graph takes the raw image as float32 HWC 0..255 in a fixed canvas (684x1024 in X-AnyLabeling)
 * and normalises and pads it itself. X-AnyLabeling places the image top-left in the canvas with
 * cv2.warpAffine at scale s = min(canvasW / W, canvasH / H) (bilinear, border 0, uint8 result),
 * gives the decoder point coordinates times s and orig_im_size = the canvas size, and warps the
 * canvas-size masks back with the inverse scale. Twinlight's NCHW path (geometry.ts) differs in all
 * of these, so such an encoder gets this frame and input instead.
 */
import type { PromptFrame } from './geometry'

/** X-AnyLabeling's SegmentAnythingONNX.input_size (H, W) when the graph's shape is symbolic. */
export const XANYLABELING_CANVAS: readonly [number, number] = [684, 1024]

/** Frame of an HWC canvas encoder: image scaled by s top-left; masks come back at canvas size. */
export function canvasFrame(imageW: number, imageH: number, canvasW: number, canvasH: number): PromptFrame {
  const s = Math.min(canvasW / imageW, canvasH / imageH)
  return { imageW, imageH, frameW: canvasW, frameH: canvasH, validW: imageW * s, validH: imageH * s, canvasSized: true }
}

/**
 * [frameH, frameW, 3] float32 (0..255 integers): cv2.warpAffine(img, [[s,0,0],[0,s,0]], (W, H),
 * INTER_LINEAR, BORDER_CONSTANT 0) as X-AnyLabeling calls it. The source position x / s is taken at
 * OpenCV's 1/32-pixel resolution; results match OpenCV to ±1 grey level (its weights are 15-bit
 * fixed point).
 */
export function canvasEncoderInput(img: Uint8Array, f: PromptFrame): Float32Array {
  const { imageW: w, imageH: h, frameW: cw, frameH: ch } = f
  const inv = w / f.validW
  const out = new Float32Array(cw * ch * 3)
  const tap = (x: number, y: number, c: number): number => (x < 0 || y < 0 || x >= w || y >= h ? 0 : img[(y * w + x) * 3 + c]!)
  for (let y = 0; y < ch; y++) {
    const sy = Math.round(y * inv * 32) / 32
    const y0 = Math.floor(sy)
    const fy = sy - y0
    if (y0 >= h) break // the rest of the canvas stays 0
    for (let x = 0; x < cw; x++) {
      const sx = Math.round(x * inv * 32) / 32
      const x0 = Math.floor(sx)
      if (x0 >= w) break
      const fx = sx - x0
      const o = (y * cw + x) * 3
      for (let c = 0; c < 3; c++) {
        const top = tap(x0, y0, c) * (1 - fx) + tap(x0 + 1, y0, c) * fx
        const bot = tap(x0, y0 + 1, c) * (1 - fx) + tap(x0 + 1, y0 + 1, c) * fx
        out[o + c] = Math.round(top * (1 - fy) + bot * fy)
      }
    }
  }
  return out
}
