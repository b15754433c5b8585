/**
 * bench/training (issue 19): the head tier (default) or the LoRA tier (`--tier lora`, the Python
 * worker) on three scenarios, written to bench/results/finetune.json (LoRA results under
 * harshLora / newClassesLora / incrementalLora) —
 *   harsh        street scenes, thermal gain 0.6 / offset 0.25 / gradient 0.3; 50 accepted shifted
 *                images; scored on 100 held-out shifted and 100 unshifted images;
 *   newClasses   PST900-like indoor scenes (`twinlight demo --family pst900`) in a project with
 *                PST900's classes, which the model never saw; 50 accepted, 100 held out;
 *   incremental  the harsh shift, 3 rounds of 20 more accepted images, each round from its parent.
 *   harshNoGate  the harsh scenario with the head's domain gate off (measures what the gate does);
 *   harshAdapter the harsh scenario with the adapter tier (the comparison).
 *   nice -n 10 npx tsx bench/training/head.ts [--tier head|lora] [--only harsh,harshNoGate,harshAdapter,newClasses,incremental] [--steps N]
 */
import { cpus, loadavg, tmpdir } from 'node:os'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createWorkstation } from '../../src/main/core/app'
import type { Workstation } from '../../src/main/core/workstation'
import { classPreset } from '../../src/main/core/classPresets'
import { embeddedPackageDir, ensureBaseModel } from '../../src/main/core/models/versions/modelVersions'
import { computeOutputs, packageOutputs } from '../../src/main/core/models/features/features'
import { decodeHead, warmStartOf } from '../../src/main/core/models/versions/head'
import { evaluateHeads } from '../../src/main/core/training/head/headJob'
import { loadGate } from '../../src/main/core/models/versions/adapterGate'
import { accumulate, argmaxAtImageSize, evaluateVariants, iouTable, newConfusion } from '../../src/main/core/training/evaluate'
import { loadModelPackage } from '../../src/main/core/models/package/packageLoader'
import { frameFor } from '../../src/main/core/models/pixels/geometry'
import { classMapping } from '../../src/main/core/prefill/classMap'
import { frameOf } from '../../src/main/core/training/outputs'
import { decodeAdapter } from '@shared/adapter'
import { modelOutputs } from '../../src/main/core/training/modelOutputs'
import { getReport } from '../../src/main/core/training/versions'
import { writePst900Dataset } from '../../src/main/core/datasets/synthetic/writePst900'
import { dataset } from './scenario'
import { rawDb } from '../../src/main/core/store/rawDb'
import type { TrainingReport, TrainJobResult } from '@shared/contract/methods/training'
import type { JobInfo } from '@shared/contract/types'

const { values } = parseArgs({ options: { only: { type: 'string' }, steps: { type: 'string' }, tier: { type: 'string', default: 'head' }, out: { type: 'string', default: 'bench/results/finetune.json' }, cache: { type: 'string', default: join(tmpdir(), 'twinlight-training-scenario') } } })
const tier = values.tier === 'lora' ? 'lora' : 'head'
const key = (name: string) => (tier === 'lora' ? `${name}Lora` : name)
const only = new Set((values.only ?? 'harsh,harshNoGate,harshAdapter,newClasses,incremental').split(','))
const modelDir = resolve(embeddedPackageDir())
const HARSH = { gain: 0.6, offset: 0.25, gradient: 0.3 }
const secs = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(2))
const log = (s: string) => console.log(s)

async function runJob(ws: Workstation, kind: JobInfo['kind'], params: unknown): Promise<JobInfo> {
  const job = await ws.jobs.wait(ws.jobs.start(kind, params).id)
  if (job.state !== 'done') throw new Error(`${kind} job ${job.state}: ${job.error ?? job.message}`)
  return job
}

function perClass(r: TrainingReport) {
  return Object.fromEntries(r.classes.map((c) => [c.name, { base: c.parent, tuned: c.candidate }]))
}

