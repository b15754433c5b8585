/**
 * A user's own class table survives an images-only import (issue #18 item 1): the dataset's table
 * replaced it before, although no label of the dataset is taken in.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import { openWorkstation } from '../models/helpers'
import { encodeGrey8Png, encodeRgbPng } from '../../src/main/core/imaging/png'
import { previewImport } from '../../src/main/core/datasets/importPreview'

const dir = mkdtempSync(join(tmpdir(), 'twinlight-import-keeps-table-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('images-only import', () => {
  it("keeps the project's own class table", async () => {
    const dataset = join(dir, 'dataset')
    await writeSyntheticDataset(dataset, { count: 2, seed: 3, width: 32, height: 24, compressionLevel: 1 })
    const ws = await openWorkstation(join(dir, 'data'))
    const own = [
      { index: 0, name: 'void', color: [0, 0, 0] as [number, number, number], ignore: true },
      { index: 1, name: 'road', color: [128, 64, 128] as [number, number, number], ignore: false }
    ]
    await ws.createProject(join(dir, 'own.twinlight'), 'own', own)
    const job = await ws.jobs.wait(ws.jobs.start('import', { dir: dataset, withoutLabels: true }).id)
    expect(job.state).toBe('done')
    expect(ws.project.summary().imageCount).toBe(2)
    expect(ws.project.classes()).toEqual(own)
    await ws.closeProject()
  })

  it('a folder with no label maps (folder pairs) keeps the table too, and its preview lists no classes', async () => {
    const pairs = join(dir, 'pairs')
    for (const f of ['visible', 'infrared']) mkdirSync(join(pairs, f), { recursive: true })
    for (const [k, n] of ['a', 'b'].entries()) {
      writeFileSync(join(pairs, 'visible', `${n}.png`), await encodeRgbPng(new Uint8Array(8 * 6 * 3).fill(90 + k), 8, 6))
      writeFileSync(join(pairs, 'infrared', `${n}.png`), await encodeGrey8Png(new Uint8Array(8 * 6).fill(120 + k), 8, 6))
    }
    const ws = await openWorkstation(join(dir, 'data2'))
    const own = [
      { index: 0, name: 'void', color: [0, 0, 0] as [number, number, number], ignore: true },
      { index: 1, name: 'road', color: [128, 64, 128] as [number, number, number], ignore: false },
      { index: 2, name: 'car', color: [200, 0, 0] as [number, number, number], ignore: false }
    ]
    await ws.createProject(join(dir, 'pairs.twinlight'), 'pairs', own)
    const preview = await previewImport(pairs, {})
    expect(preview.format).toBe('folder-pairs')
    expect(preview.classes).toEqual([])
    // Without labels the import brought MFNet's default table, which replaced the user's own.
    const job = await ws.jobs.wait(ws.jobs.start('import', { dir: pairs }).id)
    expect(job.state).toBe('done')
    expect(ws.project.classes()).toEqual(own)
    // A second label-less import into the project that now has images is not refused as a class clash.
    const again = await ws.jobs.wait(ws.jobs.start('import', { dir: pairs }).id)
    expect(again.state).toBe('done')
    expect(ws.project.summary().imageCount).toBe(2)
    await ws.closeProject()
  })
})
