/**
 * The `train` job with `tier: 'lora'`: SARTM's own fine-tuning recipe (LoRA inside the backbone)
 * run by a Python worker (model/lora_worker.py) that writes a whole new model package. The app
 * side: plan and refuse early (no Python/torch, no PyTorch weights, not 8-bit thermal), write the
 * job folder (job.json + data.bin, recorded in the job's checkpoint so a resumed job reuses it and
 * the worker continues from its checkpoint.pt), supervise the worker, check the new package's
 * parity through onnxruntime-node, score parent and candidate on the held-out images in project
 * class space, and register the version in one final transaction. Nothing is registered before
 * that; a refused package folder is removed (we made it).
 */
import { activationDecision } from '../activation'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { ApiError } from '@shared/contract/errors'
import type { LoraStatus, TrainJobResult, TrainingReport } from '@shared/contract/methods/training'
import type { ModelManifest } from '@shared/modelPackage'
import type { Workstation } from '../../workstation'
import type { JobContext } from '../../jobs/runner'
import { JobInterrupted } from '../../jobs/interrupted'
import type { ProjectStore } from '../../store/projectStore'
import { loadModelPackage } from '../../models/package/packageLoader'
import { checkParity } from '../../models/package/parityCheck'
import { packageOutputs } from '../../models/features/features'
import { frameFor } from '../../models/pixels/geometry'
import { copiedPackagesDir } from '../../models/versions/packageRegistry'
import { applyHead, decodeHead, NEW_CLASS_BIAS, warmStartOf } from '../../models/versions/head'
import { gateAllows, loadGate } from '../../models/versions/adapterGate'
import { classMapping, setClassMapping } from '../../prefill/classMap'
import { applyAdapter, decodeAdapter } from '@shared/adapter'
import { accumulate, argmaxAtImageSize, iouTable, newConfusion, type Confusion } from '../evaluate'
import { frameOf, type OutputsSource } from '../outputs'
import { planTraining, type OutputsFactory, type TrainParams } from '../trainJob'
import { nextVersionName, saveReport } from '../versions'
import { headClasses, warmMap } from '../head/headData'
import { trainingCancelled, TrainJobProgress } from '../jobProgress'
import type { ModelVersionInfo } from '@shared/contract/types'
import { loraWorkerScript } from './pythonProbe'
import { recencyWeights, writeLoraData } from './loraData'
import { killOrphanWorker, runLoraWorker, type WorkerLine } from './loraWorker'

/** The job folder as recorded in the job's checkpoint (a resumed job reuses it). */
interface LoraCheckpoint {
  dir: string
  out: string
}

export const LORA_ARCH = 'twinlight-sartm'

/** The status for this run: `override` (twinlight train --python) beats the setting. */
export function loraStatusFor(ws: Workstation, override?: string): Promise<LoraStatus> {
  return ws.python.status(override ?? ws.settings.get().pythonPath)
}

interface PytorchProvenance {
  weights?: string
  arch?: string
  config?: Record<string, unknown>
}

/** The source package's PyTorch weights, or a conflict saying why this package cannot be LoRA-tuned. */
export function loraSource(dir: string, m: ModelManifest): { weights: string; config: Record<string, unknown> } {
  if (m.normalisation.thermal.bits !== 8) throw new ApiError('conflict', `${m.id} reads 16-bit thermal; the LoRA tier supports 8-bit thermal packages only. Use the head or adapter tier. Nothing was changed.`)
  const pt = (m.provenance as { pytorch?: PytorchProvenance }).pytorch
  if (!pt?.weights) throw new ApiError('conflict', `${m.id} ships no PyTorch weights (manifest provenance.pytorch.weights), which the LoRA tier trains from. Use the head or adapter tier, or a package exported with its weights. Nothing was changed.`)
  if (pt.arch !== LORA_ARCH) throw new ApiError('conflict', `${m.id}'s PyTorch weights are of architecture "${String(pt.arch)}"; the LoRA tier trains "${LORA_ARCH}" only. Nothing was changed.`)
  const weights = resolve(dir, pt.weights)
  if (!existsSync(weights)) throw new ApiError('conflict', `${m.id}'s PyTorch weights are missing: ${weights}. Nothing was changed.`)
  return { weights, config: pt.config ?? {} }
}

/** How the parent version labels one image in project class space: exactly what its pre-fill writes. */
type ParentPredictor = (o: Awaited<ReturnType<OutputsSource['outputs']>>, frame: ReturnType<typeof frameOf>) => Uint8Array

