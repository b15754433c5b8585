/**
 * The `train` job with `tier: 'head'`: accepted masks → pool of the images' base outputs → head over
 * the project's classes trained in a worker → parent and candidate scored on the held-out images in
 * project class space → a new model version holding the head. Like the adapter tier, nothing is
 * written before the final synchronous transaction: a cancelled, failed or killed run leaves the
 * versions and the active model as they were.
 */
import { activationDecision } from '../activation'
import { trainingCancelled, TrainJobProgress } from '../jobProgress'
import { resolve } from 'node:path'
import { ApiError } from '@shared/contract/errors'
import type { TrainJobResult, TrainingReport } from '@shared/contract/methods/training'
import type { Workstation } from '../../workstation'
import type { JobContext } from '../../jobs/runner'
import type { ProjectStore } from '../../store/projectStore'
import { loadModelPackage } from '../../models/package/packageLoader'
import { applyHead, decodeHead, encodeHead, warmStartOf, type Head } from '../../models/versions/head'
import { applyAdapter, decodeAdapter, type Adapter } from '@shared/adapter'
import { fitGate, gateAllows, imageDescriptor, loadGate, saveGate, type AdapterGate } from '../../models/versions/adapterGate'
import { argmaxAtImageSize, accumulate, iouTable, newConfusion, type Confusion } from '../evaluate'
import { frameOf, type OutputsSource } from '../outputs'
import { planTraining, type OutputsFactory, type TrainParams } from '../trainJob'
import { nextVersionName, saveReport } from '../versions'
import { buildHeadPool, defaultHeadPoolOptions, headClasses, warmMap } from './headData'
import { defaultHeadConfig, defaultHeadSteps, headFits, initHead, type HeadConfig } from './headTrainer'
import { trainHead, type HeadRunOptions } from './headClient'


/** How the parent version predicts project classes, for scoring it beside the candidate. */
export type ParentModel = { head: Head; gate?: AdapterGate | null } | { adapter: Adapter | null; gate: ReturnType<typeof loadGate>; warm: Head }

function parentHeadOf(store: ProjectStore, id: number): Head | null {
  const blob = store.models.head(id)
  return blob ? decodeHead(blob, `head of model version ${id}`) : null
}

/**
 * Scores parent and candidate on the held-out images at full resolution, in project class space. A
 * candidate `gate` that refuses an image leaves it at the candidate's warm start (the base through
 * the class map); `applied` counts the images the head ran on.
 */
export async function evaluateHeads(store: ProjectStore, source: OutputsSource, ids: number[], parent: ParentModel, cand: Head, opts: { signal?: AbortSignal; onImage?: (d: number, n: number) => void; gate?: AdapterGate | null }): Promise<[Confusion, Confusion, number]> {
  const size = Math.max(...store.classes().map((c) => c.index + 1), 1)
  const scored = new Uint8Array(256)
  for (const k of cand.classes) scored[k] = 1
  const confs: [Confusion, Confusion] = [newConfusion(size, scored), newConfusion(size, scored)]
  const fallback = opts.gate ? warmStartOf(cand) : cand
  let applied = 0
  for (let k = 0; k < ids.length; k++) {
    if (opts.signal?.aborted) throw trainingCancelled()
    const id = ids[k]!
    const ann = store.annotations.current(id)
    if (!ann) continue
    const o = await source.outputs(id)
    const hw = o.h * o.w
    let pl: Float32Array
    if ('head' in parent) pl = applyHead(gateAllows(parent.gate ?? null, o.features, o.d, o.h, o.w, o.frame) ? parent.head : warmStartOf(parent.head), o.logits, o.features, o.h, o.w)
    else {
      let base = o.logits
      if (parent.adapter && gateAllows(parent.gate, o.features, o.d, o.h, o.w, o.frame)) {
        base = o.logits.slice(0, o.c * hw)
        applyAdapter(base, o.features, { c: o.c, d: o.d, h: o.h, w: o.w }, parent.adapter)
      }
      pl = applyHead(parent.warm, base, o.features, o.h, o.w)
    }
    const use = !opts.gate || gateAllows(opts.gate, o.features, o.d, o.h, o.w, o.frame)
    if (use) applied++
    const cl = applyHead(use ? cand : fallback, o.logits, o.features, o.h, o.w)
    const shape = { c: cand.p, h: o.h, w: o.w }
    const [pp, cp] = argmaxAtImageSize([pl, cl], shape, frameOf(o, ann.width, ann.height), cand.classes)
    accumulate(confs[0], pp!, ann.labels)
    accumulate(confs[1], cp!, ann.labels)
    opts.onImage?.(k + 1, ids.length)
  }
  return [...confs, applied]
}

