/**
 * Every layout: generate → detect → class table → splits → import → export to the same layout →
 * label pixels and split files identical, RGB/thermal bytes copied unchanged.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportDataset } from '../../src/main/core/datasets/export'
import { exportSourceFromIndex } from '../../src/main/core/datasets/export/fromIndex'
import { detectFormat } from '../../src/main/core/datasets/detect'
import { importDataset } from '../../src/main/core/datasets/import'
import { scanDataset } from '../../src/main/core/datasets/scan'
import { MemorySink } from '../../src/main/core/datasets/sink'
import { FMB_CLASSES_RAW, MFNET_CLASSES, PST900_CLASSES, type ClassDef } from '@shared/formats/classes'
import type { DatasetFormat } from '@shared/formats/layouts'
import { readMfnet4, readRgb, readThermal } from '../../src/main/core/imaging/png'
import { labelsByName, makeLayout, makeMfnet, removeDir, tempDir } from './helpers'

interface Case { format: DatasetFormat; classes: readonly ClassDef[]; map?: (v: number) => number; splitFiles: boolean; splitDirs?: string[] }

const CASES: Case[] = [
  { format: 'mfnet', classes: MFNET_CLASSES, splitFiles: true },
  { format: 'mfnet-cmx', classes: MFNET_CLASSES, splitFiles: true },
  { format: 'sartm', classes: MFNET_CLASSES, splitFiles: true },
  { format: 'folder-pairs', classes: MFNET_CLASSES, splitFiles: true },
  // PST900 labels are 0..4: fold the MFNet classes into that range for the fixture.
  { format: 'pst900', classes: PST900_CLASSES, map: (v) => v % 5, splitFiles: false, splitDirs: ['train', 'test'] },
  { format: 'fmb', classes: FMB_CLASSES_RAW, map: (v) => v, splitFiles: false, splitDirs: ['train', 'test'] }
]

let work = ''
beforeAll(async () => { work = await tempDir() })
afterAll(() => removeDir(work))

describe.each(CASES)('$format round trip', (c) => {
  let src = ''
  let out = ''
  beforeAll(async () => {
    src = join(work, `${c.format}-src`)
    out = join(work, `${c.format}-out`)
    if (c.format === 'mfnet') await makeMfnet(src, 8)
    else await makeLayout(src, c.format, c.map ? c.classes : undefined, c.map)
  })

  it('is detected and gets its class table', async () => {
    expect(await detectFormat(src)).toBe(c.format)
    const idx = await scanDataset(src)
    expect(idx.format).toBe(c.format)
    expect(idx.classes.map((k) => [k.index, k.name, ...k.color])).toEqual(c.classes.map((k) => [k.index, k.name, ...k.color]))
    expect(idx.items).toHaveLength(8)
    expect(idx.problems).toEqual([])
    if (c.splitDirs) expect([...new Set(idx.items.map((i) => i.split))].sort()).toEqual([...c.splitDirs].sort())
  })

  it('imports every item with sizes, hashes and labels', async () => {
    const sink = new MemorySink()
    const res = await importDataset(src, {}, sink)
    expect(res.imported).toBe(8)
    expect(res.problems).toEqual([])
    expect(sink.images).toHaveLength(8)
    for (const { rec, label } of sink.images) {
      expect([rec.width, rec.height]).toEqual([160, 120])
      expect(rec.contentHash).toMatch(/^[0-9a-f]{64}$/)
      expect(label?.data.length).toBe(160 * 120)
      expect(label?.asProposal).toBe(false)
      if (c.format === 'mfnet') expect(rec.thermalChannel).toBe(3)
      const bytes = rec.thermalPath === rec.rgbPath
        ? await readFile(rec.rgbPath)
        : Buffer.concat([await readFile(rec.rgbPath), await readFile(rec.thermalPath)])
      expect(rec.contentHash).toBe(createHash('sha256').update(bytes).digest('hex'))
    }
    if (c.splitFiles) {
      // Fixtures come from the generator (MFNet split set), carried through every flat layout.
      expect(sink.splitFiles.map((s) => s.file)).toEqual(['train.txt', 'val.txt', 'test.txt', 'test_day.txt', 'test_night.txt'])
      expect(sink.splitFiles[0].names.length + sink.splitFiles[1].names.length + sink.splitFiles[2].names.length).toBe(8)
    }
  })

  it('exports to the same layout with identical labels, split files and image bytes', async () => {
    const idx = await scanDataset(src)
    const res = await exportDataset(exportSourceFromIndex(idx), out, { format: c.format })
    expect(res.exported).toBe(8)
    expect(await detectFormat(out)).toBe(c.format)
    const a = await labelsByName(src)
    const b = await labelsByName(out)
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort())
    for (const [name, data] of a) expect(Buffer.compare(Buffer.from(b.get(name) as Uint8Array), Buffer.from(data)), name).toBe(0)
    if (c.splitFiles) {
      for (const sf of idx.splitFiles) {
        const orig = (await readFile(join(src, sf.file), 'utf8')).split(/\r?\n/).filter(Boolean)
        const back = (await readFile(join(out, sf.file), 'utf8')).split(/\r?\n/).filter(Boolean)
        expect(back).toEqual(orig)
      }
    }
    const outIdx = await scanDataset(out)
    const byName = new Map(outIdx.items.map((i) => [i.name, i]))
    for (const it of idx.items) {
      const o = byName.get(it.name)
      expect(o?.split).toBe(it.split)
      expect(Buffer.compare(await readFile(o?.rgbPath as string), await readFile(it.rgbPath))).toBe(0)
      expect(Buffer.compare(await readFile(o?.thermalPath as string), await readFile(it.thermalPath))).toBe(0)
    }
  })

  it('passes the importer again after export (same classes and labels)', async () => {
    const sink = new MemorySink()
    const res = await importDataset(out, { asProposals: true }, sink)
    expect(res.imported).toBe(8)
    expect(sink.images.every((i) => i.label?.asProposal === true)).toBe(true)
    expect(sink.classes.map((k) => k.index)).toEqual(c.classes.map((k) => k.index))
  })
})

describe('cross-layout conversion re-encodes only the container', () => {
  it('MFNet 4-channel → CMX separate files → MFNet keeps every RGB and thermal pixel', async () => {
    const mf = join(work, 'x-mfnet')
    const cmx = join(work, 'x-cmx')
    const back = join(work, 'x-back')
    await makeMfnet(mf, 4, 21)
    await exportDataset(exportSourceFromIndex(await scanDataset(mf)), cmx, { format: 'mfnet-cmx' })
    const cIdx = await scanDataset(cmx)
    expect(cIdx.format).toBe('mfnet-cmx')
    for (const it of cIdx.items) {
      const orig = await readMfnet4(join(mf, 'images', `${it.name}.png`))
      const rgb = await readRgb(it.rgbPath)
      const t = await readThermal(it.thermalPath)
      expect(Buffer.compare(Buffer.from(rgb.data), Buffer.from(orig.rgb))).toBe(0)
      expect(Buffer.compare(Buffer.from(t.data), Buffer.from(orig.thermal))).toBe(0)
    }
    await exportDataset(exportSourceFromIndex(cIdx), back, { format: 'mfnet' })
    for (const it of cIdx.items) {
      const a = await readMfnet4(join(mf, 'images', `${it.name}.png`))
      const b = await readMfnet4(join(back, 'images', `${it.name}.png`))
      expect(Buffer.compare(Buffer.from(a.rgb), Buffer.from(b.rgb))).toBe(0)
      expect(Buffer.compare(Buffer.from(a.thermal), Buffer.from(b.thermal))).toBe(0)
    }
    expect(await labelsByName(back)).toEqual(await labelsByName(mf))
  })
})
