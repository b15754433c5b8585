/**
 * The LoRA tier survives a kill of the app (issue 19 item 2): the server is SIGKILLed while its
 * Python worker trains; the worker is left running as an orphan. The next start shows the job
 * interrupted with the active model unchanged; resuming it kills the orphan, reuses the job folder
 * (the worker continues from its checkpoint) and registers the LoRA version. The worker is the fake
 * of test/training/loraFake.ts (the real one is covered by loraReal.test.ts and model/tests).
 */
import { describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { useTmp } from '../helpers/tmp'
import { fakePython, loraProject, loraSourcePackage } from '../training/loraFake'
import { kill9, startServerProcess } from './serverProcess'

const tmp = useTmp()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** Running (a killed orphan may stay a zombie until something reaps it: that counts as gone). */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

describe('LoRA tier: SIGKILL of the app mid-run', () => {
  it('interrupted after the restart, active unchanged; resume kills the orphan worker and finishes from the job folder', async () => {
    const dir = tmp()
    const pkg = loraSourcePackage(dir)
    const p = await loraProject(dir, pkg)
    const project = p.ws.project.path
    const before = p.ws.project.models.active()!.id
    await p.ws.dispose()
    const dataDir = join(dir, 'server-data')

    let srv = await startServerProcess(project, dataDir, { TWINLIGHT_PYTHON: fakePython(dir, 'slow') })
    const job = (await srv.call<{ id: number }>('startTraining', { tier: 'lora', steps: 30, activate: 'always' })).body
    const pidFile = join(dataDir, 'jobs', `lora-${job.id}`, 'slow.pid')
    for (let i = 0; i < 600 && !existsSync(pidFile); i++) await sleep(50)
    expect(existsSync(pidFile), 'the worker reached its first checkpoint').toBe(true)
    const orphan = Number(readFileSync(pidFile, 'utf8'))
    await kill9(srv)
    expect(alive(orphan), 'the worker outlives the killed app').toBe(true)

    srv = await startServerProcess(project, dataDir, { TWINLIGHT_PYTHON: fakePython(dir, 'ok') })
    try {
      const jobs = (await srv.call<{ id: number; state: string }[]>('listJobs')).body
      expect(jobs.find((j) => j.id === job.id)!.state).toBe('interrupted')
      const models = (await srv.call<{ activeId: number; models: { tier?: string | null }[] }>('listModels')).body
      expect(models.activeId).toBe(before)
      expect(models.models.some((m) => m.tier === 'lora')).toBe(false)
      expect(existsSync(join(dataDir, 'jobs', `lora-${job.id}`, 'checkpoint.pt')), 'the job folder and its checkpoint are kept').toBe(true)

      await srv.call('resumeJob', { id: job.id })
      await expect.poll(async () => (await srv.call<{ state: string }>('getJob', { id: job.id })).body.state, { timeout: 60_000 }).toBe('done')
      expect(alive(orphan), 'resume killed the orphan worker').toBe(false)
      const after = (await srv.call<{ activeId: number; models: { id: number; tier?: string | null }[] }>('listModels')).body
      const lora = after.models.find((m) => m.tier === 'lora')
      expect(lora).toBeDefined()
      expect(after.activeId).toBe(lora!.id)
      const report = (await srv.call<{ steps: number; lossCurve: { step: number }[] }>('getTrainingReport', { modelVersionId: lora!.id })).body
      expect(report.steps).toBe(30)
      // The worker went on from its checkpoint at step 10: its curve starts after it.
      expect(report.lossCurve[0]!.step).toBe(20)
    } finally {
      await kill9(srv)
      if (alive(orphan)) process.kill(orphan, 'SIGKILL')
    }
  }, 180_000)
})
