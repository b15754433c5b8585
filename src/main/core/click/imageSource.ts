/**
 * Decoded images for the click tools: RGB (HWC), thermal shifted onto RGB by the image's
 * registration (raw 8/16-bit), and the RGB edge map, kept for the last few images so repeated
 * clicks on one image decode nothing. Keyed by project, image, content hash and registration, so
 * an image whose registration changes is decoded again.
 */
import { ApiError } from '@shared/contract/errors'
import { rgbEdgeMagnitude } from '@shared/labelmap/wand'
import { ImagingError, readImageForModel } from '../models/pixels/imageInput'
import { splitPair } from '../models/pixels/preprocess'
import type { ProjectStore } from '../store/projectStore'
import { shiftInto } from '../models/pixels/geometry'

export interface PromptImage {
  imageId: number
  width: number
  height: number
  /** HWC, 3 channels. */
  rgb: Uint8Array
  /** Registered onto RGB: thermal'(x, y) = thermal(x − dx, y − dy), 0 where nothing maps. */
  thermal: Uint8Array | Uint16Array
  thermalBits: 8 | 16
  contentHash: string
  registration: { dx: number; dy: number }
  /** Sobel magnitude of RGB, computed on first use. */
  edges(): Uint8Array
  /** Non-zero thermal min..max (16-bit display stretch; 0..255 for 8-bit). */
  thermalRange(): { lo: number; hi: number }
}

function shift(src: Uint8Array | Uint16Array, w: number, h: number, dx: number, dy: number): Uint8Array | Uint16Array {
  if (!dx && !dy) return src
  return shiftInto(src, w, h, dx, dy, src instanceof Uint8Array ? new Uint8Array(w * h) : new Uint16Array(w * h))
}

export class PromptImageCache {
  private readonly items = new Map<string, Promise<PromptImage>>()

  constructor(private readonly capacity = 4) {}

  get(store: ProjectStore, imageId: number): Promise<PromptImage> {
    const row = store.images.get(imageId)
    const key = `${store.path}|${imageId}|${row.contentHash ?? ''}|${row.registration.dx},${row.registration.dy}|${row.thermalRawPath ?? ''}`
    const hit = this.items.get(key)
    if (hit) {
      this.items.delete(key)
      this.items.set(key, hit)
      return hit
    }
    const p = load(store, imageId)
    p.catch(() => this.items.delete(key))
    this.items.set(key, p)
    while (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value!)
    return p
  }

  clear(): void {
    this.items.clear()
  }
}

async function load(store: ProjectStore, imageId: number): Promise<PromptImage> {
  let img: Awaited<ReturnType<typeof readImageForModel>>
  try {
    img = await readImageForModel(store, imageId, true)
  } catch (e) {
    // A missing, truncated or non-image file is the user's data, not a server fault: say which file.
    if (e instanceof ImagingError) throw new ApiError('bad_input', `Image ${imageId}: ${e.message}.`)
    throw e
  }
  const pair = splitPair(img.pair)
  const { width, height } = pair
  const thermal = shift(pair.thermal, width, height, img.registration.dx, img.registration.dy)
  let edges: Uint8Array | null = null
  let range: { lo: number; hi: number } | null = null
  return {
    imageId,
    width,
    height,
    rgb: pair.rgb,
    thermal,
    thermalBits: pair.thermalBits,
    contentHash: img.contentHash,
    registration: img.registration,
    edges: () => (edges ??= rgbEdgeMagnitude(pair.rgb, width, height)),
    thermalRange: () => {
      if (range) return range
      if (thermal instanceof Uint8Array) return (range = { lo: 0, hi: 255 })
      let lo = 65535
      let hi = 0
      for (let i = 0; i < thermal.length; i++) {
        const v = thermal[i]!
        if (v === 0) continue
        if (v < lo) lo = v
        if (v > hi) hi = v
      }
      return (range = hi > lo ? { lo, hi } : { lo: 0, hi: 65535 })
    }
  }
}
