import { describe, expect, it } from 'vitest'
import { createDispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { registerTrainingJob } from '../../src/main/core/training/registerTraining'
import type { TrainingReport, TrainJobResult } from '@shared/contract/methods/training'
import type { JobInfo } from '@shared/contract/types'
import { useTmp } from '../helpers/tmp'
import { syntheticProject } from './synthetic'
import { fitGate, gateAllows, GATE_MIN_RADIUS, imageDescriptor, loadGate } from '../../src/main/core/models/versions/adapterGate'
import { evaluateVariants } from '../../src/main/core/training/evaluate'
import { decodeAdapter } from '@shared/adapter'
import type { Workstation } from '../../src/main/core/workstation'
import type { OutputsSource } from '../../src/main/core/training/outputs'

const sources = new WeakMap<Workstation, OutputsSource>()
async function syntheticSourceOf(ws: Workstation): Promise<OutputsSource> {
  return sources.get(ws)!
}

const tmp = useTmp()

async function setup() {
  const p = await syntheticProject(tmp())
  registerTrainingJob(p.ws, () => p.source)
  sources.set(p.ws, p.source)
  const api = createDispatcher(allHandlers(p.ws), () => {})
  const details: Record<string, unknown>[] = []
  p.ws.hub.subscribe((e, payload) => {
    const d = (payload as { detail?: Record<string, unknown> }).detail
    if (e === 'job.progress' && d) details.push(d)
  })
  const call = async <T>(m: string, args: unknown = {}): Promise<T> => {
    const r = await api.call(m, args)
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code })
    return r.result as T
  }
  return { ...p, api, call, details }
}

describe('train job (synthetic outputs)', () => {
  it('refuses with a clear message when no image is accepted, and changes nothing', async () => {
    const { ws, call, addImages } = await setup()
    addImages(5, { shifted: true, accept: false })
    const before = ws.project.models.list()
    await expect(call('startTraining')).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/No accepted images/) })
    expect(ws.project.models.list()).toEqual(before)
    expect(ws.project.jobs.list().filter((j) => j.kind === 'train')).toHaveLength(0)
  })

  it('fine-tunes from accepted masks, beats the parent on held-out images, stores and activates the version', async () => {
    const { ws, call, addImages, details, baseId } = await setup()
    addImages(24, { shifted: true })
    const heldOut = addImages(8, { shifted: true, split: 'test' })
    const job = await call<JobInfo>('startTraining', { seed: 3, steps: 200 })
    const done = await ws.jobs.wait(job.id)
    expect(done.state, done.error ?? '').toBe('done')
    const result = done.result as TrainJobResult
    const report = await call<TrainingReport>('getTrainingReport', { modelVersionId: result.modelVersionId })
    console.log(`synthetic: parent mIoU ${report.parentMIoU!.toFixed(3)} → ${report.candidateMIoU!.toFixed(3)}; ${report.mode}; ${report.timings.totalMs} ms`)
    expect(report).toMatchObject({ parentId: baseId, baseId, trainImages: 24, heldOutImages: heldOut.length, heldOutRule: 'split', rank: 4, steps: 200, activated: true, mode: 'worker' })
    expect(report.candidateMIoU! - report.parentMIoU!).toBeGreaterThan(0.3)
    // The ignore class (void) is neither trained nor scored.
    expect(report.classes.map((c) => c.name)).toEqual(['unlabeled', 'car', 'person', 'bike'])
    expect(report.lossCurve.length).toBeGreaterThan(50)
    expect(report.lossCurve.at(-1)!.loss).toBeLessThan(report.lossCurve[0]!.loss * 0.5)
    expect(ws.project.models.active()!.id).toBe(result.modelVersionId)
    expect(ws.project.models.get(result.modelVersionId)).toMatchObject({ kind: 'adapter', parentId: baseId, metrics: { mIoU: report.candidateMIoU } })
    // Live loss reached the progress events.
    const live = details.filter((d) => d.phase === 'train' && typeof d.loss === 'number')
    expect(live.length).toBeGreaterThan(0)

    // Rollback: activating the base again (the models API) switches back; the adapter stays listed.
    const list = await call<{ activeId: number; models: { id: number }[] }>('activateModel', { id: baseId })
    expect(list.activeId).toBe(baseId)
    expect(list.models.map((m) => m.id)).toContain(result.modelVersionId)
  })

  it('continues from the active adapter: the next run scores its parent as the previous candidate', async () => {
    const { ws, call, addImages } = await setup()
    addImages(12, { shifted: true })
    addImages(6, { shifted: true, split: 'val' })
    const first = (await ws.jobs.wait((await call<JobInfo>('startTraining', { steps: 150 })).id)).result as TrainJobResult
    addImages(12, { shifted: true })
    const job2 = await call<JobInfo>('startTraining', { steps: 150 })
    const second = await ws.jobs.wait(job2.id)
    expect(second.state).toBe('done')
    const r1 = await call<TrainingReport>('getTrainingReport', { modelVersionId: first.modelVersionId })
    const r2 = await call<TrainingReport>('getTrainingReport', { modelVersionId: (second.result as TrainJobResult).modelVersionId })
    expect(r2.parentId).toBe(first.modelVersionId)
    expect(r2.trainImages).toBe(24)
    expect(r2.parentMIoU).toBeCloseTo(r1.candidateMIoU!, 10)
    // Starting from a trained adapter, the first loss point is already far below the first run's.
    expect(r2.lossCurve[0]!.loss).toBeLessThan(r1.lossCurve[0]!.loss * 0.5)
  })

  it('activate: never keeps the parent active; if-better stores but does not activate a worse candidate', async () => {
    const { ws, call, addImages, baseId } = await setup()
    addImages(10, { shifted: true })
    addImages(4, { shifted: false, split: 'test' })
    const r = (await ws.jobs.wait((await call<JobInfo>('startTraining', { steps: 100, activate: 'never' })).id)).result as TrainJobResult
    expect(r.activated).toBe(false)
    expect(ws.project.models.active()!.id).toBe(baseId)
    expect(r.decision).toMatch(/never/)
    // Wrong "corrections" teach the adapter to swap classes: worse on correct held-out masks, so
    // if-better stores the version but leaves the parent active.
    addImages(10, { shifted: false, corrupt: true })
    const r2 = (await ws.jobs.wait((await call<JobInfo>('startTraining', { steps: 150 })).id)).result as TrainJobResult
    expect(r2.candidateMIoU!).toBeLessThan(r2.parentMIoU!)
    expect(r2.activated).toBe(false)
    expect(r2.decision).toMatch(/Not activated/)
    expect(ws.project.models.active()!.id).toBe(baseId)
    expect(ws.project.models.get(r2.modelVersionId).kind).toBe('adapter')
  })

  it('cancel stops within a second and leaves versions and the active model unchanged', async () => {
    const { ws, call, addImages, details } = await setup()
    addImages(10, { shifted: true })
    const before = ws.project.models.list()
    const active = ws.project.models.active()
    const job = await call<JobInfo>('startTraining', { steps: 100000 })
    while (!details.some((d) => d.phase === 'train' && Number(d.step) > 0)) await new Promise((r) => setTimeout(r, 10))
    const t0 = Date.now()
    await call('cancelJob', { id: job.id })
    const end = await ws.jobs.wait(job.id)
    const ms = Date.now() - t0
    console.log(`cancel took ${ms} ms`)
    expect(end.state).toBe('cancelled')
    expect(ms).toBeLessThan(1000)
    expect(ws.project.models.list()).toEqual(before)
    expect(ws.project.models.active()).toEqual(active)
    expect(ws.project.trainingRecords.report(before.length + 1)).toBeNull()
  })
})

