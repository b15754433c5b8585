/**
 * A user's own class table survives an images-only import (issue #18 item 1): the dataset's table
 * replaced it before, although no label of the dataset is taken in.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import { openWorkstation } from '../models/helpers'

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
})