function parentPredictor(store: ProjectStore, active: ModelVersionInfo, manifest: ModelManifest | null, channels: Uint8Array): ParentPredictor {
  if (active.tier === 'head') {
    const head = decodeHead(store.models.head(active.id)!, `head of model version ${active.id}`)
    const gate = loadGate(store, active.id)
    return (o, frame) => {
      const l = applyHead(gateAllows(gate, o.features, o.d, o.h, o.w, o.frame) ? head : warmStartOf(head), o.logits, o.features, o.h, o.w)
      return argmaxAtImageSize([l], { c: head.p, h: o.h, w: o.w }, frame, head.classes)[0]!
    }
  }
  const blob = active.tier === 'adapter' ? store.models.adapter(active.id) : null
  const adapter = blob && blob.length ? decodeAdapter(blob, `adapter of model version ${active.id}`) : null
  const gate = active.tier === 'adapter' ? loadGate(store, active.id) : null
  let toProject: Uint8Array | null | undefined
  if (manifest) {
    try {
      toProject = classMapping(store, manifest)
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'conflict') throw e
    }
  } else toProject = null
  const warm = toProject === undefined ? warmMap(store, manifest, channels, manifest!.classes.length) : null
  return (o, frame) => {
    let logits = o.logits
    if (adapter && gateAllows(gate, o.features, o.d, o.h, o.w, o.frame)) {
      logits = o.logits.slice(0, o.c * o.h * o.w)
      applyAdapter(logits, o.features, { c: o.c, d: o.d, h: o.h, w: o.w }, adapter)
    }
    if (!warm) return argmaxAtImageSize([logits], { c: o.c, h: o.h, w: o.w }, frame, toProject)[0]!
    // No stored mapping and different classes: pre-fill would refuse; score it as the head tier's warm start.
    const hw = o.h * o.w
    const l = new Float32Array(channels.length * hw)
    warm.forEach((m, k) => (m >= 0 ? l.set(logits.subarray(m * hw, (m + 1) * hw), k * hw) : l.fill(NEW_CLASS_BIAS, k * hw, (k + 1) * hw)))
    return argmaxAtImageSize([l], { c: channels.length, h: o.h, w: o.w }, frame, channels)[0]!
  }
}

