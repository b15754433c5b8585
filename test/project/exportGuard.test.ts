// Issue 17 item 1 and 7: an export never deletes the project, its images or the app data, and an
// existing target is judged before any file is written. Every case compares the whole tree byte
// for byte before and after.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { testWorkstation } from '../helpers/workstation'
import { classPreset } from '../../src/main/core/classPresets'
import { createDispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import { EXPORT_MARKER } from '../../src/main/core/datasets/export/targetGuard'
import { exportCommand } from '../../src/main/cli/commands/export'
import { captureOutput } from '../helpers/capture'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()
afterEach(() => vi.restoreAllMocks())

/** path → sha256 of every file under `root` (folders as 'dir'). */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) {
        out[relative(root, p)] = 'dir'
        walk(p)
      } else if (e.isFile()) out[relative(root, p)] = createHash('sha256').update(readFileSync(p)).digest('hex')
    }
  }
  walk(root)
  return out
}

async function setup() {
  const dir = tmp()
  const dataset = join(dir, 'ds')
  await writeSyntheticDataset(dataset, { count: 4, seed: 3, width: 96, height: 72 })
  const ws = testWorkstation(join(dir, 'data'))
  await ws.createProject(join(dir, 'p'), undefined, classPreset('mfnet'))
  expect((await ws.jobs.wait(ws.jobs.start('import', { dir: dataset }).id)).state).toBe('done')
  const api = createDispatcher(allHandlers(ws), () => undefined)
  const exportTo = async (target: string, overwrite = true) => api.call('startExport', { dir: target, format: 'mfnet', statuses: ['accepted'], overwrite })
  return { dir, dataset, ws, exportTo }
}

describe('export target guard', () => {
  it('refuses the project folder, the image folder, a symlink to it and the data dir, touching nothing', async () => {
    const { dir, dataset, ws, exportTo } = await setup()
    symlinkSync(dataset, join(dir, 'link'))
    const before = tree(dir)
    const cases: [string, RegExp][] = [
      [dir, /contains the project file .*p\.twinlight/],
      [dataset, /contains .*ds\/images\/.*, an image this project references/],
      [join(dir, 'link'), /an image this project references/],
      [join(dataset, 'images', '..'), /an image this project references/],
      [join(dir, 'data'), /contains Twinlight's data folder/],
      [join(dir, 'data', 'exports'), /lies inside Twinlight's data folder/]
    ]
    for (const [target, why] of cases) {
      const r = await exportTo(target)
      expect(r.ok, target).toBe(false)
      if (!r.ok) {
        expect(r.error.code).toBe('forbidden')
        expect(r.error.message).toMatch(why)
      }
    }
    expect(ws.project.jobs.list(50).filter((j) => j.kind === 'export')).toEqual([]) // refused before a job row
    expect(tree(dir)).toEqual(before)
    await ws.closeProject()
  })

  it('overwrite replaces only an earlier Twinlight export', async () => {
    const { dir, ws, exportTo } = await setup()
    const mine = join(dir, 'mine')
    mkdirSync(mine)
    writeFileSync(join(mine, 'notes.txt'), 'keep me')
    const r = await exportTo(mine)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).toMatch(/was not written by a Twinlight export/)
    expect(readdirSync(mine)).toEqual(['notes.txt'])

    const out = join(dir, 'out')
    const first = await exportTo(out, false)
    expect(first.ok).toBe(true)
    if (first.ok) expect((await ws.jobs.wait((first.result as { id: number }).id)).state).toBe('done')
    expect(JSON.parse(readFileSync(join(out, EXPORT_MARKER), 'utf8'))).toMatchObject({ writtenBy: 'twinlight', format: 'mfnet', exported: 4 })
    const again = await exportTo(out, true)
    expect(again.ok).toBe(true)
    if (again.ok) expect((await ws.jobs.wait((again.result as { id: number }).id)).state).toBe('done')
    expect(readdirSync(join(out, 'labels')).length).toBe(4)
    await ws.closeProject()
  })

  it('the CLI refuses `export S/p.twinlight S --overwrite` and leaves every file in place', async () => {
    const { dir, ws } = await setup()
    await ws.closeProject()
    const before = tree(dir)
    process.env.TWINLIGHT_HOME = join(dir, 'data')
    captureOutput()
    try {
      await expect(exportCommand.run([join(dir, 'p.twinlight'), dir, '--format', 'mfnet', '--status', 'new,in_review,accepted', '--overwrite'], false)).rejects.toThrow(/contains the project file/)
    } finally {
      delete process.env.TWINLIGHT_HOME
    }
    const after = tree(dir)
    delete after['p.twinlight-wal'] // SQLite's own journal files come and go with an open
    delete after['p.twinlight-shm']
    delete before['p.twinlight-wal']
    delete before['p.twinlight-shm']
    expect(after['p.twinlight']).toBeDefined()
    expect(Object.keys(after).filter((k) => k.startsWith('ds'))).toEqual(Object.keys(before).filter((k) => k.startsWith('ds')))
    for (const k of Object.keys(before)) if (k.startsWith('ds')) expect(after[k], k).toBe(before[k])
  })

  it('a non-empty target without overwrite is refused before a job row is written (one sentence, no failed job)', async () => {
    const { dir, ws, exportTo } = await setup()
    const out = join(dir, 'mine')
    mkdirSync(out)
    writeFileSync(join(out, 'notes.txt'), 'keep me')
    const jobsBefore = ws.project.jobs.list().length
    const r = await exportTo(out, false)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('conflict')
      expect(r.error.message).toBe(`Export target ${out} exists and is not empty. Choose a new, empty folder, or replace an earlier Twinlight export there.`)
    }
    expect(ws.project.jobs.list().length).toBe(jobsBefore)
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('keep me')
    await ws.closeProject()
  })

  it('after a kill between the two renames, an export without overwrite is refused before writing', async () => {
    const { dir, ws, exportTo } = await setup()
    const out = join(dir, 'out')
    const first = await exportTo(out, false)
    if (first.ok) await ws.jobs.wait((first.result as { id: number }).id)
    // What a kill between "rename target away" and "rename the new one in" leaves: only the old one, aside.
    const aside = `${out}.old-999999-0123456789ab`
    renameSync(out, aside)
    const written = statSync(join(aside, EXPORT_MARKER)).mtimeMs
    const r = await exportTo(out, false)
    const job = r.ok ? await ws.jobs.wait((r.result as { id: number }).id) : null
    expect(job?.state).toBe('failed')
    expect(job?.error).toMatch(/target folder exists and is not empty/)
    expect(job?.done ?? 0).toBe(0) // judged before a single image was written
    expect(existsSync(aside)).toBe(false)
    expect(statSync(join(out, EXPORT_MARKER)).mtimeMs).toBe(written) // the old export, put back as it was
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([])
    await ws.closeProject()
  })
})
