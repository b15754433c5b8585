/**
 * RGB edges for the misregistration check: Sobel magnitude on luminance, thresholded, painted
 * cyan on a transparent canvas that is laid over the (offset) thermal image in align mode.
 */
export function rgbEdgeCanvas(img: CanvasImageSource & { width: number; height: number }, threshold = 80): HTMLCanvasElement {
  const w = img.width
  const h = img.height
  const src = document.createElement('canvas')
  src.width = w
  src.height = h
  const sctx = src.getContext('2d', { willReadFrequently: true })!
  sctx.drawImage(img, 0, 0)
  const rgba = sctx.getImageData(0, 0, w, h).data
  const lum = new Float32Array(w * h)
  for (let i = 0; i < lum.length; i++) lum[i] = 0.299 * rgba[i * 4] + 0.587 * rgba[i * 4 + 1] + 0.114 * rgba[i * 4 + 2]
  const out = document.createElement('canvas')
  out.width = w
  out.height = h
  const octx = out.getContext('2d')!
  const img2 = octx.createImageData(w, h)
  const px = new Uint32Array(img2.data.buffer)
  const cyan = (255 << 24) | (255 << 16) | (255 << 8) | 0
  const t2 = threshold * threshold
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x
      const gx = lum[i - w + 1] + 2 * lum[i + 1] + lum[i + w + 1] - lum[i - w - 1] - 2 * lum[i - 1] - lum[i + w - 1]
      const gy = lum[i + w - 1] + 2 * lum[i + w] + lum[i + w + 1] - lum[i - w - 1] - 2 * lum[i - w] - lum[i - w + 1]
      if (gx * gx + gy * gy > t2) px[i] = cyan
    }
  octx.putImageData(img2, 0, 0)
  return out
}