export async function runLoraTraining(ws: Workstation, ctx: JobContext<TrainParams>, outputs: OutputsFactory): Promise<TrainJobResult> {
  const t0 = Date.now()
  const store = ws.project
  const params = ctx.params ?? {}
  const { active, base, split } = await planTraining(store, { registerBase: true, tier: 'lora' })
  const status = await loraStatusFor(ws, params.python)
  if (!status.available) throw new ApiError('conflict', `The LoRA tier is not available: ${status.reason} Install: ${status.install}`)
  const srcDir = resolve(store.resolvePath(base.packagePath))
  const manifest = (await loadModelPackage(srcDir)).manifest
  const src = loraSource(srcDir, manifest)
  const channels = headClasses(store.classes())
  if (!channels.length) throw new ApiError('conflict', 'The project has no class that is not an ignore class; nothing to fine-tune. Nothing was changed.')
  const from = base.id === active.id ? `${base.name}` : `${base.name} (the package under the active ${active.tier} version ${active.id})`
  let steps = params.steps ?? 150
  let report = new TrainJobProgress(ctx.progress.bind(ctx), split.train.length, steps, split.heldOut.length)

  // The job folder: reused when this job ran before (resume), else written afresh.
  const saved = ctx.checkpoint as LoraCheckpoint | null
  const resumed = !!saved?.dir && existsSync(join(saved.dir, 'job.json')) && existsSync(join(saved.dir, 'data.bin'))
  let job: LoraCheckpoint
  if (resumed) {
    job = { dir: saved!.dir, out: saved!.out }
    killOrphanWorker(job.dir)
    // A package left by the run that was cut off is ours and unregistered: the worker writes it again.
    rmSync(job.out, { recursive: true, force: true })
    rmSync(`${job.out}.partial`, { recursive: true, force: true })
    report.say(0, `Resuming from ${from} with the job folder ${job.dir}…`, { phase: 'load' })
  } else {
    const dir = join(resolve(ws.opts.dataDir), 'jobs', `lora-${ctx.jobId}`)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    const nextId = Math.max(0, ...store.models.list().map((m) => m.id)) + 1
    const slug = store.name.replace(/[^\w.-]+/g, '_').slice(0, 40) || 'project'
    const hex = randomBytes(4).toString('hex')
    const out = join(copiedPackagesDir(ws.opts.dataDir), `lora-${slug}-v${nextId}-${hex}`)
    mkdirSync(copiedPackagesDir(ws.opts.dataDir), { recursive: true })
    report.say(0, `Preparing ${split.train.length} images from ${from}…`, { phase: 'load' })
    const H = manifest.input.height
    const W = manifest.input.width
    let count: number
    try {
      count = await writeLoraData(store, manifest, split.train, channels, join(dir, 'data.bin'), {
        signal: ctx.signal,
        onImage: (d, n) => report.say(d, `Preparing images ${d}/${n}`, { phase: 'load' })
      })
    } catch (e) {
      rmSync(dir, { recursive: true, force: true }) // cancelled or an unreadable image: a half-written folder is no use
      throw e
    }
    const warm = warmMap(store, manifest, channels, manifest.classes.length)
    const classes = store.classes()
    const jobJson = {
      version: 1,
      source: { package: srcDir, weights: src.weights },
      out,
      package: { name: `lora-${slug}`, version: `v${nextId}-${hex}`, description: `${manifest.name} fine-tuned with the LoRA tier on ${count} accepted images of project ${store.name}.` },
      classes: Array.from(channels, (pi, k) => {
        const c = classes.find((x) => x.index === pi)!
        return { name: c.name, color: c.color, source: warm[k]! >= 0 ? warm[k]! : null }
      }),
      data: { file: 'data.bin', count, height: H, width: W },
      weights: recencyWeights(count),
      ...(params.steps !== undefined ? { steps: params.steps } : {}),
      ...(params.batch !== undefined ? { batch: params.batch } : {}),
      ...(params.lr !== undefined ? { lr: params.lr } : {}),
      seed: params.seed ?? 1,
      threads: ortThreads(),
      device: 'auto',
      checkpointEvery: 20
    }
    writeFileSync(join(dir, 'job.json'), JSON.stringify(jobJson, null, 2))
    job = { dir, out }
    ctx.saveCheckpoint(job)
  }
  const tLoad = Date.now()

  // The worker: its lines become the job's progress.
  const onLine = (l: WorkerLine): void => {
    if (l.type === 'progress') {
      if (l.steps !== steps) {
        steps = l.steps
        report = new TrainJobProgress(ctx.progress.bind(ctx), split.train.length, steps, split.heldOut.length)
        report.beginSteps()
      }
      report.stepped({ step: l.step, steps: l.steps, loss: l.loss, points: [{ step: l.step, loss: l.loss }], ...(typeof l.etaSeconds === 'number' ? { etaS: l.etaSeconds } : {}) })
    } else if (l.type === 'phase') {
      // The worker's phases (loading the model, training, exporting) all lie inside the job's 'train' phase.
      const at = l.phase === 'export' || l.phase === 'done' ? steps : 0
      report.say(split.train.length + at, l.message ?? `LoRA worker: ${l.phase}`, { phase: 'train', worker: l.phase })
    } else if (l.type === 'resumed') report.say(split.train.length + l.step, `Resumed from the worker's checkpoint at step ${l.step}`, { phase: 'train', step: l.step, steps })
  }
  report.beginSteps()
  let done
  try {
    done = await runLoraWorker(status.python!, loraWorkerScript(), job.dir, { signal: ctx.signal, onLine })
  } catch (e) {
    // A worker that died keeps the job folder (resume continues from its checkpoint); a refusal or a cancel does not.
    if (!(e instanceof JobInterrupted)) cleanup(job, true, true)
    throw e
  }
  const tTrain = Date.now()
  if (ctx.signal.aborted) {
    cleanup(job, true, true)
    throw trainingCancelled()
  }

  // The new package: loadable, the job's classes, parity within the fixture's tolerance.
  const outDir = resolve(done.out ?? job.out)
  let cand: ModelManifest
  try {
    if (outDir !== resolve(job.out)) throw new Error(`the worker wrote ${outDir}, not the folder asked for (${job.out})`)
    const pkg = await loadModelPackage(outDir)
    cand = pkg.manifest
    if (cand.classes.length !== channels.length) throw new Error(`the package has ${cand.classes.length} classes, the job asked for ${channels.length}`)
    if (cand.normalisation.thermal.bits !== 8) throw new Error('the package reads 16-bit thermal')
    const parity = await checkParity(pkg, { threads: 1 })
    if (!parity.ok) throw new Error(`its parity check failed: max |Δlogits| ${parity.logitsMaxAbs.toExponential(2)}${parity.featuresMaxAbs !== null ? `, max |Δfeatures| ${parity.featuresMaxAbs.toExponential(2)}` : ''} > tolerance ${parity.tolerance}`)
  } catch (e) {
    cleanup(job, true, true)
    throw new ApiError('conflict', `The LoRA worker's package was refused (${(e as Error).message}); it was removed and nothing was stored, the active model is unchanged.`)
  }

  // Parent (what its pre-fill writes) vs candidate (the new package through its channels), held-out images.
  report.beginEvaluation()
  const size = Math.max(...store.classes().map((c) => c.index + 1), 1)
  const scored = new Uint8Array(256)
  for (const k of channels) scored[k] = 1
  const confs: [Confusion, Confusion] = [newConfusion(size, scored), newConfusion(size, scored)]
  const parentSource = outputs(ws, base, { classes: 'project' })
  let predictParent: ParentPredictor
  try {
    predictParent = parentPredictor(store, active, manifest, channels)
    for (let k = 0; k < split.heldOut.length; k++) {
      if (ctx.signal.aborted) throw trainingCancelled()
      const id = split.heldOut[k]!
      const ann = store.annotations.current(id)
      if (!ann) continue
      const o = await parentSource.outputs(id)
      accumulate(confs[0], predictParent(o, frameOf(o, ann.width, ann.height)), ann.labels)
      const { out: co } = await packageOutputs(ws, id, outDir)
      const cp = argmaxAtImageSize([co.logits], { c: co.c, h: co.h, w: co.w }, frameFor(cand, ann.width, ann.height), channels)[0]!
      accumulate(confs[1], cp, ann.labels)
      report.evaluated(k + 1, split.heldOut.length)
    }
  } catch (e) {
    cleanup(job, true, true)
    throw e
  }
  const tEval = Date.now()
  const pt = iouTable(confs[0])
  const ct = iouTable(confs[1])
  const { activate, decision } = activationDecision(params.activate ?? 'if-better', pt.mIoU, ct.mIoU)

  if (ctx.signal.aborted) {
    cleanup(job, true, true)
    throw trainingCancelled()
  }
  const classes = store.classes()
  const cfg = ((cand.provenance as { pytorch?: PytorchProvenance }).pytorch?.config ?? src.config) as { lora_rank?: unknown }
  const rank = typeof cfg.lora_rank === 'number' ? cfg.lora_rank : 0
  const metrics: Record<string, number> = { trainImages: split.train.length, heldOutImages: split.heldOut.length, steps: done.steps }
  if (ct.mIoU !== null) metrics.mIoU = ct.mIoU
  if (pt.mIoU !== null) metrics.parentMIoU = pt.mIoU
  ct.perClass.forEach((v, k) => v !== null && (metrics[`iou.${classes.find((c) => c.index === k)?.name ?? k}`] = v))
  const batch = params.batch ?? (JSON.parse(readFileSync(join(job.dir, 'job.json'), 'utf8')) as { batch?: number }).batch ?? 0
  const id = store.transaction(() => {
    const newId = store.models.add({ name: nextVersionName(store, base), kind: 'adapter', parentId: active.id, packagePath: outDir, adapter: null, metrics, tier: 'lora' })
    // Channel k of the new package is project class channels[k]: pre-fill writes project classes.
    setClassMapping(store, cand, Array.from(channels))
    const r: TrainingReport = {
      modelVersionId: newId, parentId: active.id, baseId: base.id, createdAt: new Date().toISOString(), tier: 'lora', rank, steps: done.steps, batch, seed: params.seed ?? 1,
      trainImages: split.train.length, heldOutImages: split.heldOut.length, heldOutRule: split.heldOutRule,
      classes: classes.filter((c) => confs[1].scored[c.index]).map((c) => ({ index: c.index, name: c.name, parent: pt.perClass[c.index] ?? null, candidate: ct.perClass[c.index] ?? null })),
      parentMIoU: pt.mIoU, candidateMIoU: ct.mIoU, lossCurve: done.lossCurve ?? [], activated: activate, decision, mode: 'worker', gate: null,
      timings: { loadMs: tLoad - t0, trainMs: tTrain - tLoad, evalMs: tEval - tTrain, totalMs: Date.now() - t0 }
    }
    saveReport(store, r)
    if (activate) store.models.activate(newId)
    return newId
  })
  cleanup(job, true)
  ws.hub.emit('project.changed', { path: store.path })
  report.say(report.total, decision, { phase: 'done', modelVersionId: id })
  return { modelVersionId: id, activated: activate, parentId: active.id, parentMIoU: pt.mIoU, candidateMIoU: ct.mIoU, decision }
}

/** The ORT thread setting (TWINLIGHT_ORT_THREADS), else 2: the worker shares the machine with the app. */
function ortThreads(): number {
  const env = Number(process.env.TWINLIGHT_ORT_THREADS)
  return Number.isInteger(env) && env > 0 ? env : 2
}

/** Removes what this job made: its folder, and the unregistered package when `pkg`. */
function cleanup(job: LoraCheckpoint, dir: boolean, pkg = false): void {
  if (dir) rmSync(job.dir, { recursive: true, force: true })
  if (pkg) {
    rmSync(job.out, { recursive: true, force: true })
    rmSync(`${job.out}.partial`, { recursive: true, force: true })
  }
}
