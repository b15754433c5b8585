// The export job's result is what the export dialog's summary shows: how many images and files it
// wrote, and which chosen images it left out because they have no label map yet.
import { afterAll, describe, expect, it } from 'vitest'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { disposeTestWorkstations, testWorkstation } from '../helpers/workstation'
import { classPreset } from '../../src/main/core/classPresets'
import { writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()
afterAll(() => disposeTestWorkstations())

describe('export job result', () => {
  it('reports files written and the chosen images skipped for having no labels', async () => {
    const dir = tmp()
    const dataset = join(dir, 'ds')
    await writeSyntheticDataset(dataset, { count: 3, seed: 5, width: 64, height: 48 })
    const ws = testWorkstation(join(dir, 'data'))
    await ws.createProject(join(dir, 'p'), undefined, classPreset('mfnet'))
    expect((await ws.jobs.wait(ws.jobs.start('import', { dir: dataset }).id)).state).toBe('done')
    const first = ws.project.images.get(1)
    ws.project.images.insert({ name: 'zz_unlabelled', split: 'train', rgbPath: first.rgbPath, thermalPath: first.thermalPath, width: first.width, height: first.height, thermalBits: first.thermalBitDepth })

    const out = join(dir, 'out')
    const job = await ws.jobs.wait(ws.jobs.start('export', { dir: out, format: 'pst900', statuses: ['new', 'accepted'] }).id)
    expect(job.state).toBe('done')
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length
    expect(files).toBeGreaterThan(3 * 3) // rgb, thermal, label per image + the marker
    expect(job.result).toEqual({ target: out, format: 'pst900', exported: 3, files, skipped: ['zz_unlabelled'] })
    await ws.closeProject()
  })
})
