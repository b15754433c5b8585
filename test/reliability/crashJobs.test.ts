import { describe, expect, it } from 'vitest'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { readLabel } from '../../src/main/core/imaging/png'
import { testWorkstation } from '../helpers/workstation'
import { createDemo } from '../../src/main/core/datasets/jobs/demo'
import { useTmp } from '../helpers/tmp'
import { kill9, startServerProcess, type ServerProc } from './serverProcess'

const tmp = useTmp()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Waits until the job is running (or already over), then returns its state. */
async function whenRunning(srv: ServerProc, id: number): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const j = (await srv.call<{ state: string; done: number }>('getJob', { id })).body
    if (j.state !== 'queued') return j.state
    await sleep(10)
  }
  return 'queued'
}

describe('crash safety of long jobs (SIGKILL mid-job)', () => {
  it('an export killed midway leaves no target; a fine-tune killed midway leaves the active model unchanged', async () => {
    const dir = tmp()
    // A demo project whose images are accepted with their ground-truth labels.
    const ws = testWorkstation(join(dir, 'data'))
    await createDemo(ws, join(dir, 'demo'), { count: 24 })
    const store = ws.project
    for (const id of store.images.ids({}, 'name')) {
      const img = store.images.get(id)
      const file = join(dir, 'demo', 'dataset', 'labels', `${img.name}.png`)
      const label = await readLabel(file)
      store.annotations.replace(id, label.width, label.height, label.data, 'import', null)
      store.annotations.accept(id)
    }
    const project = store.path
    await ws.closeProject()

    let srv = await startServerProcess(project, join(dir, 'data'))
    // Register and activate the base model with a short pre-fill of one image.
    const first = (await srv.call<{ items: { id: number }[] }>('listImages', { limit: 1 })).body.items[0]!.id
    const pre = (await srv.call<{ id: number }>('startPrefill', { imageIds: [first] })).body
    await expect.poll(async () => (await srv.call<{ state: string }>('getJob', { id: pre.id })).body.state, { timeout: 60_000 }).toBe('done')
    const before = (await srv.call<{ activeId: number | null }>('listModels')).body.activeId
    expect(before).not.toBeNull()

    // Export: kill as soon as it runs.
    const target = join(dir, 'export-target')
    const ex = (await srv.call<{ id: number }>('startExport', { dir: target, format: 'mfnet' })).body
    const exState = await whenRunning(srv, ex.id)
    await kill9(srv)
    if (exState === 'done') expect(readdirSync(target)).toContain('train.txt') // finished first: complete
    else expect(existsSync(target)).toBe(false) // never a partial target

    // Fine-tune: kill while it runs.
    srv = await startServerProcess(project, join(dir, 'data'))
    const tr = (await srv.call<{ id: number }>('startTraining', { activate: 'always', steps: 400 })).body
    const trState = await whenRunning(srv, tr.id)
    await sleep(200)
    await kill9(srv)

    srv = await startServerProcess(project, join(dir, 'data'))
    try {
      const jobs = (await srv.call<{ id: number; state: string }[]>('listJobs')).body
      expect(jobs.filter((j) => j.state === 'running')).toEqual([])
      const train = jobs.find((j) => j.id === tr.id)!
      const after = (await srv.call<{ activeId: number | null }>('listModels')).body.activeId
      if (train.state === 'done') expect(after).not.toBeNull() // it finished before the kill
      else {
        expect(train.state).toBe('interrupted')
        expect(after).toBe(before)
      }
      const exportJob = jobs.find((j) => j.id === ex.id)!
      console.log(`crash jobs: export ${exState} at kill → ${exportJob.state}, target ${existsSync(target) ? 'complete' : 'absent'}; fine-tune ${trState} at kill → ${train.state}, active model ${before} → ${after}`)
    } finally {
      await kill9(srv)
    }
  }, 300_000)
})
