import { afterAll, describe, expect, it } from 'vitest'
import { cpSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { disposeTestWorkstations, testWorkstation } from '../helpers/workstation'
import { classPreset } from '../../src/main/core/classPresets'
import { writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import type { ImportJobResult } from '../../src/main/core/datasets/jobs/importJob'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()
afterAll(() => disposeTestWorkstations())

/** Importing more images into a project that has some: the same content under other names is skipped and counted. */
describe('import into an existing project', () => {
  it('skips images whose RGB + thermal bytes the project already holds, and imports the new ones', async () => {
    const dir = tmp()
    const first = join(dir, 'first')
    await writeSyntheticDataset(first, { count: 6, seed: 3, width: 96, height: 64 })
    // The same files again, without split files (so split/name differ: only the content matches) …
    const again = join(dir, 'again')
    cpSync(first, again, { recursive: true })
    for (const f of readdirSync(again)) if (f.endsWith('.txt')) rmSync(join(again, f))
    // … plus two images that are new.
    const other = join(dir, 'other')
    await writeSyntheticDataset(other, { count: 2, seed: 99, width: 96, height: 64 })
    for (const sub of ['images', 'labels']) {
      for (const f of readdirSync(join(other, sub))) cpSync(join(other, sub, f), join(again, sub, `new_${f}`))
    }

    const ws = testWorkstation(join(dir, 'data'))
    await ws.createProject(join(dir, 'p'), undefined, classPreset('mfnet'))
    const one = await ws.jobs.wait(ws.jobs.start('import', { dir: first }).id)
    expect((one.result as ImportJobResult).imported).toBe(6)

    const two = await ws.jobs.wait(ws.jobs.start('import', { dir: again }).id)
    expect(two.state, two.error ?? '').toBe('done')
    expect(two.result).toMatchObject({ imported: 2, skipped: 0, duplicates: 6, problems: [] })
    expect(ws.project.images.ids({}).length).toBe(8)
    await ws.closeProject()
  })
})
