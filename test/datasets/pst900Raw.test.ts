/** PST900 specifics: 16-bit thermal_raw kept beside the 8-bit thermal, raw-only items, class name orders. */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportDataset } from '../../src/main/core/datasets/export'
import { exportSourceFromIndex } from '../../src/main/core/datasets/export/fromIndex'
import { importDataset } from '../../src/main/core/datasets/import'
import { scanDataset } from '../../src/main/core/datasets/scan'
import { MemorySink } from '../../src/main/core/datasets/sink'
import { decodeImage, encodeGrey16Png } from '../../src/main/core/imaging/png'
import { makeLayout, removeDir, tempDir } from './helpers'

let work = ''
let pst = ''
beforeAll(async () => {
  work = await tempDir()
  pst = join(work, 'pst')
  await makeLayout(pst, 'pst900', (await import('@shared/formats/classes')).PST900_CLASSES, (v) => v % 5, 6)
  // Add 16-bit thermal_raw with zero holes (as PST900's reprojection leaves them).
  const idx = await scanDataset(pst)
  for (const it of idx.items) {
    const raw = new Uint16Array(160 * 120)
    for (let i = 0; i < raw.length; i++) raw[i] = i % 17 === 0 ? 0 : 20000 + (i % 4000)
    await mkdir(join(pst, it.split, 'thermal_raw'), { recursive: true })
    await writeFile(join(pst, it.split, 'thermal_raw', `${it.name}.png`), await encodeGrey16Png(raw, 160, 120))
  }
})
afterAll(() => removeDir(work))

describe('PST900 thermal_raw', () => {
  it('prefers 8-bit thermal and keeps the raw path; export copies raw bytes unchanged', async () => {
    const sink = new MemorySink()
    const r = await importDataset(pst, {}, sink)
    expect(r.problems).toEqual([])
    for (const { rec } of sink.images) {
      expect(rec.thermalPath).toContain(`${rec.split}/thermal/`)
      expect(rec.thermalRawPath).toContain(`${rec.split}/thermal_raw/`)
      expect(rec.thermalBitDepth).toBe(8)
    }
    const out = join(work, 'pst-out')
    const idx = await scanDataset(pst)
    await exportDataset(exportSourceFromIndex(idx), out, { format: 'pst900' })
    for (const it of idx.items) {
      const a = await readFile(it.thermalRawPath as string)
      const b = await readFile(join(out, it.split, 'thermal_raw', `${it.name}.png`))
      expect(Buffer.compare(a, b)).toBe(0)
      const raw = await decodeImage(join(out, it.split, 'thermal_raw', `${it.name}.png`))
      expect(raw.bitDepth).toBe(16)
      expect(raw.data[0]).toBe(0) // holes stay holes
    }
  })

  it('imports raw-only items as 16-bit thermal', async () => {
    const rawOnly = join(work, 'pst-raw-only')
    const idx = await scanDataset(pst)
    await exportDataset(exportSourceFromIndex(idx), rawOnly, { format: 'pst900' })
    for (const split of ['train', 'test']) await rm(join(rawOnly, split, 'thermal'), { recursive: true, force: true })
    const sink = new MemorySink()
    const r = await importDataset(rawOnly, {}, sink)
    expect(r.problems).toEqual([])
    expect(r.imported).toBe(6)
    for (const { rec } of sink.images) {
      expect(rec.thermalBitDepth).toBe(16)
      expect(rec.thermalPath).toBe(rec.thermalRawPath)
    }
  })

  it('offers SARTM\'s class-name order for the same indices', async () => {
    const official = await scanDataset(pst)
    const sartm = await scanDataset(pst, { pst900ClassOrder: 'sartm' })
    expect(official.classes.map((c) => c.name)).toEqual(['Background', 'Fire-Extinguisher', 'Backpack', 'Hand-Drill', 'Survivor'])
    expect(sartm.classes.map((c) => c.name)).toEqual(['Background', 'Hand-Drill', 'BackPack', 'Fire-Extinguisher', 'Survivor'])
    expect(official.classes[1].color).toEqual([255, 0, 0])
  })
})

describe('folder pairs', () => {
  it('matches files by stem with explicit folders and a class file', async () => {
    const dir = join(work, 'pairs')
    const idx = await scanDataset(pst)
    await exportDataset(exportSourceFromIndex(idx), dir, { format: 'folder-pairs' })
    // Rename folders to non-standard names and pass them explicitly.
    const { rename } = await import('node:fs/promises')
    await rename(join(dir, 'rgb'), join(dir, 'cam_a'))
    await rename(join(dir, 'thermal'), join(dir, 'cam_b'))
    await rename(join(dir, 'labels'), join(dir, 'masks_x'))
    await writeFile(join(dir, 'my-classes.json'), JSON.stringify(['bg', 'a', 'b', 'c', { index: 4, name: 'd', color: [1, 2, 3] }]))
    const sink = new MemorySink()
    const r = await importDataset(dir, { format: 'folder-pairs', pairs: { rgbDir: 'cam_a', thermalDir: 'cam_b', labelDir: 'masks_x', classesFile: 'my-classes.json' } }, sink)
    expect(r.problems).toEqual([])
    expect(r.imported).toBe(6)
    expect(sink.classes.map((c) => c.name)).toEqual(['bg', 'a', 'b', 'c', 'd'])
    expect(sink.classes[4].color).toEqual([1, 2, 3])
    expect(sink.images.every((i) => i.label !== undefined)).toBe(true)
  })
})
