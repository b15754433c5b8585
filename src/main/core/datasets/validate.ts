/**
 * Per-item validation and loading. A bad item becomes one DatasetFileError naming the file and
 * the reason; the importer records it and carries on with the rest.
 * Checks: files inside the root (symlinks included), decodable (corrupt/truncated PNGs fail the
 * full decode), RGB/thermal/label sizes agree, label is 1-channel 8-bit with values in the class
 * table.
 */
import { createHash } from 'node:crypto'
import { relative } from 'node:path'
import { validValueTable, type ClassDef } from '@shared/formats/classes'
import { valuesOutside } from '@shared/labelmap/histogram'
import { decodeImage, ImagingError, readBytes, readHeader, readLabel, type ImageHeader } from '../imaging/png'
import { isPng, pngIntegrityProblem } from '../imaging/pngIntegrity'
import { assertRealInside } from './paths'
import { DatasetFileError, type DatasetItem, type DatasetProblem } from './types'

export interface LoadContext {
  /** Dataset root (real path), for containment checks and relative names in messages. */
  root: string
  classes: readonly ClassDef[]
  /** Precomputed validValueTable(classes); computed when absent. */
  validValues?: Uint8Array
  /**
   * How RGB/thermal pixels are checked. 'integrity' (default): PNGs get a container check
   * (chunk CRCs, truncation; see png-integrity.ts) plus header, other formats a full decode.
   * 'decode': full decode of every image. Labels are always fully decoded (their values matter).
   */
  pixelCheck?: 'integrity' | 'decode'
}

/**
 * A file named .png must hold PNG bytes: a JPEG under that name would otherwise decode and be
 * reported by its consequence ("has 3 channel(s)") instead of its cause.
 */
function checkNamedPng(file: string, bytes: Buffer): void {
  if (!/\.png$/i.test(file) || isPng(bytes)) return
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
  throw new ImagingError(file, `named .png but not a PNG file (${jpeg ? 'its bytes are a JPEG' : 'bad signature'})`)
}

/** Header of an image after the chosen pixel check; throws ImagingError on corruption. */
async function checkImage(file: string, bytes: Buffer, mode: 'integrity' | 'decode'): Promise<ImageHeader> {
  checkNamedPng(file, bytes)
  if (mode === 'integrity' && isPng(bytes)) {
    const problem = pngIntegrityProblem(bytes)
    if (problem) throw new ImagingError(file, problem)
    return readHeader(file, bytes)
  }
  const img = await decodeImage(file, bytes)
  return { width: img.width, height: img.height, channels: img.channels, bitDepth: img.bitDepth, format: 'decoded' }
}

export interface LoadedItem {
  /** The item with width, height and thermalBitDepth filled in. */
  item: DatasetItem
  /** sha256 (hex) of the RGB file bytes followed by the thermal file bytes (once when they are the same file). */
  contentHash: string
  label?: { width: number; height: number; data: Uint8Array }
}

function relName(root: string, file: string): string {
  const r = relative(root, file)
  return r && !r.startsWith('..') ? r : file
}

function fileError(ctx: LoadContext, err: unknown, fallbackFile: string): DatasetFileError {
  if (err instanceof DatasetFileError) return new DatasetFileError(relName(ctx.root, err.file), err.reason)
  if (err instanceof ImagingError) return new DatasetFileError(relName(ctx.root, err.file), err.reason)
  return new DatasetFileError(relName(ctx.root, fallbackFile), err instanceof Error ? err.message : String(err))
}

function formatValues(values: number[]): string {
  return values.length > 8 ? `${values.slice(0, 8).join(', ')}, … (${values.length} values)` : values.join(', ')
}

