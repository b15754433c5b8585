/**
 * Per-layout item writers. Each writes one item's files under the temporary export root.
 * RGB/thermal files are linked or copied as they are; they are re-encoded (via sharp) only when
 * the layout needs another container: MFNet's 4-channel PNG from separate files, or separate
 * files from a 4-channel PNG.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fmbRawToShifted, paletteOf, type ClassDef } from '@shared/formats/classes'
import type { ExportFormat } from '@shared/formats/layouts'
import {
  encodeColourLabelPng, encodeGrey8Png, encodeLabelPng, encodeMfnet4Png, encodeRgbPng, ImagingError, readRgb, readThermal
} from '../../imaging/png'
import { extOf, FilePlacer } from './files'
import type { ExportItem, ExportOptions } from './types'

export interface WriterContext {
  root: string
  classes: readonly ClassDef[]
  opts: ExportOptions
  placer: FilePlacer
  madeDirs: Set<string>
}

async function dir(ctx: WriterContext, ...parts: string[]): Promise<string> {
  const d = join(ctx.root, ...parts)
  if (!ctx.madeDirs.has(d)) {
    await mkdir(d, { recursive: true })
    ctx.madeDirs.add(d)
  }
  return d
}

function isFourChannel(item: ExportItem): boolean {
  return item.thermalChannel !== undefined && item.thermalPath === item.rgbPath
}

function level(ctx: WriterContext): { compressionLevel?: number } {
  return ctx.opts.compressionLevel === undefined ? {} : { compressionLevel: ctx.opts.compressionLevel }
}

async function writeLabel(ctx: WriterContext, item: ExportItem, file: string, map?: (v: number) => number): Promise<void> {
  let data = item.label.data
  if (map) {
    const lut = new Uint8Array(256)
    for (let v = 0; v < 256; v++) lut[v] = map(v)
    data = new Uint8Array(data.length)
    for (let i = 0; i < data.length; i++) data[i] = lut[item.label.data[i]]
  }
  await writeFile(file, await encodeLabelPng(data, item.label.width, item.label.height, level(ctx)))
}

/** RGB and thermal as separate files (CMX, SARTM, PST900, FMB, folder pairs). */
async function writeSeparate(ctx: WriterContext, item: ExportItem, rgbDir: string, thermalDir: string): Promise<void> {
  if (isFourChannel(item)) {
    const rgb = await readRgb(item.rgbPath)
    const t = await readThermal(item.thermalPath, item.thermalChannel)
    await writeFile(join(rgbDir, `${item.name}.png`), await encodeRgbPng(rgb.data, rgb.width, rgb.height, level(ctx)))
    await writeFile(join(thermalDir, `${item.name}.png`), await encodeGrey8Png(t.data as Uint8Array, t.width, t.height, level(ctx)))
    return
  }
  await ctx.placer.place(item.rgbPath, join(rgbDir, item.name + extOf(item.rgbPath)))
  await ctx.placer.place(item.thermalPath, join(thermalDir, item.name + extOf(item.thermalPath)))
}

async function writeMfnetImage(ctx: WriterContext, item: ExportItem, imagesDir: string): Promise<void> {
  const out = join(imagesDir, `${item.name}.png`)
  if (isFourChannel(item) && extOf(item.rgbPath).toLowerCase() === '.png') return ctx.placer.place(item.rgbPath, out)
  const rgb = await readRgb(item.rgbPath)
  const t = await readThermal(item.thermalPath, item.thermalChannel)
  if (t.bitDepth !== 8) throw new ImagingError(item.thermalPath, 'MFNet layout stores 8-bit thermal; this thermal image is 16-bit')
  if (t.width !== rgb.width || t.height !== rgb.height) throw new ImagingError(item.thermalPath, `thermal size ${t.width}x${t.height} differs from RGB ${rgb.width}x${rgb.height}`)
  await writeFile(out, await encodeMfnet4Png(rgb.data, t.data as Uint8Array, rgb.width, rgb.height, level(ctx)))
}

/** Folder names that hold split sub-folders must be plain names. */
function splitFolder(split: string): string {
  if (!split || split.includes('/') || split.includes('\\') || split === '.' || split === '..') throw new Error(`split name "${split}" cannot be a folder name`)
  return split
}

export async function writeItem(ctx: WriterContext, format: ExportFormat, item: ExportItem): Promise<void> {
  switch (format) {
    case 'mfnet':
      await writeMfnetImage(ctx, item, await dir(ctx, 'images'))
      return writeLabel(ctx, item, join(await dir(ctx, 'labels'), `${item.name}.png`))
    case 'mfnet-cmx':
      await writeSeparate(ctx, item, await dir(ctx, 'RGB'), await dir(ctx, 'Modal'))
      return writeLabel(ctx, item, join(await dir(ctx, 'Label'), `${item.name}.png`))
    case 'sartm':
      await writeSeparate(ctx, item, await dir(ctx, 'rgb'), await dir(ctx, 'ther'))
      return writeLabel(ctx, item, join(await dir(ctx, 'labels'), `${item.name}.png`))
    case 'folder-pairs':
      await writeSeparate(ctx, item, await dir(ctx, 'rgb'), await dir(ctx, 'thermal'))
      return writeLabel(ctx, item, join(await dir(ctx, 'labels'), `${item.name}.png`))
    case 'pst900': {
      const s = splitFolder(item.split)
      const rawOnly = item.thermalRawPath !== undefined && item.thermalRawPath === item.thermalPath
      if (rawOnly) {
        // Only 16-bit thermal exists: write thermal_raw, and no 8-bit thermal we would have to invent.
        await ctx.placer.place(item.rgbPath, join(await dir(ctx, s, 'rgb'), item.name + extOf(item.rgbPath)))
        await ctx.placer.place(item.thermalPath, join(await dir(ctx, s, 'thermal_raw'), item.name + extOf(item.thermalPath)))
      } else {
        await writeSeparate(ctx, item, await dir(ctx, s, 'rgb'), await dir(ctx, s, 'thermal'))
        if (item.thermalRawPath) {
          await ctx.placer.place(item.thermalRawPath, join(await dir(ctx, s, 'thermal_raw'), item.name + extOf(item.thermalRawPath)))
        }
      }
      return writeLabel(ctx, item, join(await dir(ctx, s, 'labels'), `${item.name}.png`))
    }
    case 'fmb': {
      const s = splitFolder(item.split)
      await writeSeparate(ctx, item, await dir(ctx, s, 'Visible'), await dir(ctx, s, 'Infrared'))
      const shifted = ctx.opts.fmbLabels === 'shifted'
      return writeLabel(ctx, item, join(await dir(ctx, s, 'Label'), `${item.name}.png`), shifted ? fmbRawToShifted : undefined)
    }
    case 'color': {
      const l = item.label
      const png = await encodeColourLabelPng(l.data, l.width, l.height, paletteOf(ctx.classes), level(ctx))
      return writeFile(join(await dir(ctx), `${item.name}.png`), png)
    }
    default:
      throw new Error(`writeItem: format ${format} is not written per item`)
  }
}
