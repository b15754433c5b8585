import { describe, expect, it, vi } from 'vitest'
import { ModelPackageError } from '@shared/modelPackage'
import { join } from 'node:path'
import { testWorkstation } from '../helpers/workstation'
import { throwIfCancelled } from '../../src/main/core/jobs/runner'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function setup() {
  const dir = tmp()
  const ws = testWorkstation(join(dir, 'data'))
  await ws.createProject(join(dir, 'p'), undefined, [])
  const events: { state: string; done: number }[] = []
  ws.hub.subscribe((e, p) => {
    if (e === 'job.progress') events.push(p as { state: string; done: number })
  })
  return { ws, dir, events }
}

describe('jobs', () => {
  it('a model package refusal fails the job with its sentence and no stack trace; unexpected errors keep theirs', async () => {
    const { ws } = await setup()
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      ws.jobs.register('prefill', async () => {
        throw new ModelPackageError('big', 'needs about 16.1 GB of memory, but only 7.5 GB is free; close other programs or choose a smaller package.')
      })
      const refused = await ws.jobs.wait(ws.jobs.start('prefill', {}).id)
      expect(refused).toMatchObject({ state: 'failed', error: expect.stringMatching(/^Model package "big": needs about 16\.1 GB/) })
      expect(logged).not.toHaveBeenCalled()
      ws.jobs.register('export', async () => {
        throw new TypeError('bug')
      })
      expect((await ws.jobs.wait(ws.jobs.start('export', {}).id)).state).toBe('failed')
      expect(logged).toHaveBeenCalledTimes(1)
    } finally {
      logged.mockRestore()
    }
  })

  it('pushes progress, persists state and result', async () => {
    const { ws, events } = await setup()
    ws.jobs.register('export', async (ctx) => {
      for (let i = 1; i <= 5; i++) ctx.progress(i, 5, `item ${i}`)
      return { files: 5 }
    })
    const job = ws.jobs.start('export', { to: 'x' })
    const done = await ws.jobs.wait(job.id)
    expect(done).toMatchObject({ state: 'done', done: 5, total: 5, result: { files: 5 } })
    expect(events.at(-1)).toMatchObject({ state: 'done', done: 5 })
    expect(events.some((e) => e.state === 'running')).toBe(true)
  })

  it('cancels promptly, and resumes an interrupted job from its checkpoint', async () => {
    const { ws, dir } = await setup()
    const seen: number[] = []
    ws.jobs.register('prefill', async (ctx) => {
      const start = ((ctx.checkpoint as { next?: number } | null)?.next ?? 0) as number
      for (let i = start; i < 20; i++) {
        throwIfCancelled(ctx.signal)
        seen.push(i)
        ctx.saveCheckpoint({ next: i + 1 })
        ctx.progress(i + 1, 20)
        await sleep(5)
      }
    })
    const job = ws.jobs.start('prefill', {})
    await sleep(40)
    const t0 = Date.now()
    ws.jobs.cancel(job.id)
    const cancelled = await ws.jobs.wait(job.id)
    expect(Date.now() - t0).toBeLessThan(1000)
    expect(cancelled.state).toBe('cancelled')
    const firstRun = seen.length
    expect(firstRun).toBeGreaterThan(0)
    expect(firstRun).toBeLessThan(20)

    // Simulate a crash mid-run: the row says running, then the project is reopened.
    ws.project.jobs.update(job.id, { state: 'running' })
    const path = ws.project.path
    await ws.closeProject()
    await ws.openProject(path)
    expect(ws.project.jobs.get(job.id).state).toBe('interrupted')
    ws.jobs.resume(job.id)
    const finished = await ws.jobs.wait(job.id)
    expect(finished.state).toBe('done')
    expect(seen).toEqual([...Array(20).keys()]) // no item done twice
    void dir
  })

  it('records a failure with its message', async () => {
    const { ws } = await setup()
    ws.jobs.register('train', async () => {
      throw new Error('no accepted images')
    })
    const j = await ws.jobs.wait(ws.jobs.start('train', {}).id)
    expect(j).toMatchObject({ state: 'failed', error: 'no accepted images' })
  })
})
