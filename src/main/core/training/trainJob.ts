/**
 * The `train` job: accepted masks → pool → adapter trained in a worker → parent and candidate
 * scored on held-out images → a new model version (activated when not worse, or as asked).
 * Nothing is written before the very end, so a cancelled or failed run leaves the project as it was.
 */
import { activationDecision } from './activation'
import { trainingCancelled, TrainJobProgress } from './jobProgress'
import { ApiError } from '@shared/contract/errors'
import type { ModelVersionInfo } from '@shared/contract/types'
import type { Workstation } from '../workstation'
import type { ProjectStore } from '../store/projectStore'
import type { JobContext } from '../jobs/runner'
import { decodeAdapter, encodeAdapter, type Adapter } from '@shared/adapter'
import { ensureBaseModel } from '../models/versions/modelVersions'
import { buildPool, defaultPoolOptions, splitAccepted, type DataSplit } from './dataset'
import { evaluateVariants, iouTable } from './evaluate'
import type { OutputsSource } from './outputs'
import { defaultSteps, defaultTrainConfig, type LossPoint, type TrainConfig } from './trainLoop'
import { trainAdapter } from './workerClient'
import { baseOf, nextVersionName, saveReport, type TrainingReport } from './versions'
import { fitGate, imageDescriptor, loadGate, saveGate } from '../models/versions/adapterGate'
import type { ActivatePolicy, TrainingTier, TrainJobResult } from '@shared/contract/methods/training'

export type { ActivatePolicy, TrainJobResult }

export interface TrainParams {
  rank?: number
  steps?: number
  seed?: number
  activate?: ActivatePolicy
  gate?: boolean
  /** 'adapter' (default): linear delta on the package's classifier; 'head': a head over the project's classes (training/head); 'lora': SARTM's recipe in a Python worker (training/lora). */
  tier?: TrainingTier
  /** LoRA tier: learning rate and batch for the Python worker (its own defaults when absent). */
  lr?: number
  batch?: number
  /** LoRA tier: the interpreter for this run only (`twinlight train --python`). */
  python?: string
}

/**
 * Supplies base-package outputs for the images of the open project. `classes: 'project'` (the head
 * tier) needs no package → project class mapping, so none is looked up.
 */
export type OutputsFactory = (ws: Workstation, base: ModelVersionInfo, opts?: { classes?: 'mapped' | 'project' }) => OutputsSource

export interface TrainingPlan {
  active: ModelVersionInfo
  base: ModelVersionInfo
  parentAdapter: Adapter | null
  split: DataSplit
}

/**
 * Checks that a run can start, with a clear reason when not; nothing is written when it cannot.
 * Used by the API before queuing a job, and by the job itself.
 */
export async function planTraining(store: ProjectStore, opts: { registerBase?: boolean; tier?: TrainingTier } = {}): Promise<TrainingPlan> {
  const split = splitAccepted(store)
  if (!split.train.length) {
    const n = split.heldOut.length
    throw new ApiError('conflict', n
      ? `Only held-out (val/test) images are accepted (${n}); accept at least one training image to fine-tune. Nothing was changed.`
      : 'No accepted images yet: accept (or correct and accept) some masks, then fine-tune. Nothing was changed.')
  }
  let active = store.models.active()
  if (!active && opts.registerBase) {
    // The embedded package becomes the base when the project has no model yet (as pre-fill does).
    try {
      active = store.models.get(await ensureBaseModel(store))
    } catch (e) {
      throw new ApiError('conflict', `No model is active in this project and the embedded model is not available (${(e as Error).message}).`)
    }
  }
  if (!active) throw new ApiError('conflict', 'No model is active in this project: add a model and pre-fill before fine-tuning.')
  if (active.tier === 'head' && (opts.tier ?? 'adapter') === 'adapter') {
    throw new ApiError('conflict', `The active version ${active.id} (${active.name}) is a head-tier version: fine-tune it with the head tier (--tier head), or activate the base or an adapter version for the adapter tier. Nothing was changed.`)
  }
  const base = baseOf(store, active)
  const blob = active.kind === 'adapter' ? store.models.adapter(active.id) : null
  return { active, base, parentAdapter: blob && blob.length ? decodeAdapter(blob, `adapter of model version ${active.id}`) : null, split }
}