describe('domain gate', () => {
  it('applies the adapter to images like its training images and leaves others at the parent', async () => {
    const { ws, call, addImages } = await setup()
    addImages(16, { shifted: true })
    addImages(6, { shifted: true, split: 'test' })
    const plain = addImages(6, { shifted: false, accept: false })
    const r = (await ws.jobs.wait((await call<JobInfo>('startTraining', { steps: 150 })).id)).result as TrainJobResult
    const report = await call<TrainingReport>('getTrainingReport', { modelVersionId: r.modelVersionId })
    expect(report.gate).toMatchObject({ heldOutApplied: 6 })
    expect(report.gate!.radius).toBeGreaterThanOrEqual(report.gate!.trainMax)
    const store = ws.project
    const gate = loadGate(store, r.modelVersionId)!
    const weights = decodeAdapter(store.models.adapter(r.modelVersionId)!)
    const [base, gated, ungated] = await evaluateVariants(store, (await syntheticSourceOf(ws)), plain, [null, { weights, gate }, { weights, gate: null }])
    expect(gated!.applied).toBe(0)
    expect(ungated!.applied).toBe(plain.length)
    expect(Array.from(gated!.conf.m)).toEqual(Array.from(base!.conf.m))
  })

  it('fits a radius around the training descriptors and refuses far ones', () => {
    const around = (x: number) => Float64Array.from([x, 1 - x, 0.5])
    const g = fitGate([around(0.1), around(0.2), around(0.15), around(0.12)])!
    expect(g.trainMax).toBeGreaterThan(0)
    expect(g.radius).toBe(Math.max(GATE_MIN_RADIUS, g.trainMax * 1.5))
    const one = (v: Float64Array) => Float32Array.from(v) // hw = 1: the descriptor is the feature vector
    expect(gateAllows(g, one(around(0.14)), 3, 1, 1)).toBe(true)
    expect(gateAllows(g, one(around(0.9)), 3, 1, 1)).toBe(false)
    expect(gateAllows(null, one(around(0.9)), 3, 1, 1)).toBe(true)
  })

  it('a pad-policy frame: the descriptor averages only the grid cells that hold image', () => {
    // 1 channel, 4x8 grid; the image fills the left half of a 64x32 input frame (a 32x32 image)
    const h = 4, w = 8
    const f = new Float32Array(h * w)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) f[y * w + x] = x < 4 ? 2 : 0 // padding reads 0
    const frame = { imageW: 32, imageH: 32, inW: 64, inH: 32, scaledW: 32, scaledH: 32 }
    expect(Array.from(imageDescriptor(f, 1, h, w, frame))).toEqual([2])
    expect(Array.from(imageDescriptor(f, 1, h, w))).toEqual([1]) // no frame: the whole grid
    // an image that half fills its frame is judged like the same image filling it
    const g = fitGate([Float64Array.of(2), Float64Array.of(2.1), Float64Array.of(1.9)])!
    expect(gateAllows(g, f, 1, h, w, frame)).toBe(true)
    expect(gateAllows(g, f, 1, h, w)).toBe(false)
  })
})