/** Loads and validates one item; throws DatasetFileError on the first problem. */
export async function loadItem(item: DatasetItem, ctx: LoadContext): Promise<LoadedItem> {
  let current = item.rgbPath
  try {
    for (const p of [item.rgbPath, item.thermalPath, item.thermalRawPath, item.labelPath]) {
      if (p) { current = p; await assertRealInside(ctx.root, p) }
    }
    current = item.rgbPath
    const rgbBytes = await readBytes(item.rgbPath)
    const sameFile = item.thermalPath === item.rgbPath
    current = item.thermalPath
    const thermalBytes = sameFile ? rgbBytes : await readBytes(item.thermalPath)
    // Synchronous createHash measured faster than WebCrypto's thread-pool digest here (SHA-NI:
    // ~0.7 ms per 800 KB image; WebCrypto copies the input and contends with sharp's threads).
    const hash = createHash('sha256').update(rgbBytes)
    if (!sameFile) hash.update(thermalBytes)

    current = item.rgbPath
    const mode = ctx.pixelCheck ?? 'integrity'
    const rgb = await checkImage(item.rgbPath, rgbBytes, mode)
    const needChannels = item.thermalChannel !== undefined ? item.thermalChannel + 1 : 3
    if (rgb.channels < needChannels) {
      throw new DatasetFileError(item.rgbPath, item.thermalChannel !== undefined
        ? `has ${rgb.channels} channel(s); expected ${needChannels} (RGB + thermal in channel ${item.thermalChannel})`
        : `RGB image has ${rgb.channels} channel(s); expected 3`)
    }
    if (rgb.bitDepth !== 8) throw new DatasetFileError(item.rgbPath, `RGB image is ${rgb.bitDepth}-bit; expected 8-bit`)
    let thermalBitDepth: 8 | 16 = 8
    if (!sameFile) {
      current = item.thermalPath
      const t = await checkImage(item.thermalPath, thermalBytes, mode)
      if (t.width !== rgb.width || t.height !== rgb.height) {
        throw new DatasetFileError(item.thermalPath, `thermal size ${t.width}x${t.height} differs from RGB ${rgb.width}x${rgb.height} (${relName(ctx.root, item.rgbPath)})`)
      }
      thermalBitDepth = t.bitDepth
    }
    if (item.thermalRawPath && item.thermalRawPath !== item.thermalPath) {
      current = item.thermalRawPath
      const h = await readHeader(item.thermalRawPath)
      if (h.width !== rgb.width || h.height !== rgb.height) {
        throw new DatasetFileError(item.thermalRawPath, `raw thermal size ${h.width}x${h.height} differs from RGB ${rgb.width}x${rgb.height}`)
      }
    }
    let label: LoadedItem['label']
    if (item.labelPath) {
      current = item.labelPath
      const labelBytes = await readBytes(item.labelPath)
      checkNamedPng(item.labelPath, labelBytes)
      const l = await readLabel(item.labelPath, labelBytes)
      if (l.width !== rgb.width || l.height !== rgb.height) {
        throw new DatasetFileError(item.labelPath, `label size ${l.width}x${l.height} differs from RGB ${rgb.width}x${rgb.height}`)
      }
      const bad = valuesOutside(l.data, ctx.validValues ?? validValueTable(ctx.classes))
      if (bad.length) {
        const known = ctx.classes.map((c) => c.index).join(', ')
        throw new DatasetFileError(item.labelPath, `label values ${formatValues(bad)} are not in the class table (${known})`)
      }
      label = l
    }
    return {
      item: { ...item, width: rgb.width, height: rgb.height, thermalBitDepth },
      contentHash: hash.digest('hex'),
      ...(label ? { label } : {})
    }
  } catch (err) {
    throw fileError(ctx, err, current)
  }
}

/** Validation only: null when the item is good, else the problem. */
export async function validateItem(item: DatasetItem, ctx: LoadContext): Promise<DatasetProblem | null> {
  try {
    await loadItem(item, ctx)
    return null
  } catch (err) {
    if (err instanceof DatasetFileError) return { file: err.file, reason: err.reason }
    throw err
  }
}