export async function runTraining(ws: Workstation, ctx: JobContext<TrainParams>, outputs: OutputsFactory): Promise<TrainJobResult> {
  const t0 = Date.now()
  const store = ws.project
  const params = ctx.params ?? {}
  const plan = await planTraining(store, { registerBase: true })
  const { active, base, parentAdapter, split } = plan
  const source = outputs(ws, base)
  const seed = params.seed ?? 1
  const rank = params.rank ?? parentAdapter?.rank ?? defaultTrainConfig.rank
  const steps = params.steps ?? defaultSteps(split.train.length)
  const report = new TrainJobProgress(ctx.progress.bind(ctx), split.train.length, steps, split.heldOut.length)

  const descriptors: Float64Array[] = []
  report.beginLoad()
  const pool = await buildPool(store, source, split.train, {
    ...defaultPoolOptions,
    seed,
    signal: ctx.signal,
    onImage: report.loaded,
    onOutputs: (_id, o) => descriptors.push(imageDescriptor(o.features, o.d, o.h, o.w, o.frame))
  })
  if (!pool.n) throw new ApiError('conflict', 'The accepted masks have no pixels of a trainable class (all ignore?). Nothing was changed.')
  const tLoad = Date.now()
  const cfg: TrainConfig = { ...defaultTrainConfig, rank, steps, seed }
  // Continue from the parent's adapter when it has the same shape; a different rank starts afresh.
  const init = parentAdapter && parentAdapter.rank === rank && parentAdapter.c === pool.c && parentAdapter.d === pool.d ? parentAdapter : null
  report.beginSteps()
  const trained = await trainAdapter(pool, cfg, init, {
    signal: ctx.signal,
    onProgress: report.stepped
  })
  const tTrain = Date.now()
  if (ctx.signal.aborted) throw trainingCancelled()

  report.beginEvaluation()
  const gate = params.gate === false ? null : fitGate(descriptors)
  const parentGate = active.kind === 'adapter' ? loadGate(store, active.id) : null
  const [parentScores, candScores] = await evaluateVariants(store, source, split.heldOut, [{ weights: parentAdapter, gate: parentGate }, { weights: trained.weights, gate }], {
    signal: ctx.signal,
    onImage: report.evaluated
  })
  const tEval = Date.now()
  const classes = store.classes()
  const pt = iouTable(parentScores!.conf)
  const ct = iouTable(candScores!.conf)
  const scored = parentScores!.conf.scored
  const { activate, decision } = activationDecision(params.activate ?? 'if-better', pt.mIoU, ct.mIoU)

  // Last cancellation point: from here on everything is synchronous, so the write is all or nothing.
  if (ctx.signal.aborted) throw trainingCancelled()
  const metrics: Record<string, number> = { trainImages: split.train.length, heldOutImages: split.heldOut.length, rank, steps }
  if (ct.mIoU !== null) metrics.mIoU = ct.mIoU
  if (pt.mIoU !== null) metrics.parentMIoU = pt.mIoU
  ct.perClass.forEach((v, k) => v !== null && (metrics[`iou.${classes.find((c) => c.index === k)?.name ?? k}`] = v))
  const curve: LossPoint[] = trained.curve
  const id = store.transaction(() => {
    const newId = store.models.add({ name: nextVersionName(store, base), kind: 'adapter', parentId: active.id, packagePath: base.packagePath, adapter: encodeAdapter(trained.weights), metrics })
    const report: TrainingReport = {
      modelVersionId: newId, parentId: active.id, baseId: base.id, createdAt: new Date().toISOString(), rank, steps, batch: cfg.batch, seed,
      trainImages: split.train.length, heldOutImages: split.heldOut.length, heldOutRule: split.heldOutRule,
      classes: classes.filter((c) => scored[c.index]).map((c) => ({ index: c.index, name: c.name, parent: pt.perClass[c.index] ?? null, candidate: ct.perClass[c.index] ?? null })),
      parentMIoU: pt.mIoU, candidateMIoU: ct.mIoU, lossCurve: curve, activated: activate, decision, mode: trained.mode,
      gate: gate ? { radius: gate.radius, trainMax: gate.trainMax, heldOutApplied: candScores!.applied } : null,
      timings: { loadMs: tLoad - t0, trainMs: tTrain - tLoad, evalMs: tEval - tTrain, totalMs: Date.now() - t0 }
    }
    saveReport(store, report)
    if (gate) saveGate(store, newId, gate)
    if (activate) store.models.activate(newId)
    return newId
  })
  ws.hub.emit('project.changed', { path: store.path })
  report.say(report.total, decision, { phase: 'done', modelVersionId: id })
  return { modelVersionId: id, activated: activate, parentId: active.id, parentMIoU: pt.mIoU, candidateMIoU: ct.mIoU, decision }
}
