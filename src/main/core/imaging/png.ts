/**
 * Image decode/encode through sharp. Every error names the file it came from, because import
 * reports go straight to the user ("labels/00012D.png: label has 3 channels; expected 1").
 * Reads always ask sharp for the file's own channels and depth (no colourspace conversion, no
 * alpha premultiplication) so that MFNet's thermal-in-alpha survives and 16-bit stays 16-bit.
 */
import { readFile } from 'node:fs/promises'
import sharp from 'sharp'
import { readPngHeader } from './pngIntegrity'

export class ImagingError extends Error {
  constructor(readonly file: string, readonly reason: string) {
    super(`${file}: ${reason}`)
    this.name = 'ImagingError'
  }
}

export interface RawImage {
  width: number
  height: number
  channels: number
  bitDepth: 8 | 16
  /** Interleaved samples; Uint16Array when bitDepth is 16. */
  data: Uint8Array | Uint16Array
}

export interface ImageHeader { width: number; height: number; channels: number; bitDepth: 8 | 16; format: string }

function describe(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err)
}

/** sharp's default `limitInputPixels`: a larger image cannot be decoded, so its header is refused. */
export const MAX_IMAGE_PIXELS = 0x3fff * 0x3fff

function checkPixels(file: string, width: number, height: number): void {
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ImagingError(file, `header claims ${width}x${height} pixels, more than the ${MAX_IMAGE_PIXELS} an image may have`)
  }
}

/** Header only (no pixel decode): size, channels, depth. */
export async function readHeader(file: string, bytes?: Buffer): Promise<ImageHeader> {
  const png = bytes ? readPngHeader(bytes) : null
  // PNG IHDR answers directly (palette PNGs go through sharp, which reports expanded channels).
  if (png && !png.palette) {
    checkPixels(file, png.width, png.height)
    return { width: png.width, height: png.height, channels: png.channels, bitDepth: png.bitDepth === 16 ? 16 : 8, format: 'png' }
  }
  try {
    const m = await sharp(bytes ?? file).metadata()
    if (!m.width || !m.height || !m.channels) throw new Error('image has no size')
    checkPixels(file, m.width, m.height)
    return { width: m.width, height: m.height, channels: m.channels, bitDepth: m.depth === 'ushort' ? 16 : 8, format: m.format ?? 'unknown' }
  } catch (err) {
    if (err instanceof ImagingError) throw err
    throw new ImagingError(file, `cannot read image header (${describe(err)})`)
  }
}

/**
 * Full decode keeping channels and bit depth as stored. `failOn: 'warning'` turns truncated or
 * corrupt data into an error instead of a silently grey bottom half.
 */
export async function decodeImage(file: string, bytes?: Buffer): Promise<RawImage> {
  const input = bytes ?? (await readBytes(file))
  let header: ImageHeader
  try {
    header = await readHeader(file, input)
    // sharp's pipeline is sRGB by default, which would expand grey to 3 channels: pin the
    // colourspace to the file's own so channel counts come back exactly as stored.
    const grey = header.channels <= 2
    const space = grey ? (header.bitDepth === 16 ? 'grey16' : 'b-w') : header.bitDepth === 16 ? 'rgb16' : 'srgb'
    const img = sharp(input, { failOn: 'warning' }).toColourspace(space)
    const { data, info } = await img.raw({ depth: header.bitDepth === 16 ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true })
    if (info.channels !== header.channels) {
      throw new ImagingError(file, `decoder returned ${info.channels} channel(s) for a ${header.channels}-channel image`)
    }
    const samples = header.bitDepth === 16
      ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    return { width: info.width, height: info.height, channels: info.channels, bitDepth: header.bitDepth, data: samples }
  } catch (err) {
    if (err instanceof ImagingError) throw err
    throw new ImagingError(file, `corrupt or truncated image (${describe(err)})`)
  }
}

export async function readBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (err) {
    throw new ImagingError(file, `cannot read file (${describe(err)})`)
  }
}

/** Extracts one channel of an interleaved image. */
export function extractChannel<T extends Uint8Array | Uint16Array>(data: T, channels: number, channel: number): T {
  const n = data.length / channels
  const out = (data instanceof Uint16Array ? new Uint16Array(n) : new Uint8Array(n)) as T
  for (let i = 0, j = channel; i < n; i++, j += channels) out[i] = data[j]
  return out
}

/** RGB 8-bit, 3 channels HWC. Grey images are expanded; alpha (e.g. MFNet thermal) is dropped. */
export async function readRgb(file: string, bytes?: Buffer): Promise<{ width: number; height: number; data: Uint8Array }> {
  const img = await decodeImage(file, bytes)
  if (img.bitDepth !== 8) throw new ImagingError(file, `RGB image is ${img.bitDepth}-bit; expected 8-bit`)
  const d = img.data as Uint8Array
  const n = img.width * img.height
  if (img.channels === 3) return { width: img.width, height: img.height, data: d }
  const out = new Uint8Array(n * 3)
  for (let i = 0; i < n; i++) {
    const s = i * img.channels
    out[i * 3] = d[s]
    out[i * 3 + 1] = d[img.channels >= 3 ? s + 1 : s]
    out[i * 3 + 2] = d[img.channels >= 3 ? s + 2 : s]
  }
  return { width: img.width, height: img.height, data: out }
}

/**
 * Thermal as one channel. `channel` picks a channel explicitly (3 for MFNet 4-channel PNGs);
 * otherwise 1-channel files are used as is and multi-channel files give channel 0 (thermal
 * saved as grey-as-RGB).
 */
