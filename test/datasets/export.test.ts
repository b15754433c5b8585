import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportDataset, ExportTargetExistsError } from '../../src/main/core/datasets/export'
import { exportSourceFromIndex } from '../../src/main/core/datasets/export/fromIndex'
import type { CocoFile } from '../../src/main/core/datasets/export/coco'
import type { ExportItem, ExportSource } from '../../src/main/core/datasets/export/types'
import { importDataset } from '../../src/main/core/datasets/import'
import { scanDataset } from '../../src/main/core/datasets/scan'
import { MemorySink } from '../../src/main/core/datasets/sink'
import { FMB_CLASSES_SHIFTED, MFNET_CLASSES } from '@shared/formats/classes'
import { decodeRle } from '@shared/labelmap/rle'
import { readLabel, readRgb } from '../../src/main/core/imaging/png'
import { labelsByName, leftovers, makeLayout, makeMfnet, removeDir, tempDir } from './helpers'
import type { DatasetIndex } from '../../src/main/core/datasets/types'

let work = ''
let mf = ''
let index: DatasetIndex
beforeAll(async () => {
  work = await tempDir()
  mf = join(work, 'mfnet')
  await makeMfnet(mf, 8, 33)
  index = await scanDataset(mf)
})
afterAll(() => removeDir(work))

/** Source that yields good items, then breaks at item `failAt` (wrong-size label). */
function failingSource(src: ExportSource, failAt: number): ExportSource {
  return {
    classes: src.classes,
    splitFiles: src.splitFiles,
    async *items(): AsyncIterable<ExportItem> {
      let i = 0
      for await (const it of src.items()) {
        yield i++ === failAt ? { ...it, label: { ...it.label, data: it.label.data.subarray(0, 100) } } : it
      }
    }
  }
}

describe('export atomicity', () => {
  it('a failure midway leaves no target and no temp folder', async () => {
    const target = join(work, 'fail-mid')
    const err = await exportDataset(failingSource(exportSourceFromIndex(index), 4), target, { format: 'mfnet' }).catch((e: unknown) => e)
    expect(String(err)).toMatch(/label data has 100 pixels, expected 160x120/)
    expect(await readdir(work)).not.toContain('fail-mid')
    expect(await leftovers(target)).toEqual([])
  })

  it('an abort midway leaves no target and no temp folder', async () => {
    const target = join(work, 'abort-mid')
    const ac = new AbortController()
    const run = exportDataset(exportSourceFromIndex(index), target, {
      format: 'mfnet-cmx', signal: ac.signal, concurrency: 1, onProgress: (n) => { if (n === 3) ac.abort(new Error('user cancelled')) }
    })
    await expect(run).rejects.toThrow('user cancelled')
    expect(await readdir(work)).not.toContain('abort-mid')
    expect(await leftovers(target)).toEqual([])
  })

  it('refuses a non-empty target and leaves it untouched; overwrite swaps it in whole', async () => {
    const target = join(work, 'existing')
    await mkdir(target)
    await writeFile(join(target, 'keep.txt'), 'mine')
    await expect(exportDataset(exportSourceFromIndex(index), target, { format: 'mfnet' })).rejects.toBeInstanceOf(ExportTargetExistsError)
    expect(await readdir(target)).toEqual(['keep.txt'])
    // Overwrite replaces only an earlier Twinlight export (issue 17): a folder of the user's is refused.
    await expect(exportDataset(exportSourceFromIndex(index), target, { format: 'mfnet', overwrite: true })).rejects.toThrow(/not written by a Twinlight export/)
    expect(await readdir(target)).toEqual(['keep.txt'])
    const earlier = join(work, 'earlier-export')
    await exportDataset(exportSourceFromIndex(index), earlier, { format: 'mfnet' })
    await writeFile(join(earlier, 'stale.txt'), 'from the old export')
    // A failing overwrite must not touch the old folder either.
    await expect(exportDataset(failingSource(exportSourceFromIndex(index), 2), earlier, { format: 'mfnet', overwrite: true })).rejects.toThrow()
    expect(await readdir(earlier)).toContain('stale.txt')
    const res = await exportDataset(exportSourceFromIndex(index), earlier, { format: 'mfnet', overwrite: true })
    expect(res.exported).toBe(8)
    expect((await readdir(earlier)).sort()).toEqual(['.twinlight-export.json', 'images', 'labels', 'test.txt', 'test_day.txt', 'test_night.txt', 'train.txt', 'val.txt'])
    expect(await leftovers(earlier)).toEqual([])
  })

  it('exports into an existing empty folder', async () => {
    const target = join(work, 'empty-target')
    await mkdir(target)
    await exportDataset(exportSourceFromIndex(index), target, { format: 'sartm' })
    expect((await readdir(target)).sort()).toContain('ther')
  })
})