async function train(ws: Workstation, extra: Record<string, unknown> = {}) {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const job = await runJob(ws, 'train', { tier, activate: 'if-better', ...(values.steps ? { steps: Number(values.steps) } : {}), ...extra })
  const wall = secs(t0)
  const cpu = process.cpuUsage(c0)
  // CPU seconds of the whole process (main thread + training worker): what the run costs on an idle machine.
  const cpuSeconds = Number(((cpu.user + cpu.system) / 1e6).toFixed(2))
  const r = job.result as TrainJobResult
  const report = getReport(ws.project, r.modelVersionId)
  log(`  ${String(extra.tier ?? tier)}: held-out mIoU ${report.parentMIoU?.toFixed(3)} → ${report.candidateMIoU?.toFixed(3)} in ${wall} s wall, ${cpuSeconds} s CPU (features ${report.timings.loadMs} ms, train ${report.timings.trainMs} ms, eval ${report.timings.evalMs} ms) ${report.decision}`)
  return { r, report, wall, cpuSeconds }
}

/** A project of shifted street images (train-shifted / test-shifted) and unshifted ones (in review). */
async function streetProject(ws: Workstation, dir: string, trainN: number) {
  const shiftedDir = await dataset(values.cache!, `shifted-g${HARSH.gain}-o${HARSH.offset}-x${HARSH.gradient}-s21-n${trainN + 100}-640x480`, { count: trainN + 100, seed: 21, width: 640, height: 480, thermalGain: HARSH.gain, thermalOffset: HARSH.offset, thermalGradient: HARSH.gradient })
  const plainDir = await dataset(values.cache!, 'plain-s22-n100-640x480', { count: 100, seed: 22, width: 640, height: 480 })
  await ws.createProject(dir, 'head bench', classPreset('mfnet'))
  const store = ws.project
  await runJob(ws, 'import', { dir: shiftedDir })
  const shifted = store.images.ids({}, 'name')
  const setSplit = rawDb(store).prepare('UPDATE images SET split = ? WHERE id = ?')
  const trainIds = shifted.slice(0, trainN)
  store.transaction(() => {
    for (const id of trainIds) {
      setSplit.run('train-shifted', id)
      store.images.setStatus(id, 'in_review')
    }
    for (const id of shifted.slice(trainN)) setSplit.run('test-shifted', id)
  })
  await runJob(ws, 'import', { dir: plainDir })
  const known = new Set(shifted)
  const plain = store.images.ids({}, 'name').filter((id) => !known.has(id))
  store.transaction(() => {
    for (const id of plain) {
      setSplit.run('test-unshifted', id)
      store.images.setStatus(id, 'in_review')
    }
  })
  const baseId = await ensureBaseModel(store, modelDir)
  return { trainIds, plain, baseId }
}

function accept(ws: Workstation, ids: number[], baseId: number): void {
  const store = ws.project
  for (const id of ids) {
    const cur = store.annotations.current(id)!
    store.annotations.replace(id, cur.width, cur.height, cur.labels, 'human', baseId)
    store.annotations.accept(id)
  }
}

async function warmCache(ws: Workstation, ids: number[], baseId: number): Promise<number> {
  const t0 = performance.now()
  for (const id of ids) await computeOutputs(ws, id, baseId)
  return secs(t0)
}

