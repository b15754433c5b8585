import { describe, expect, it } from 'vitest'
import { createDispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { registerTrainingJob } from '../../src/main/core/training/registerTraining'
import { runHeadTraining } from '../../src/main/core/training/head/headJob'
import { decodeHead } from '../../src/main/core/models/versions/head'
import type { TrainingReport, TrainJobResult } from '@shared/contract/methods/training'
import type { JobInfo } from '@shared/contract/types'
import { useTmp } from '../helpers/tmp'
import { IMAGE, syntheticProject } from './synthetic'

const tmp = useTmp()

async function setup() {
  const p = await syntheticProject(tmp())
  registerTrainingJob(p.ws, () => p.source)
  const api = createDispatcher(allHandlers(p.ws), () => {})
  const call = async <T>(m: string, args: unknown = {}): Promise<T> => {
    const r = await api.call(m, args)
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code })
    return r.result as T
  }
  const train = async (params: Record<string, unknown>) => {
    const job = await call<JobInfo>('startTraining', params)
    const done = await p.ws.jobs.wait(job.id)
    expect(done.state, done.error ?? '').toBe('done')
    const result = done.result as TrainJobResult
    return { result, report: await call<TrainingReport>('getTrainingReport', { modelVersionId: result.modelVersionId }) }
  }
  return { ...p, call, train }
}

/** The accepted masks call every bike pixel a class the model does not have. */
function relabelBikes(ws: Awaited<ReturnType<typeof setup>>['ws'], ids: number[], to: number): void {
  const store = ws.project
  for (const id of ids) {
    const cur = store.annotations.current(id)!
    store.annotations.replace(id, IMAGE.width, IMAGE.height, cur.labels.map((v) => (v === 3 ? to : v)), 'human', null)
    store.annotations.accept(id)
  }
}

describe('head tier (synthetic outputs)', () => {
  it('learns a class the model does not have, stores a head-tier version with its classes, and activates it', async () => {
    const { ws, train, addImages, baseId } = await setup()
    ws.project.classEdits.add({ name: 'scooter', color: [9, 9, 9], ignore: false, index: 5 })
    relabelBikes(ws, addImages(20, { shifted: false }), 5)
    relabelBikes(ws, addImages(8, { shifted: false, split: 'test' }), 5)
    const { result, report } = await train({ tier: 'head', seed: 2, steps: 150 })
    const scooter = report.classes.find((c) => c.name === 'scooter')!
    console.log(`head synthetic: mIoU ${report.parentMIoU!.toFixed(3)} → ${report.candidateMIoU!.toFixed(3)}, scooter ${scooter.parent} → ${scooter.candidate!.toFixed(3)}, ${report.mode}, ${report.timings.totalMs} ms`)
    expect(report.tier).toBe('head')
    expect(report.mode).toBe('worker')
    // A new class has no base to fall back to: no domain gate.
    expect(report.gate).toBeNull()
    expect(scooter.parent ?? 0).toBe(0)
    expect(scooter.candidate!).toBeGreaterThan(0.6)
    expect(report.candidateMIoU!).toBeGreaterThan(report.parentMIoU!)
    expect(result.activated).toBe(true)
    const v = ws.project.models.get(result.modelVersionId)
    expect(v).toMatchObject({ tier: 'head', parentId: baseId, kind: 'adapter' })
    expect(ws.project.models.active()!.id).toBe(v.id)
    const head = decodeHead(ws.project.models.head(v.id)!)
    expect(Array.from(head.classes)).toEqual([0, 1, 2, 3, 5])
    // bike (3) starts from the model's bike logit, scooter (5) from nothing.
    expect(Array.from(head.warm)).toEqual([0, 1, 2, 3, -1])
  })

  it('continues from the parent head on the next round (incremental), and the adapter tier refuses a head parent', async () => {
    const { train, call, addImages } = await setup()
    addImages(6, { shifted: true, split: 'test' })
    addImages(10, { shifted: true })
    const r1 = await train({ tier: 'head', seed: 1, steps: 100 })
    addImages(10, { shifted: true })
    const r2 = await train({ tier: 'head', seed: 1, steps: 100 })
    console.log(`head rounds: ${r1.report.parentMIoU!.toFixed(3)} → ${r1.report.candidateMIoU!.toFixed(3)} → ${r2.report.candidateMIoU!.toFixed(3)}`)
    expect(r2.result.parentId).toBe(r1.result.modelVersionId)
    // Every class has a base class: gated by default, and the held-out images (same domain) pass.
    expect(r1.report.gate).toMatchObject({ heldOutApplied: 6 })
    expect(r2.report.parentMIoU).toBeCloseTo(r1.report.candidateMIoU!, 10)
    expect(r2.report.trainImages).toBe(20)
    await expect(call('startTraining', { tier: 'adapter' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/head-tier version.*--tier head/) })
  })

  it('a worker killed mid-run leaves the versions and the active model unchanged and the job interrupted', async () => {
    const { ws, source, addImages } = await setup()
    addImages(4, { shifted: true, split: 'test' })
    addImages(10, { shifted: true })
    const store = ws.project
    const before = { versions: store.models.list(), active: store.models.active() }
    ws.jobs.register('train', (ctx) => runHeadTraining(ws, ctx as never, () => source, { onWorker: (kill) => setTimeout(() => void kill(), 300) }))
    const job = ws.jobs.start('train', { tier: 'head', steps: 100000 })
    const done = await ws.jobs.wait(job.id)
    expect(done.state).toBe('interrupted')
    expect(done.error).toMatch(/worker exited with code \d+ before finishing; nothing was stored/)
    expect(store.models.list()).toEqual(before.versions)
    expect(store.models.active()).toEqual(before.active)
  })
})