describe('export options and formats', () => {
  it('FMB shifted labels: 0 → 255, v → v-1; raw keeps values', async () => {
    const raw = join(work, 'fmb-raw')
    await makeLayout(raw, 'fmb', undefined, undefined, 6)
    const idx = await scanDataset(raw)
    const shifted = join(work, 'fmb-shifted')
    await exportDataset(exportSourceFromIndex(idx), shifted, { format: 'fmb', fmbLabels: 'shifted' })
    const a = await labelsByName(raw)
    const b = await labelsByName(shifted)
    let zeros = 0
    for (const [name, data] of a) {
      const s = b.get(name) as Uint8Array
      for (let i = 0; i < data.length; i++) {
        expect(s[i]).toBe(data[i] === 0 ? 255 : data[i] - 1)
        if (data[i] === 0) zeros++
      }
    }
    expect(zeros).toBeGreaterThan(0)
    // The shifted set imports against the shifted class table (255 = ignore).
    await writeFile(join(shifted, 'classes.json'), JSON.stringify(FMB_CLASSES_SHIFTED))
    const sink = new MemorySink()
    const r = await importDataset(shifted, {}, sink)
    expect(r.problems).toEqual([])
    expect(sink.classes.find((c) => c.index === 255)?.ignore).toBe(true)
  })

  it('COCO RLE annotations decode back to the label masks', async () => {
    const target = join(work, 'coco')
    await exportDataset(exportSourceFromIndex(index), target, { format: 'coco' })
    const coco = JSON.parse(await readFile(join(target, 'annotations.json'), 'utf8')) as CocoFile
    expect(coco.categories.map((c) => c.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(coco.images).toHaveLength(8)
    const ids = coco.annotations.map((a) => a.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const img of coco.images) {
      const label = (await readLabel(join(mf, 'labels', `${img.name}.png`))).data
      const rebuilt = new Uint8Array(label.length)
      for (const a of coco.annotations.filter((x) => x.image_id === img.id)) {
        expect(typeof a.segmentation.counts).toBe('string')
        const m = decodeRle(a.segmentation)
        let area = 0
        for (let i = 0; i < m.length; i++) {
          if (!m[i]) continue
          area++
          expect(rebuilt[i]).toBe(0) // regions never overlap
          rebuilt[i] = a.category_id
        }
        expect(area).toBe(a.area)
      }
      expect(Buffer.compare(Buffer.from(rebuilt), Buffer.from(label)), img.name).toBe(0)
    }
  })

  it('colourised labels use the dataset palette', async () => {
    const target = join(work, 'color')
    await exportDataset(exportSourceFromIndex(index), target, { format: 'color' })
    const name = index.items[0].name
    const label = (await readLabel(join(mf, 'labels', `${name}.png`))).data
    const rgb = (await readRgb(join(target, `${name}.png`))).data
    for (let i = 0; i < label.length; i += 13) {
      expect([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]]).toEqual(MFNET_CLASSES[label[i]].color)
    }
    expect(JSON.parse(await readFile(join(target, 'classes.json'), 'utf8')).classes).toHaveLength(9)
  })

  it('keeps imported split order and drops names that were not exported', async () => {
    const target = join(work, 'subset')
    const keep = new Set(index.items.filter((_, i) => i % 2 === 0).map((i) => i.name))
    await exportDataset(exportSourceFromIndex(index, (it) => keep.has(it.name)), target, { format: 'mfnet' })
    for (const sf of index.splitFiles) {
      const back = (await readFile(join(target, sf.file), 'utf8')).split('\n').filter(Boolean)
      expect(back).toEqual(sf.names.filter((n) => keep.has(n)))
    }
  })

  it('derives split files from item splits when the source had none', async () => {
    const target = join(work, 'derived')
    const src = exportSourceFromIndex(index)
    await exportDataset({ ...src, splitFiles: [] }, target, { format: 'mfnet' })
    const train = (await readFile(join(target, 'train.txt'), 'utf8')).split('\n').filter(Boolean)
    expect(train.sort()).toEqual(index.items.filter((i) => i.split === 'train').map((i) => i.name).sort())
    const test = (await readFile(join(target, 'test.txt'), 'utf8')).split('\n').filter(Boolean)
    const day = (await readFile(join(target, 'test_day.txt'), 'utf8')).split('\n').filter(Boolean)
    expect(day).toEqual(test.filter((n) => n.endsWith('D')))
  })
})