async function harsh(work: string, gateParam?: boolean) {
  mkdirSync(work, { recursive: true })
  log(`harsh shift (0.6 / 0.25 / 0.3), 50 accepted images${gateParam === false ? ', domain gate off' : ''}`)
  const ws = createWorkstation({ dataDir: join(values.cache!, 'app-data'), transport: 'http' })
  try {
    // The incremental scenario's dataset (60 training images): the first 50 are accepted here.
    const { trainIds, plain, baseId } = await streetProject(ws, join(work, 'harsh'), 60)
    const store = ws.project
    const featureSeconds = await warmCache(ws, store.images.ids({}, 'name'), baseId)
    accept(ws, trainIds.slice(0, 50), baseId)
    const { r, report, wall, cpuSeconds } = await train(ws, gateParam === undefined ? {} : { gate: gateParam })
    if (tier === 'lora') {
      const [pu, cu] = await scoreLora(ws, plain, baseId, r.modelVersionId)
      log(`  unshifted: ${pu.mIoU?.toFixed(3)} → ${cu.mIoU?.toFixed(3)}`)
      const names = new Map(store.classes().map((c) => [c.index, c.name]))
      const unshiftedPerClass = Object.fromEntries([...names].filter(([k]) => cu.perClass[k] !== undefined).map(([k, n]) => [n, { base: pu.perClass[k] ?? null, tuned: cu.perClass[k] ?? null }]))
      return {
        tier, shift: HARSH, imagesUsed: { accepted: report.trainImages, heldOutShifted: report.heldOutImages, unshifted: plain.length }, wallSeconds: wall, cpuSeconds, featureCacheFillSeconds: featureSeconds,
        phasesSeconds: { prepare: report.timings.loadMs / 1000, worker: report.timings.trainMs / 1000, evaluate: report.timings.evalMs / 1000 }, steps: report.steps, batch: report.batch, mode: report.mode,
        shifted: { base: report.parentMIoU, tuned: report.candidateMIoU, perClass: perClass(report) },
        unshifted: { base: pu.mIoU, tuned: cu.mIoU, perClass: unshiftedPerClass },
        goals: { shiftedGain: '≥ +0.25', unshiftedDrop: '≤ 0.02', gate: 'none' },
        pass: { shiftedGain: (report.candidateMIoU ?? 0) - (report.parentMIoU ?? 0) >= 0.25, unshiftedDrop: (pu.mIoU ?? 0) - (cu.mIoU ?? 0) <= 0.02, wall: wall <= 300 },
        activated: report.activated
      }
    }
    const cand = decodeHead(store.models.head(r.modelVersionId)!)
    const gate = loadGate(store, r.modelVersionId)
    const [pc, cc, unshiftedApplied] = await evaluateHeads(store, modelOutputs(ws, store.models.get(baseId), { classes: 'project' }), plain, { head: warmStartOf(cand) }, cand, { gate })
    const pu = iouTable(pc)
    const cu = iouTable(cc)
    log(`  unshifted: ${pu.mIoU?.toFixed(3)} → ${cu.mIoU?.toFixed(3)}`)
    const names = new Map(store.classes().map((c) => [c.index, c.name]))
    const unshiftedPerClass = Object.fromEntries([...cand.classes].map((k) => [names.get(k), { base: pu.perClass[k] ?? null, tuned: cu.perClass[k] ?? null }]))
    return {
      tier: 'head', shift: HARSH, imagesUsed: { accepted: report.trainImages, heldOutShifted: report.heldOutImages, unshifted: plain.length }, wallSeconds: wall, cpuSeconds, featureCacheFillSeconds: featureSeconds,
      phasesSeconds: { features: report.timings.loadMs / 1000, train: report.timings.trainMs / 1000, evaluate: report.timings.evalMs / 1000 }, steps: report.steps, mode: report.mode,
      shifted: { base: report.parentMIoU, tuned: report.candidateMIoU, perClass: perClass(report) },
      unshifted: { base: pu.mIoU, tuned: cu.mIoU, perClass: unshiftedPerClass },
      gate: gate ? { radius: gate.radius, shiftedHeldOutApplied: report.gate?.heldOutApplied, unshiftedApplied } : null,
      activated: report.activated
    }
  } finally {
    await ws.dispose()
  }
}

/** The adapter tier on the same harsh-shift data, for the comparison the issue asks for. */
async function harshAdapter(work: string) {
  mkdirSync(work, { recursive: true })
  log('harsh shift (0.6 / 0.25 / 0.3), 50 accepted images, adapter tier')
  const ws = createWorkstation({ dataDir: join(values.cache!, 'app-data'), transport: 'http' })
  try {
    const { trainIds, plain, baseId } = await streetProject(ws, join(work, 'harsh-adapter'), 60)
    const store = ws.project
    await warmCache(ws, store.images.ids({}, 'name'), baseId)
    accept(ws, trainIds.slice(0, 50), baseId)
    const { r, report, wall, cpuSeconds } = await train(ws, { tier: 'adapter' })
    const cand = decodeAdapter(store.models.adapter(r.modelVersionId)!)
    const gate = loadGate(store, r.modelVersionId)
    const [pc, cc] = await evaluateVariants(store, modelOutputs(ws, store.models.get(baseId)), plain, [null, { weights: cand, gate }])
    const pu = iouTable(pc!.conf)
    const cu = iouTable(cc!.conf)
    log(`  unshifted: ${pu.mIoU?.toFixed(3)} → ${cu.mIoU?.toFixed(3)}`)
    return {
      tier: 'adapter', shift: HARSH, imagesUsed: { accepted: report.trainImages, heldOutShifted: report.heldOutImages, unshifted: plain.length }, wallSeconds: wall, cpuSeconds,
      phasesSeconds: { features: report.timings.loadMs / 1000, train: report.timings.trainMs / 1000, evaluate: report.timings.evalMs / 1000 }, steps: report.steps, mode: report.mode,
      shifted: { base: report.parentMIoU, tuned: report.candidateMIoU, perClass: perClass(report) },
      unshifted: { base: pu.mIoU, tuned: cu.mIoU },
      gate: report.gate ? { ...report.gate, unshiftedApplied: cc!.applied } : null,
      activated: report.activated
    }
  } finally {
    await ws.dispose()
  }
}