export async function readThermal(file: string, channel?: number, bytes?: Buffer): Promise<{ width: number; height: number; bitDepth: 8 | 16; data: Uint8Array | Uint16Array }> {
  const img = await decodeImage(file, bytes)
  const ch = channel ?? 0
  if (ch >= img.channels) throw new ImagingError(file, `thermal channel ${ch} requested but image has ${img.channels} channel(s)`)
  const data = img.channels === 1 ? img.data : extractChannel(img.data, img.channels, ch)
  return { width: img.width, height: img.height, bitDepth: img.bitDepth, data }
}

/** Splits an MFNet 4-channel PNG (RGB + thermal in channel 3). */
export async function readMfnet4(file: string, bytes?: Buffer): Promise<{ width: number; height: number; rgb: Uint8Array; thermal: Uint8Array }> {
  const img = await decodeImage(file, bytes)
  if (img.channels !== 4 || img.bitDepth !== 8) {
    throw new ImagingError(file, `MFNet image has ${img.channels} channel(s) at ${img.bitDepth}-bit; expected 4 channels (RGB + thermal) at 8-bit`)
  }
  const d = img.data as Uint8Array
  const n = img.width * img.height
  const rgb = new Uint8Array(n * 3)
  const thermal = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = d[i * 4]
    rgb[i * 3 + 1] = d[i * 4 + 1]
    rgb[i * 3 + 2] = d[i * 4 + 2]
    thermal[i] = d[i * 4 + 3]
  }
  return { width: img.width, height: img.height, rgb, thermal }
}

/** Label map: must be a 1-channel 8-bit image (class indices). Palette or RGB labels are refused. */
export async function readLabel(file: string, bytes?: Buffer): Promise<{ width: number; height: number; data: Uint8Array }> {
  const img = await decodeImage(file, bytes)
  if (img.channels !== 1 || img.bitDepth !== 8) {
    throw new ImagingError(file, `label has ${img.channels} channel(s) at ${img.bitDepth}-bit; expected 1-channel 8-bit class indices`)
  }
  return { width: img.width, height: img.height, data: img.data as Uint8Array }
}

export interface EncodeOptions { compressionLevel?: number }

function asBuffer(a: Uint8Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
}

/** 8-bit grey PNG with exactly these bytes as pixels. */
export function encodeGrey8Png(data: Uint8Array, width: number, height: number, o: EncodeOptions = {}): Promise<Buffer> {
  checkSize(data.length, width * height, 'grey image')
  return sharp(asBuffer(data), { raw: { width, height, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: o.compressionLevel ?? 6 }).toBuffer()
}

export const encodeLabelPng = encodeGrey8Png

/** 16-bit grey PNG (PST900 thermal_raw, instance ids). */
export function encodeGrey16Png(data: Uint16Array, width: number, height: number, o: EncodeOptions = {}): Promise<Buffer> {
  checkSize(data.length, width * height, '16-bit image')
  return sharp(data, { raw: { width, height, channels: 1 } }).toColourspace('grey16').png({ compressionLevel: o.compressionLevel ?? 6 }).toBuffer()
}

/** 3-channel 8-bit PNG. */
export function encodeRgbPng(rgb: Uint8Array, width: number, height: number, o: EncodeOptions = {}): Promise<Buffer> {
  checkSize(rgb.length, width * height * 3, 'RGB image')
  return sharp(asBuffer(rgb), { raw: { width, height, channels: 3 } }).png({ compressionLevel: o.compressionLevel ?? 6 }).toBuffer()
}

/** MFNet 4-channel PNG: RGB in channels 0-2, thermal in channel 3 (stored as alpha, never premultiplied). */
export function encodeMfnet4Png(rgb: Uint8Array, thermal: Uint8Array, width: number, height: number, o: EncodeOptions = {}): Promise<Buffer> {
  const n = width * height
  checkSize(rgb.length, n * 3, 'RGB image')
  checkSize(thermal.length, n, 'thermal image')
  const rgba = Buffer.allocUnsafe(n * 4)
  for (let i = 0; i < n; i++) {
    rgba[i * 4] = rgb[i * 3]
    rgba[i * 4 + 1] = rgb[i * 3 + 1]
    rgba[i * 4 + 2] = rgb[i * 3 + 2]
    rgba[i * 4 + 3] = thermal[i]
  }
  return sharp(rgba, { raw: { width, height, channels: 4 } }).png({ compressionLevel: o.compressionLevel ?? 6 }).toBuffer()
}

/** Colourised label PNG (RGB) using a palette indexed by class; unknown indices become black. */
export function encodeColourLabelPng(label: Uint8Array, width: number, height: number, palette: readonly (readonly [number, number, number])[], o: EncodeOptions = {}): Promise<Buffer> {
  checkSize(label.length, width * height, 'label map')
  const lut = new Uint8Array(256 * 3)
  palette.forEach((c, i) => { if (i < 256) lut.set(c, i * 3) })
  const rgb = new Uint8Array(label.length * 3)
  for (let i = 0; i < label.length; i++) {
    const k = label[i] * 3
    rgb[i * 3] = lut[k]
    rgb[i * 3 + 1] = lut[k + 1]
    rgb[i * 3 + 2] = lut[k + 2]
  }
  return encodeRgbPng(rgb, width, height, o)
}

function checkSize(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new Error(`${what}: ${actual} samples, expected ${expected}`)
}
