/**
 * The LoRA tier, app side (issue 19 item 2), driven through the real job with a FAKE Python worker
 * (test/training/loraFake.ts): availability and refusals, a worker killed mid-run (interrupted,
 * nothing registered, job folder kept and reused on resume), an error line, a package failing its
 * parity check, and a successful run that registers a tier-'lora' version whose package pre-fill
 * uses and whose folder goes when the version is removed.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createDispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { resolveVersion } from '../../src/main/core/models/versions/modelVersions'
import { removeModelVersion } from '../../src/main/core/models/versions/packageRegistry'
import { baseOf } from '../../src/main/core/training/versions'
import { loraStatusLine } from '../../src/main/core/training/lora/pythonProbe'
import { reportText } from '../../src/main/core/training/reportTable'
import type { LoraStatus, TrainingReport, TrainJobResult } from '@shared/contract/methods/training'
import type { JobInfo } from '@shared/contract/types'
import type { Workstation } from '../../src/main/core/workstation'
import { disposeTestWorkstations } from '../helpers/workstation'
import { useTmp } from '../helpers/tmp'
import { fakePython, loraProject, loraSourcePackage, type FakeMode } from './loraFake'

const tmp = useTmp()
const savedEnv = { worker: process.env.TWINLIGHT_LORA_WORKER, python: process.env.TWINLIGHT_PYTHON }

beforeEach(() => {
  // The worker script only has to exist: the fake interpreter ignores it.
  const stub = join(tmp(), 'lora_worker.py')
  writeFileSync(stub, '# stand-in\n')
  process.env.TWINLIGHT_LORA_WORKER = stub
  delete process.env.TWINLIGHT_PYTHON
})
afterEach(() => {
  for (const [k, v] of [['TWINLIGHT_LORA_WORKER', savedEnv.worker], ['TWINLIGHT_PYTHON', savedEnv.python]] as const) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
})
afterAll(disposeTestWorkstations)

async function setup(mode: FakeMode | null) {
  const dir = tmp()
  const pkg = loraSourcePackage(dir)
  const p = await loraProject(dir, pkg)
  const api = createDispatcher(allHandlers(p.ws), () => {})
  const call = async <T>(m: string, args: unknown = {}): Promise<T> => {
    const r = await api.call(m, args)
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code })
    return r.result as T
  }
  const python = mode ? fakePython(join(dir, 'bin'), mode) : null
  if (python) await call<LoraStatus>('setPythonPath', { path: python })
  const run = async (params: Record<string, unknown> = {}): Promise<JobInfo> => {
    const job = await call<JobInfo>('startTraining', { tier: 'lora', steps: 30, ...params })
    return p.ws.jobs.wait(job.id)
  }
  return { ...p, dir, pkg, call, run, python }
}

const modelsDir = (ws: Workstation) => join(ws.opts.dataDir, 'models')
const loraFolders = (ws: Workstation) => (existsSync(modelsDir(ws)) ? readdirSync(modelsDir(ws)).filter((f) => f.startsWith('lora-')) : [])

describe('LoRA tier availability', () => {
  it('a Python that does not exist: unavailable with the reason and the install line; startTraining lora refused; the head tier still runs', async () => {
    const { ws, call } = await setup(null)
    process.env.TWINLIGHT_PYTHON = '/nonexistent/python3'
    const st = await call<LoraStatus>('getLoraStatus')
    expect(st.available).toBe(false)
    expect(st.source).toBe('env')
    expect(st.reason).toContain('/nonexistent/python3')
    expect(st.install).toMatch(/python3-torch|pip install torch/)
    expect(loraStatusLine(st)).toMatch(/^LoRA tier: unavailable — Python not found at \/nonexistent\/python3.*Install: /)
    await expect(call('startTraining', { tier: 'lora' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('/nonexistent/python3') })
    expect(ws.project.jobs.list()).toHaveLength(0)
    await expect(call('setPythonPath', { path: '/nonexistent/python3' })).rejects.toMatchObject({ code: 'bad_input', message: expect.stringContaining('/nonexistent/python3') })
    await expect(call('setPythonPath', { path: 'python3' })).rejects.toMatchObject({ code: 'bad_input' })
    const head = await call<JobInfo>('startTraining', { tier: 'head', steps: 20, activate: 'never' })
    expect((await ws.jobs.wait(head.id)).state).toBe('done')
  })

  it('torch missing: the probe\'s sentence; a fake with torch: available, and the setting persists', async () => {
    const { ws, call, dir } = await setup('probe-missing-torch')
    const st = await call<LoraStatus>('getLoraStatus')
    expect(st).toMatchObject({ available: false, source: 'settings' })
    expect(st.reason).toContain("No module named 'torch'")
    const ok = fakePython(join(dir, 'bin2'), 'ok')
    const st2 = await call<LoraStatus>('setPythonPath', { path: ok })
    expect(st2).toMatchObject({ available: true, python: ok, source: 'settings', torch: '1.13.0a0', device: 'cpu' })
    expect(loraStatusLine(st2)).toBe(`LoRA tier: available (python ${ok}, torch 1.13.0a0, cpu)`)
    expect(JSON.parse(readFileSync(join(ws.opts.dataDir, 'settings.json'), 'utf8')).pythonPath).toBe(ok)
    expect((await call<LoraStatus>('setPythonPath', { path: null })).source).not.toBe('settings')
  })

  it('a package without PyTorch weights is refused before a job is queued', async () => {
    const { ws, call, pkg } = await setup('ok')
    const mf = join(pkg, 'manifest.json')
    const m = JSON.parse(readFileSync(mf, 'utf8'))
    delete m.provenance.pytorch
    writeFileSync(mf, JSON.stringify(m))
    await expect(call('startTraining', { tier: 'lora' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('no PyTorch weights') })
    expect(ws.project.jobs.list()).toHaveLength(0)
  })
})

describe('LoRA tier job (fake worker)', () => {
  it('a worker killed mid-run: interrupted, nothing registered, active unchanged; resume reuses the job folder and finishes', async () => {
    const { ws, run, call, baseId } = await setup('kill-once')
    const before = ws.project.models.list().length
    const job = await run()
    expect(job.state, job.error ?? '').toBe('interrupted')
    expect(job.error).toMatch(/killed \(SIGKILL\)|exited/)
    expect(job.error).toContain('about to die')
    expect(ws.project.models.list()).toHaveLength(before)
    expect(ws.project.models.active()!.id).toBe(baseId)
    const jobDir = join(ws.opts.dataDir, 'jobs', `lora-${job.id}`)
    expect(existsSync(join(jobDir, 'checkpoint.pt'))).toBe(true)
    const cp = ws.project.jobs.checkpoint(job.id) as { dir: string; out: string }
    expect(cp.dir).toBe(jobDir)
    expect(existsSync(cp.out)).toBe(false)
    await call('resumeJob', { id: job.id })
    const again = await ws.jobs.wait(job.id)
    expect(again.state, again.error ?? '').toBe('done')
    // The second run found the first one's folder (two runs logged) and its checkpoint.
    const r = again.result as TrainJobResult
    const report = await call<TrainingReport>('getTrainingReport', { modelVersionId: r.modelVersionId })
    expect(report.tier).toBe('lora')
    expect(report.lossCurve.map((p) => p.step)).toEqual([20, 30])
    expect(existsSync(jobDir)).toBe(false)
    expect(ws.project.models.get(r.modelVersionId).packagePath).toBe(cp.out)
  })

  it('cancel: SIGTERM to the worker, the job ends cancelled once it has gone, its folder removed, nothing registered', async () => {
    const { ws, call } = await setup('slow')
    const before = ws.project.models.list().length
    const job = await call<JobInfo>('startTraining', { tier: 'lora', steps: 30 })
    const jobDir = join(ws.opts.dataDir, 'jobs', `lora-${job.id}`)
    for (let i = 0; i < 200 && !existsSync(join(jobDir, 'slow.pid')); i++) await new Promise((r) => setTimeout(r, 25))
    const pid = Number(readFileSync(join(jobDir, 'slow.pid'), 'utf8'))
    ws.jobs.cancel(job.id)
    const end = await ws.jobs.wait(job.id)
    expect(end.state).toBe('cancelled')
    expect(() => process.kill(pid, 0)).toThrow()
    expect(existsSync(jobDir)).toBe(false)
    expect(ws.project.models.list()).toHaveLength(before)
    expect(loraFolders(ws)).toEqual([])
  })

  it('sources: under a head version it trains from the base package (and says so); on a LoRA version from that version\'s package', async () => {
    const { ws, call, run, baseId } = await setup('ok')
    const head = await ws.jobs.wait((await call<JobInfo>('startTraining', { tier: 'head', steps: 20, activate: 'always' })).id)
    const headId = (head.result as TrainJobResult).modelVersionId
    expect(ws.project.models.active()!.id).toBe(headId)
    const messages: string[] = []
    const etas: number[] = []
    const off = ws.hub.subscribe((e, p) => {
      if (e !== 'job.progress') return
      const { message, detail } = p as { message?: string; detail?: { phase?: string; etaS?: number } }
      messages.push(String(message))
      if (detail?.phase === 'train' && typeof detail.etaS === 'number') etas.push(detail.etaS)
    })
    const a = await run({ activate: 'always' })
    off()
    expect(a.state, a.error ?? '').toBe('done')
    expect(messages.some((m) => m.includes(`the package under the active head version ${headId}`))).toBe(true)
    expect(etas).toContain(0.2) // the worker's own ETA at step 10 of 30
    const ra = await call<TrainingReport>('getTrainingReport', { modelVersionId: (a.result as TrainJobResult).modelVersionId })
    expect(ra).toMatchObject({ parentId: headId, baseId })
    const b = await run({ activate: 'never' })
    expect(b.state, b.error ?? '').toBe('done')
    const rb = await call<TrainingReport>('getTrainingReport', { modelVersionId: (b.result as TrainJobResult).modelVersionId })
    expect(rb).toMatchObject({ parentId: ra.modelVersionId, baseId: ra.modelVersionId })
  })

  it('an error line: the job fails with its sentence and the last stderr lines; nothing registered', async () => {
    const { ws, run } = await setup('error')
    const before = ws.project.models.list().length
    const job = await run()
    expect(job.state).toBe('failed')
    expect(job.error).toContain('CUDA out of memory (fake)')
    expect(job.error).toContain('Traceback: boom')
    expect(ws.project.models.list()).toHaveLength(before)
    expect(loraFolders(ws)).toEqual([])
  })

  it('a package that fails its parity check is refused and its folder removed', async () => {
    const { ws, run } = await setup('bad-parity')
    const before = ws.project.models.list().length
    const job = await run()
    expect(job.state).toBe('failed')
    expect(job.error).toMatch(/parity check failed/)
    expect(ws.project.models.list()).toHaveLength(before)
    expect(loraFolders(ws)).toEqual([])
  })

  it('a successful run registers a tier-lora version (parent, class mapping, report); pre-fill uses its package; removing it deletes its folder', async () => {
    const { ws, run, call, baseId, ids } = await setup('ok')
    const t0 = Date.now()
    const job = await run({ activate: 'always' })
    expect(job.state, job.error ?? '').toBe('done')
    const r = job.result as TrainJobResult
    const v = ws.project.models.get(r.modelVersionId)
    expect(v).toMatchObject({ kind: 'adapter', tier: 'lora', parentId: baseId })
    expect(v.packagePath).toMatch(/[/\\]models[/\\]lora-demo-v\d+-[0-9a-f]{8}$/)
    expect(existsSync(join(v.packagePath, 'manifest.json'))).toBe(true)
    expect(ws.project.models.adapter(v.id)).toBeNull()
    expect(ws.project.models.head(v.id)).toBeNull()
    const report = await call<TrainingReport>('getTrainingReport', { modelVersionId: v.id })
    expect(report).toMatchObject({ tier: 'lora', rank: 4, steps: 30, parentId: baseId, baseId, activated: true, mode: 'worker' })
    expect(report.lossCurve).toHaveLength(3)
    expect(reportText(report)).toMatch(/LoRA tier \(rank 4 in the backbone.*30 steps[\s\S]*in the Python worker[\s\S]*No domain gate: the new package/)
    // The fake copies the backbone: the candidate predicts exactly what the base does.
    expect(report.candidateMIoU).toBeCloseTo(report.parentMIoU!, 6)
    console.log(`lora fake run: ${Date.now() - t0} ms (load ${report.timings.loadMs}, worker ${report.timings.trainMs}, eval ${report.timings.evalMs})`)
    const resolved = await resolveVersion(ws.project, v.id)
    expect(resolved).toMatchObject({ packageDir: v.packagePath, adapter: null, head: null })
    const m = JSON.parse(readFileSync(join(v.packagePath, 'manifest.json'), 'utf8'))
    expect(ws.project.classMaps.get(m.id)).toEqual(ws.project.classes().filter((c) => !c.ignore).map((c) => c.index))
    expect(baseOf(ws.project, v).id).toBe(v.id)
    const pre = await call<JobInfo>('startPrefill', { imageIds: [ids[0]!] })
    const pf = await ws.jobs.wait(pre.id)
    expect(pf.state, pf.error ?? '').toBe('done')
    // A head run on top trains on the LoRA package's outputs (its base is the LoRA version).
    const head = await call<JobInfo>('startTraining', { tier: 'head', steps: 20, activate: 'never' })
    const hd = await ws.jobs.wait(head.id)
    expect(hd.state, hd.error ?? '').toBe('done')
    expect((await call<TrainingReport>('getTrainingReport', { modelVersionId: (hd.result as TrainJobResult).modelVersionId })).baseId).toBe(v.id)
    expect(existsSync(join(ws.opts.dataDir, 'jobs', `lora-${job.id}`))).toBe(false)
    // Removal: a fresh run kept inactive and unused, so nothing refers to it.
    ws.project.models.activate(baseId)
    const job2 = await run({ activate: 'never' })
    const v2 = ws.project.models.get((job2.result as TrainJobResult).modelVersionId)
    expect(existsSync(v2.packagePath)).toBe(true)
    const id2 = JSON.parse(readFileSync(join(v2.packagePath, 'manifest.json'), 'utf8')).id
    expect(ws.project.classMaps.get(id2)).not.toBeNull()
    removeModelVersion(ws.project, ws.opts.dataDir, v2.id)
    expect(existsSync(v2.packagePath)).toBe(false)
    expect(ws.project.classMaps.get(id2)).toBeNull()
    expect(existsSync(v.packagePath)).toBe(true)
  })
})