async function newClasses(work: string) {
  mkdirSync(work, { recursive: true })
  log('new classes: PST900-like scenes, PST900 project, 50 accepted + 100 held out')
  const dir = join(values.cache!, 'pst900-s31-n150-640x360')
  if (!existsSync(join(dir, '.complete'))) {
    await writePst900Dataset(dir, { count: 150, seed: 31, width: 640, height: 360 })
    writeFileSync(join(dir, '.complete'), '{}')
  }
  const ws = createWorkstation({ dataDir: join(values.cache!, 'app-data'), transport: 'http' })
  try {
    await ws.createProject(join(work, 'pst'), 'pst900 head bench', classPreset('pst900'))
    const store = ws.project
    await runJob(ws, 'import', { dir })
    const ids = store.images.ids({}, 'name')
    const setSplit = rawDb(store).prepare('UPDATE images SET split = ? WHERE id = ?')
    store.transaction(() => ids.forEach((id, k) => setSplit.run(k < 50 ? 'train-pst' : 'test-pst', id)))
    const accepted = store.images.ids({ status: ['accepted'] }).length
    const baseId = await ensureBaseModel(store, modelDir)
    const featureSeconds = await warmCache(ws, ids, baseId)
    const { report, wall, cpuSeconds } = await train(ws)
    const goal = tier === 'lora' ? 0.6 : 0.45
    return {
      tier, classes: store.classes().map((c) => c.name), imagesUsed: { accepted: report.trainImages, heldOut: report.heldOutImages, acceptedInProject: accepted }, wallSeconds: wall, cpuSeconds, featureCacheFillSeconds: featureSeconds,
      phasesSeconds: { features: report.timings.loadMs / 1000, train: report.timings.trainMs / 1000, evaluate: report.timings.evalMs / 1000 }, steps: report.steps, mode: report.mode,
      heldOut: { base: report.parentMIoU, tuned: report.candidateMIoU, perClass: perClass(report) }, goal: `tuned ≥ ${goal}`, pass: (report.candidateMIoU ?? 0) >= goal, activated: report.activated
    }
  } finally {
    await ws.dispose()
  }
}

async function incremental(work: string) {
  mkdirSync(work, { recursive: true })
  log('incremental: harsh shift, 3 rounds of 20 accepted images')
  const ws = createWorkstation({ dataDir: join(values.cache!, 'app-data'), transport: 'http' })
  try {
    const { trainIds, baseId } = await streetProject(ws, join(work, 'incr'), 60)
    const store = ws.project
    await warmCache(ws, store.images.ids({}, 'name'), baseId)
    const rounds = []
    for (let k = 0; k < 3; k++) {
      accept(ws, trainIds.slice(20 * k, 20 * (k + 1)), baseId)
      const { r, report, wall, cpuSeconds } = await train(ws)
      rounds.push({ round: k + 1, versionId: r.modelVersionId, parentId: r.parentId, accepted: report.trainImages, heldOut: report.heldOutImages, parentMIoU: report.parentMIoU, tunedMIoU: report.candidateMIoU, atLeastParent: (report.candidateMIoU ?? 0) >= (report.parentMIoU ?? 0), activated: report.activated, wallSeconds: wall, cpuSeconds, perClass: perClass(report) })
    }
    return { tier, shift: HARSH, rounds, pass: rounds.every((r) => r.atLeastParent) }
  } finally {
    await ws.dispose()
  }
}

