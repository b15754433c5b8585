import { describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { testWorkstation } from '../helpers/workstation'
import { classPreset } from '../../src/main/core/classPresets'
import { writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import type { ImportJobResult } from '../../src/main/core/datasets/jobs/importJob'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()

async function labelPixels(path: string): Promise<Buffer> {
  return (await sharp(path).raw().toBuffer({ resolveWithObject: true })).data
}

async function setup() {
  const dir = tmp()
  const dataset = join(dir, 'ds')
  await writeSyntheticDataset(dataset, { count: 8, seed: 11, width: 160, height: 120 })
  const ws = testWorkstation(join(dir, 'data'))
  await ws.createProject(join(dir, 'p'), undefined, classPreset('mfnet'))
  return { dir, dataset, ws }
}

describe('project import and export jobs', () => {
  it('imports labels as accepted ground truth and exports them byte-exact with the same split files', async () => {
    const { dir, dataset, ws } = await setup()
    const job = await ws.jobs.wait(ws.jobs.start('import', { dir: dataset }).id)
    expect(job.state).toBe('done')
    expect(job.result).toMatchObject({ format: 'mfnet', imported: 8, skipped: 0, problems: [] })
    expect(ws.project.summary().counts.accepted).toBe(8)
    // Paths are stored relative to the project file.
    expect(ws.project.images.get(1).rgbPath).toMatch(/^ds\/images\//)

    const out = join(dir, 'out')
    const ex = await ws.jobs.wait(ws.jobs.start('export', { dir: out, format: 'mfnet' }).id)
    expect(ex.state, ex.error ?? '').toBe('done')
    for (const f of ['train.txt', 'val.txt', 'test.txt', 'test_day.txt', 'test_night.txt']) {
      expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(dataset, f), 'utf8'))
    }
    for (const name of readdirSync(join(dataset, 'labels'))) {
      expect((await labelPixels(join(out, 'labels', name))).equals(await labelPixels(join(dataset, 'labels', name))), name).toBe(true)
    }
    // A second export to the same target is refused, and the first stays intact.
    const again = await ws.jobs.wait(ws.jobs.start('export', { dir: out, format: 'mfnet' }).id)
    expect(again.state).toBe('failed')
    expect(again.error).toMatch(/exists/)
    expect(existsSync(join(out, 'train.txt'))).toBe(true)
  })

  it('reports a corrupt file by name and imports the rest; a rerun skips what is there', async () => {
    const { dataset, ws } = await setup()
    const victim = readdirSync(join(dataset, 'images'))[2]!
    const bytes = readFileSync(join(dataset, 'images', victim))
    writeFileSync(join(dataset, 'images', victim), bytes.subarray(0, bytes.length >> 1))
    const job = await ws.jobs.wait(ws.jobs.start('import', { dir: dataset }).id)
    const r = job.result as ImportJobResult
    expect(r.imported).toBe(7)
    expect(r.problems).toHaveLength(1)
    expect(r.problems[0]!.file).toContain(victim)
    const rerun = (await ws.jobs.wait(ws.jobs.start('import', { dir: dataset }).id)).result as ImportJobResult
    expect(rerun).toMatchObject({ imported: 0, skipped: 7 })
  })

  it('imports images only with withoutLabels (status new), and refuses an unknown layout with the list it looked for', async () => {
    const { dir, dataset, ws } = await setup()
    await ws.jobs.wait(ws.jobs.start('import', { dir: dataset, withoutLabels: true }).id)
    expect(ws.project.summary().counts).toMatchObject({ new: 8, accepted: 0 })
    const bad = await ws.jobs.wait(ws.jobs.start('import', { dir: join(dir, 'data') }).id)
    expect(bad.state).toBe('failed')
    expect(bad.error).toMatch(/unknown dataset layout; looked for:[\s\S]*MFNet official/)
  })
})