export async function runHeadTraining(ws: Workstation, ctx: JobContext<TrainParams>, outputs: OutputsFactory, run: Pick<HeadRunOptions, 'onWorker' | 'inline'> = {}): Promise<TrainJobResult> {
  const t0 = Date.now()
  const store = ws.project
  const params = ctx.params ?? {}
  const { active, base, split } = await planTraining(store, { registerBase: true, tier: 'head' })
  // The package's class names give the warm start; a base without a readable package (tests'
  // synthetic outputs) warm-starts project class i from model class i.
  const manifest = await loadModelPackage(resolve(store.resolvePath(base.packagePath))).then((p) => p.manifest, () => null)
  const source = outputs(ws, base, { classes: 'project' })
  const seed = params.seed ?? 1
  const steps = params.steps ?? defaultHeadSteps(split.train.length)
  const report = new TrainJobProgress(ctx.progress.bind(ctx), split.train.length, steps, split.heldOut.length)
  const channels = headClasses(store.classes())
  if (!channels.length) throw new ApiError('conflict', 'The project has no class that is not an ignore class; nothing to fine-tune. Nothing was changed.')

  const descriptors: Float64Array[] = []
  report.beginLoad()
  const pool = await buildHeadPool(store, source, split.train, channels, {
    ...defaultHeadPoolOptions,
    dilation: defaultHeadConfig.dilation,
    seed,
    signal: ctx.signal,
    onImage: report.loaded,
    onOutputs: (_id, o) => descriptors.push(imageDescriptor(o.features, o.d, o.h, o.w, o.frame))
  })
  if (!pool.n) throw new ApiError('conflict', 'The accepted masks have no pixels of a trainable class (all ignore?). Nothing was changed.')
  const tLoad = Date.now()
  const cfg: HeadConfig = { ...defaultHeadConfig, steps, seed }
  const warm = warmMap(store, manifest, channels, pool.cm)
  const parentHead = active.tier === 'head' ? parentHeadOf(store, active.id) : null
  // Continue from the parent's head when it fits (same classes and shape); otherwise a fresh head.
  const init = headFits(parentHead, pool, channels, cfg) ? parentHead : initHead(pool, channels, warm, cfg)
  report.beginSteps()
  const trained = await trainHead(pool, cfg, init, {
    ...run,
    signal: ctx.signal,
    onProgress: report.stepped
  })
  const tTrain = Date.now()
  if (ctx.signal.aborted) throw trainingCancelled()

  report.beginEvaluation()
  const adapterBlob = active.tier === 'adapter' ? store.models.adapter(active.id) : null
  const parent: ParentModel = parentHead
    ? { head: parentHead, gate: loadGate(store, active.id) }
    : { adapter: adapterBlob && adapterBlob.length ? decodeAdapter(adapterBlob, `adapter of model version ${active.id}`) : null, gate: active.tier === 'adapter' ? loadGate(store, active.id) : null, warm: initHead(pool, channels, warm, cfg) }
  // Domain gate (measured, docs/training.md): by default on when every project class has a base
  // class to fall back to (the head corrects the model's classes: outside its domain the base is
  // better), off when the head has new classes (the base cannot predict them at all).
  const gated = params.gate ?? warm.every((m) => m >= 0)
  const gate = gated ? fitGate(descriptors) : null
  const [pc, cc, applied] = await evaluateHeads(store, source, split.heldOut, parent, trained.head, { gate, signal: ctx.signal, onImage: report.evaluated })
  const tEval = Date.now()
  const pt = iouTable(pc)
  const ct = iouTable(cc)
  const { activate, decision } = activationDecision(params.activate ?? 'if-better', pt.mIoU, ct.mIoU)

  if (ctx.signal.aborted) throw trainingCancelled()
  const classes = store.classes()
  const metrics: Record<string, number> = { trainImages: split.train.length, heldOutImages: split.heldOut.length, steps }
  if (ct.mIoU !== null) metrics.mIoU = ct.mIoU
  if (pt.mIoU !== null) metrics.parentMIoU = pt.mIoU
  ct.perClass.forEach((v, k) => v !== null && (metrics[`iou.${classes.find((c) => c.index === k)?.name ?? k}`] = v))
  const id = store.transaction(() => {
    const newId = store.models.add({ name: nextVersionName(store, base), kind: 'adapter', parentId: active.id, packagePath: base.packagePath, adapter: null, metrics })
    store.models.setHead(newId, encodeHead(trained.head))
    const report: TrainingReport = {
      modelVersionId: newId, parentId: active.id, baseId: base.id, createdAt: new Date().toISOString(), tier: 'head', rank: cfg.hidden, steps, batch: cfg.batch, seed,
      trainImages: split.train.length, heldOutImages: split.heldOut.length, heldOutRule: split.heldOutRule,
      classes: classes.filter((c) => cc.scored[c.index]).map((c) => ({ index: c.index, name: c.name, parent: pt.perClass[c.index] ?? null, candidate: ct.perClass[c.index] ?? null })),
      parentMIoU: pt.mIoU, candidateMIoU: ct.mIoU, lossCurve: trained.curve, activated: activate, decision, mode: trained.mode,
      gate: gate ? { radius: gate.radius, trainMax: gate.trainMax, heldOutApplied: applied } : null,
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