/**
 * Base vs a LoRA version on images outside its held-out set (the unshifted street images): the base
 * through the project's classes (an MFNet project: the same classes), the LoRA package through its
 * stored class mapping, both at full resolution as pre-fill does.
 */
async function scoreLora(ws: Workstation, ids: number[], baseId: number, versionId: number) {
  const store = ws.project
  const base = modelOutputs(ws, store.models.get(baseId))
  const dir = resolve(store.resolvePath(store.models.get(versionId).packagePath))
  const cand = (await loadModelPackage(dir)).manifest
  const toProject = classMapping(store, cand)
  const scored = new Uint8Array(256)
  for (const k of toProject ?? cand.classes.map((c) => c.index)) scored[k] = 1
  const size = Math.max(...store.classes().map((c) => c.index + 1), 1)
  const confs = [newConfusion(size, scored), newConfusion(size, scored)] as const
  for (const id of ids) {
    const ann = store.annotations.current(id)!
    const o = await base.outputs(id)
    accumulate(confs[0], argmaxAtImageSize([o.logits], { c: o.c, h: o.h, w: o.w }, frameOf(o, ann.width, ann.height), o.classMap ?? null)[0]!, ann.labels)
    const { out: co } = await packageOutputs(ws, id, dir)
    accumulate(confs[1], argmaxAtImageSize([co.logits], { c: co.c, h: co.h, w: co.w }, frameFor(cand, ann.width, ann.height), toProject)[0]!, ann.labels)
  }
  return [iouTable(confs[0]), iouTable(confs[1])] as const
}

const work = mkdtempSync(join(tmpdir(), 'twinlight-bench-head-'))
const load0 = loadavg()[0]!
const out = resolve(values.out!)
const prev = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as { scenarios?: Record<string, unknown> }) : {}
const scenarios: Record<string, unknown> = { ...(prev.scenarios ?? {}) }
try {
  if (only.has('harsh')) scenarios[key('harsh')] = await harsh(join(work, 'a'))
  if (only.has('harshAdapter') && tier === 'head') scenarios.harshAdapter = await harshAdapter(join(work, 'a3'))
  if (only.has('harshNoGate') && tier === 'head') scenarios.harshNoGate = await harsh(join(work, 'a2'), false)
  if (only.has('newClasses')) scenarios[key('newClasses')] = await newClasses(join(work, 'b'))
  if (only.has('incremental')) scenarios[key('incremental')] = await incremental(join(work, 'c'))
} finally {
  rmSync(work, { recursive: true, force: true })
}
const result = {
  benchmark: 'fine-tune tiers (issue 19): held-out mIoU base → tuned, per class, wall seconds',
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model.trim(), cores: cpus().length, node: process.version, loadAverageAtStart: Number(load0.toFixed(2)), loadAverageAtEnd: Number(loadavg()[0]!.toFixed(2)), note: 'load averages show whether other work shared the 2 cores' },
  model: modelDir.replace(process.cwd() + '/', ''),
  wallNote: 'cpuSeconds = CPU time of the process (main thread + training worker) during the job, about what it takes on an idle machine; wallSeconds = the train job from start to done with the feature cache already filled (featureCacheFillSeconds ran the backbone once per image before): reading the accepted images\' outputs, training in a worker thread, scoring parent and candidate on the held-out images at full resolution, storing the version. Goal ≤ 30 s for 50 images (head), ≤ 5 min (LoRA). For the LoRA tier the job also writes the images into the worker\'s folder, the Python worker trains and exports a package, the app checks its parity, and cpuSeconds counts the Node process only (the worker is a separate process: its time is in phasesSeconds.worker).',
  adapterTierReference: 'bench/results/training.json and docs/training.md (harsh shift: 0.279 → 0.362 shifted, 0.755 → 0.680 unshifted)',
  scenarios
}
mkdirSync(resolve(out, '..'), { recursive: true })
writeFileSync(out, JSON.stringify(result, null, 2) + '\n')
log(`→ ${values.out}`)
