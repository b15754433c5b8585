/**
 * Reads one project image for the model: RGB (8-bit, 3 channels) and thermal (one channel, 8 or
 * 16 bit) through sharp (imaging/png.ts). An MFNet 4-channel PNG (rgb path = thermal path) is
 * decoded once and split; a model that wants 16-bit thermal reads the image's raw 16-bit file when
 * it has one. Corrupt or missing files throw ImagingError naming the file.
 */
import { createHash } from 'node:crypto'
import { decodeImage, readBytes, ImagingError } from '../../imaging/png'
import type { ProjectStore } from '../../store/projectStore'
import type { DecodedPair } from './preprocess'

export { ImagingError }

export interface ImageForModel {
  pair: DecodedPair
  registration: { dx: number; dy: number }
  /** The image row's content hash, or a hash of the bytes read when the row has none. */
  contentHash: string
  file: string
}

function split(data: Uint8Array | Uint16Array, channels: number, thermalChannel: number, file: string): { rgb: Uint8Array; thermal: Uint8Array } {
  if (!(data instanceof Uint8Array)) throw new ImagingError(file, 'RGB image is 16-bit; expected 8-bit')
  const n = data.length / channels
  const rgb = new Uint8Array(n * 3)
  const thermal = new Uint8Array(n)
  const grey = channels < 3
  for (let i = 0, s = 0; i < n; i++, s += channels) {
    rgb[i * 3] = data[s]!
    rgb[i * 3 + 1] = data[grey ? s : s + 1]!
    rgb[i * 3 + 2] = data[grey ? s : s + 2]!
    thermal[i] = data[s + thermalChannel]!
  }
  return { rgb, thermal }
}

function rgbOf(data: Uint8Array | Uint16Array, channels: number, file: string): Uint8Array {
  return split(data, channels, 0, file).rgb
}

/**
 * Where an image's pixels live and what the project knows about it: everything the decode needs,
 * read from the DB on the main thread, plain data so it can be posted to a worker thread.
 */
export interface ModelImageSource {
  rgbFile: string
  thermalFile: string
  thermalChannel: number
  /** Size recorded in the project (a decoded image of another size is an error). */
  width: number
  height: number
  registration: { dx: number; dy: number }
  contentHash: string | null
}

export function modelImageSource(store: ProjectStore, imageId: number, want16: boolean): ModelImageSource {
  const img = store.images.get(imageId)
  const useRaw = want16 && img.thermalRawPath
  return {
    rgbFile: store.resolvePath(img.rgbPath),
    thermalFile: useRaw ? store.resolvePath(img.thermalRawPath!) : store.resolvePath(img.thermalPath),
    thermalChannel: img.thermalChannel ?? 0,
    width: img.width,
    height: img.height,
    registration: img.registration,
    contentHash: img.contentHash ?? null
  }
}

export async function readImageForModel(store: ProjectStore, imageId: number, want16: boolean): Promise<ImageForModel> {
  return decodeForModel(modelImageSource(store, imageId, want16))
}

/** Reads and decodes the files of `src` (no DB access: runs in the pre-fill worker threads too). */
export async function decodeForModel(src: ModelImageSource): Promise<ImageForModel> {
  const { rgbFile, thermalFile: thFile, thermalChannel: ch, registration } = src
  const rgbBytes = await readBytes(rgbFile)
  const contentHash = src.contentHash ?? createHash('sha256').update(rgbBytes).digest('hex')
  const decoded = await decodeImage(rgbFile, rgbBytes)
  let pair: DecodedPair
  if (thFile === rgbFile) {
    if (ch >= decoded.channels) throw new ImagingError(rgbFile, `thermal channel ${ch} requested but the image has ${decoded.channels} channel(s)`)
    if (decoded.channels >= 3 && decoded.data instanceof Uint8Array) {
      // Kept interleaved: the preprocessor resizes all four channels in one pass.
      pair = { kind: 'rgbt', width: decoded.width, height: decoded.height, data: decoded.data, channels: decoded.channels, thermalChannel: ch, thermalBits: 8 }
    } else {
      const { rgb, thermal } = split(decoded.data, decoded.channels, ch, rgbFile)
      pair = { width: decoded.width, height: decoded.height, rgb, thermal, thermalBits: 8 }
    }
  } else {
    const t = await decodeImage(thFile)
    if (t.width !== decoded.width || t.height !== decoded.height) {
      throw new ImagingError(thFile, `thermal is ${t.width}x${t.height} but RGB (${rgbFile}) is ${decoded.width}x${decoded.height}`)
    }
    if (ch >= t.channels) throw new ImagingError(thFile, `thermal channel ${ch} requested but the image has ${t.channels} channel(s)`)
    const thermal = t.channels === 1 ? t.data : extract(t.data, t.channels, ch)
    pair = { width: decoded.width, height: decoded.height, rgb: rgbOf(decoded.data, decoded.channels, rgbFile), thermal, thermalBits: t.bitDepth }
  }
  if (decoded.width !== src.width || decoded.height !== src.height) {
    throw new ImagingError(rgbFile, `image is ${decoded.width}x${decoded.height} but the project recorded ${src.width}x${src.height}`)
  }
  return { pair, registration, contentHash, file: rgbFile }
}

function extract(data: Uint8Array | Uint16Array, channels: number, c: number): Uint8Array | Uint16Array {
  const n = data.length / channels
  const out = data instanceof Uint16Array ? new Uint16Array(n) : new Uint8Array(n)
  for (let i = 0, s = c; i < n; i++, s += channels) out[i] = data[s]!
  return out
}
