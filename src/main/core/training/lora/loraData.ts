/**
 * The LoRA worker's training data (`data.bin`): per accepted training image, the raw R,G,B,thermal
 * bytes in the model's input frame (HWC uint8, thermal registration shift applied, resized and
 * padded exactly as models/pixels/preprocess.ts does before it normalises) and then the label map in
 * that frame as output channel indices (255: not trained on: padding, ignore classes, unmapped).
 * Written image by image, so memory stays at one image whatever the project's size.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import type { ModelManifest } from '@shared/modelPackage'
import type { ProjectStore } from '../../store/projectStore'
import { readImageForModel } from '../../models/pixels/imageInput'
import { splitPair } from '../../models/pixels/preprocess'
import { frameFor, shiftInto, type Frame } from '../../models/pixels/geometry'
import { resize8 } from '../../models/pixels/resample'
import { trainingCancelled } from '../jobProgress'

export const NOT_TRAINED = 255

/** One image's HWC uint8 R,G,B,thermal in the input frame (inH × inW × 4). */
export function rawInputFrame(pair: Parameters<typeof splitPair>[0], reg: { dx: number; dy: number }, m: ModelManifest): { raw: Uint8Array; frame: Frame } {
  const img = splitPair(pair)
  const frame = frameFor(m, img.width, img.height)
  const { inW, inH, scaledW, scaledH } = frame
  const kernel = m.input.resizeKernel
  const pad = Math.max(0, Math.min(255, Math.round(m.input.padValue)))
  let th8: Uint8Array
  if (img.thermal instanceof Uint8Array) th8 = img.thermal
  else {
    // A 16-bit image for an 8-bit model: the preprocessor's display stretch (non-zero min..max → 0..255).
    let lo = Infinity
    let hi = -Infinity
    for (const v of img.thermal) if (v !== 0) { if (v < lo) lo = v; if (v > hi) hi = v }
    const k = hi > lo ? 255 / (hi - lo) : 0
    th8 = Uint8Array.from(img.thermal, (v) => Math.round(Math.min(255, Math.max(0, (v - lo) * k))))
  }
  if (reg.dx || reg.dy) th8 = shiftInto(th8, img.width, img.height, reg.dx, reg.dy, new Uint8Array(img.width * img.height).fill(pad))
  const rgbSmall = new Uint8Array(scaledW * scaledH * 3)
  resize8(img.rgb, img.width, img.height, 3, scaledW, scaledH, rgbSmall, new Uint8Array(img.height * scaledW * 3), kernel)
  const thSmall = new Uint8Array(scaledW * scaledH)
  resize8(th8, img.width, img.height, 1, scaledW, scaledH, thSmall, new Uint8Array(img.height * scaledW), kernel)
  const raw = new Uint8Array(inW * inH * 4).fill(pad)
  for (let y = 0; y < scaledH; y++)
    for (let x = 0; x < scaledW; x++) {
      const s = y * scaledW + x
      const o = (y * inW + x) * 4
      raw[o] = rgbSmall[s * 3]!
      raw[o + 1] = rgbSmall[s * 3 + 1]!
      raw[o + 2] = rgbSmall[s * 3 + 2]!
      raw[o + 3] = thSmall[s]!
    }
  return { raw, frame }
}

/**
 * Labels at image size → the input frame (nearest pixel centre), as output channel indices:
 * `toChannel[projectIndex]` (NOT_TRAINED for ignore classes and classes without a channel).
 */
export function labelsInFrame(labels: Uint8Array, frame: Frame, toChannel: Uint8Array): Uint8Array {
  const { imageW: W, imageH: H, inW, inH, scaledW, scaledH } = frame
  const out = new Uint8Array(inW * inH).fill(NOT_TRAINED)
  const xs = Int32Array.from({ length: scaledW }, (_, x) => Math.min(W - 1, Math.floor(((x + 0.5) * W) / scaledW)))
  for (let y = 0; y < scaledH; y++) {
    const sy = Math.min(H - 1, Math.floor(((y + 0.5) * H) / scaledH))
    const row = sy * W
    for (let x = 0; x < scaledW; x++) out[y * inW + x] = toChannel[labels[row + xs[x]!]!]!
  }
  return out
}

/** Project class index → output channel (channels: the trainable project classes, in order). */
export function channelLut(channels: Uint8Array): Uint8Array {
  const lut = new Uint8Array(256).fill(NOT_TRAINED)
  channels.forEach((pi, k) => (lut[pi] = k))
  return lut
}

/** Per-image sampling weight, 1 (oldest) … `boost` (newest), in the order of `n` images (dataset.ts). */
export function recencyWeights(n: number, boost = 2): number[] {
  return Array.from({ length: n }, (_, k) => (n > 1 ? 1 + ((boost - 1) * k) / (n - 1) : 1))
}

/** Writes data.bin for `ids`; returns how many images it holds. */
export async function writeLoraData(
  store: ProjectStore,
  m: ModelManifest,
  ids: number[],
  channels: Uint8Array,
  file: string,
  opts: { signal?: AbortSignal; onImage?: (done: number, n: number) => void } = {}
): Promise<number> {
  const lut = channelLut(channels)
  const fd = openSync(file, 'w')
  try {
    for (let k = 0; k < ids.length; k++) {
      if (opts.signal?.aborted) throw trainingCancelled()
      const id = ids[k]!
      const ann = store.annotations.current(id)
      const img = await readImageForModel(store, id, false)
      const { raw, frame } = rawInputFrame(img.pair, img.registration, m)
      const labels = ann ? labelsInFrame(ann.labels, frame, lut) : new Uint8Array(frame.inW * frame.inH).fill(NOT_TRAINED)
      writeSync(fd, raw)
      writeSync(fd, labels)
      opts.onImage?.(k + 1, ids.length)
    }
  } finally {
    closeSync(fd)
  }
  return ids.length
}
