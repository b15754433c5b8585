/**
 * The pre-fill job: every selected image through the model, in overlapping lanes — decode +
 * preprocess and post-processing (labels, confidence, regions, float16 features) on the stage
 * worker pool (prefillPool.ts, the cores the model leaves free), the model on the inference worker
 * (ortWorker.ts), DB writes on this thread. Per image: proposal (labels, confidence, region table);
 * for images no person has reviewed, the proposal also becomes the current map (status
 * `prefilled`). Results are committed in small batches, each in one transaction together with the
 * checkpoint, so a resumed job skips exactly what was committed. Corrupt images, and images whose
 * stage thread died, are reported and skipped.
 */
import { z } from 'zod'
import { ApiError } from '@shared/contract/errors'
import type { ImageStatus } from '@shared/contract/types'
import type { Workstation } from '../workstation'
import type { JobContext } from '../jobs/runner'
import type { ProjectStore } from '../store/projectStore'
import type { BackboneOutputs, ModelEngine } from '../models/runtime/engine'
import { featureCacheKey } from '../models/features/featureCache'
import { modelImageSource, type ModelImageSource } from '../models/pixels/imageInput'
import { allocSlot, type InputSlot } from '../models/pixels/preprocess'
import { resolveVersion } from '../models/versions/modelVersions'
import { classMapping } from './classMap'
import { headClassMap } from './headClasses'
import { applyHead, warmStartOf } from '../models/versions/head'
import { applyAdapter } from '@shared/adapter'
import { gateAllows } from '../models/versions/adapterGate'
import { regionSkipClasses } from './regions'
import { StageWorkerCrash, type StageRunner } from './prefillPool'
import type { PreparedImage } from './prefillStages'
import type { Region } from '../store/proposalsRepo'

export const prefillParams = z
  .object({
    modelVersionId: z.number().int().positive().optional(),
    split: z.string().min(1).max(64).optional(),
    onlyUnreviewed: z.boolean().default(false),
    imageIds: z.array(z.number().int().positive()).max(1_000_000).optional(),
    cpu: z.boolean().default(false),
    /** Keep backbone outputs in the feature cache for adapter training (default on). */
    cacheFeatures: z.boolean().default(true)
  })
  .strict()
export type PrefillParams = z.output<typeof prefillParams>

export interface PrefillProblem {
  file: string
  reason: string
}

export interface PrefillResult {
  modelVersionId: number
  model: string
  ep: string
  epReason: string
  /** Images handled by this job (all runs of it). */
  images: number
  /** Of those, images whose current map became the proposal (status prefilled). */
  prefilled: number
  /** Of those, images reviewed by a person: proposal stored, their map left alone. */
  proposalOnly: number
  problems: PrefillProblem[]
  seconds: number
  imagesPerSecond: number
}

interface Checkpoint {
  ids: number[]
  done: number[]
  problems: PrefillProblem[]
  prefilled: number
  proposalOnly: number
  seconds: number
}

const REVIEWED: ImageStatus[] = ['in_review', 'accepted']
/** Images being prepared ahead of the model. */
const PREFETCH = 3
/** Runs queued at the inference worker: the next starts the moment one ends. */
const MODEL_QUEUE = 2
/**
 * A model slower than this per image gains nothing from a queued run (this thread's share is
 * milliseconds), and a queued run would make cancel wait for a second image: queue one at a time.
 */
const SLOW_MODEL_MS = 1000
/** Images being post-processed at once (bounds the output buffers held). */
const FINISHING = 3
const COMMIT_EVERY = 8
const COMMIT_MS = 1000

function targetIds(store: ProjectStore, p: PrefillParams): number[] {
  const status: ImageStatus[] | undefined = p.onlyUnreviewed ? ['new', 'prefilled'] : undefined
  const filter = { ...(status ? { status } : {}), ...(p.split ? { split: [p.split] } : {}) }
  const ids = store.images.ids(filter)
  if (!p.imageIds) return ids
  const allowed = new Set(ids)
  return p.imageIds.filter((id) => allowed.has(id))
}

type Prepared = { id: number; slot: InputSlot; image: PreparedImage; file: string } | { id: number; problem: PrefillProblem }

interface Finished {
  id: number
  width: number
  height: number
  labels: Uint8Array
  confidence: Uint8Array
  regions: Region[]
  meanConfidence: number
}

export async function runPrefill(ws: Workstation, ctx: Pick<JobContext<unknown>, 'params' | 'signal' | 'progress' | 'checkpoint' | 'saveCheckpoint'>): Promise<PrefillResult> {
  const p = prefillParams.parse(ctx.params)
  const store = ws.project
  const st = ws.inference
  const version = await resolveVersion(store, p.modelVersionId)
  const engine: ModelEngine = await st.engines.get(version.packageDir, { forceCpu: p.cpu || st.forceCpu })
  st.recordEp(engine.ep)
  const m = engine.manifest
  // A head-tier version predicts the project's own classes (its channel → class table); otherwise
  // the package's classes must map onto the project's (refuses before anything is written).
  const classMap = version.head ? headClassMap(store, version.head, version.info.id) : classMapping(store, m)
  if (version.head && (version.head.cm !== engine.shapes.c || version.head.d !== engine.shapes.d)) {
    throw new ApiError('bad_input', `Model version ${version.info.id}: head is for C=${version.head.cm}, D=${version.head.d}, the package gives C=${engine.shapes.c}, D=${engine.shapes.d}.`)
  }
  if (version.adapter && (version.adapter.c !== engine.shapes.c || version.adapter.d !== engine.shapes.d)) {
    throw new ApiError('bad_input', `Model version ${version.info.id}: adapter is for C=${version.adapter.c}, D=${version.adapter.d}, the package gives C=${engine.shapes.c}, D=${engine.shapes.d}.`)
  }
  const cp = (ctx.checkpoint as Checkpoint | null) ?? null
  const state: Checkpoint = cp ?? { ids: targetIds(store, p), done: [], problems: [], prefilled: 0, proposalOnly: 0, seconds: 0 }
  const doneSet = new Set(state.done)
  const todo = state.ids.filter((id) => !doneSet.has(id))
  const total = state.ids.length
  const skip = regionSkipClasses(store.classes())
  const want16 = m.normalisation.thermal.bits === 16
  const stages: StageRunner = ws.stages.get(engine.ep.name === 'cpu' ? engine.ep.threads : 1)
  const free: InputSlot[] = Array.from({ length: PREFETCH + MODEL_QUEUE }, () => allocSlot(m))
  const started = Date.now()
  const prior = state.seconds // time spent by earlier runs of this job (resume)
  const elapsed = (): number => prior + (Date.now() - started) / 1000
  const report = (): void => {
    const n = state.done.length
    ctx.progress(n, total, `Pre-filling ${n}/${total}`, { ep: engine.ep.name, imagesPerSecond: Math.round((n - (cp?.done.length ?? 0)) / Math.max(1e-3, (Date.now() - started) / 1000) * 100) / 100 })
  }
  report()

  const prepare = async (id: number): Promise<Prepared> => {
    let source: ModelImageSource
    try {
      source = modelImageSource(store, id, want16)
    } catch (e) {
      if (e instanceof ApiError && (e.code === 'not_found' || e.code === 'bad_input')) return { id, problem: { file: `image ${id}`, reason: e.message } }
      throw e
    }
    try {
      const r = await stages.prepare(m, source, free.pop()!)
      if (r.outcome.ok) return { id, slot: r.slot, image: r.outcome.image, file: source.rgbFile }
      free.push(r.slot)
      return { id, problem: r.outcome.problem }
    } catch (e) {
      const slot = (e as { slot?: InputSlot }).slot
      free.push(slot ?? allocSlot(m)) // a crashed worker took the slot's buffers with it
      if (e instanceof StageWorkerCrash) return { id, problem: { file: source.rgbFile, reason: e.message } }
      throw e
    }
  }

  const cacheWrites = new Set<Promise<void>>()
  const track = (w: Promise<void>): void => {
    cacheWrites.add(w)
    void w.catch(() => undefined).finally(() => cacheWrites.delete(w))
  }
  let batch: Finished[] = []
  let batchProblems: { id: number; problem: PrefillProblem }[] = []
  /** Post-processing on a stage thread while the model runs the next images; the cache write follows. */
  const finish = async (prep: Extract<Prepared, { slot: InputSlot }>, out: BackboneOutputs): Promise<void> => {
    const shapes = engine.shapes
    const key = featureCacheKey(prep.image.contentHash, m.id, prep.image.registration)
    // The cache keeps the base logits: copied before the adapter edits them in place.
    const baseLogits = p.cacheFeatures && version.adapter ? out.logits.slice() : null
    if (version.adapter && gateAllows(version.gate, out.features, shapes.d, shapes.h, shapes.w, prep.image.frame)) applyAdapter(out.logits, out.features, shapes, version.adapter)
    // The head reads the base logits and features and writes new logits over the project's classes.
    // A gated head version leaves images unlike its training images at its warm start (the base).
    const head = version.head ? applyHead(gateAllows(version.gate, out.features, shapes.d, shapes.h, shapes.w, prep.image.frame) ? version.head : warmStartOf(version.head), out.logits, out.features, shapes.h, shapes.w) : null
    try {
      const finished = await stages.finish({ logits: head ?? out.logits, shapes: head ? { ...shapes, c: version.head!.p } : shapes, frame: prep.image.frame, classMap, skipClasses: skip, features: p.cacheFeatures ? out.features : null })
      const r = finished.result
      const logits = head ? out.logits : finished.logits
      if (p.cacheFeatures) track(st.cache.putEncodedAsync(key, shapes, baseLogits ?? logits, r.half!))
      const { imageW: width, imageH: height } = prep.image.frame
      batch.push({ id: prep.id, width, height, labels: r.labels, confidence: r.confidence, regions: r.regions, meanConfidence: r.meanConfidence })
    } catch (e) {
      if (!(e instanceof StageWorkerCrash)) throw e
      batchProblems.push({ id: prep.id, problem: { file: prep.file, reason: e.message } })
    }
  }

  let lastCommit = Date.now()
  const commit = (): void => {
    if (!batch.length && !batchProblems.length) return
    const vid = version.info.id
    const changed: { id: number; status: ImageStatus }[] = []
    store.transaction(() => {
      for (const f of batch) {
        store.proposals.put({ imageId: f.id, modelVersionId: vid, width: f.width, height: f.height, labels: f.labels, confidence: f.confidence, regions: f.regions, meanConfidence: f.meanConfidence })
        store.images.setConfidence(f.id, f.meanConfidence)
        // Checked inside the transaction: a person may have started on the image meanwhile.
        if (REVIEWED.includes(store.images.status(f.id))) {
          state.proposalOnly++
        } else {
          store.annotations.replace(f.id, f.width, f.height, f.labels, 'model', vid)
          store.images.setStatus(f.id, 'prefilled')
          state.prefilled++
          changed.push({ id: f.id, status: 'prefilled' })
        }
        state.done.push(f.id)
      }
      for (const b of batchProblems) {
        state.problems.push(b.problem)
        state.done.push(b.id)
      }
      state.seconds = elapsed()
      ctx.saveCheckpoint({ ...state, seconds: state.seconds })
    })
    batch = []
    batchProblems = []
    lastCommit = Date.now()
    for (const c of changed) ws.hub.emit('image.changed', { imageId: c.id, status: c.status })
    report()
  }
  const maybeCommit = (): void => {
    if (batch.length + batchProblems.length >= COMMIT_EVERY || Date.now() - lastCommit > COMMIT_MS) commit()
  }

  // Three overlapping lanes: up to PREFETCH images being prepared (stage threads), up to
  // MODEL_QUEUE queued at the model (so it never waits for this thread), up to FINISHING being
  // post-processed (stage threads). Images enter each lane in order; results commit as they come.
  const pending: Promise<Prepared>[] = []
  const running: { prep: Extract<Prepared, { slot: InputSlot }>; out: Promise<BackboneOutputs>; at: number }[] = []
  // One run at a time until the first run's time is known; then MODEL_QUEUE unless the model is slow.
  let depth = 1
  let timed = false
  const finishing = new Set<Promise<void>>()
  let next = 0
  const fill = (): void => {
    while (pending.length < PREFETCH && free.length && next < todo.length) pending.push(prepare(todo[next++]!))
  }
  const retire = async (): Promise<void> => {
    const r = running.shift()!
    let out: BackboneOutputs
    try {
      out = await r.out
    } finally {
      free.push(r.prep.slot) // the engine put the arrays back into the slot
    }
    if (!timed) {
      timed = true
      depth = Date.now() - r.at > SLOW_MODEL_MS ? 1 : MODEL_QUEUE
    }
    fill()
    const f = finish(r.prep, out).finally(() => finishing.delete(f))
    finishing.add(f)
    void f.then(maybeCommit, () => undefined)
    if (finishing.size >= FINISHING) await Promise.race(finishing)
    if (cacheWrites.size > 8) await Promise.race(cacheWrites) // a slow disk must not pile up buffers
  }
  let failure: unknown = null
  try {
    fill()
    while (pending.length && !ctx.signal.aborted) {
      const prep = await pending.shift()!
      if ('problem' in prep) {
        batchProblems.push({ id: prep.id, problem: prep.problem })
        fill()
        continue
      }
      running.push({ prep, out: engine.run(prep.slot), at: Date.now() })
      if (running.length >= depth) await retire()
    }
    while (running.length) await retire()
    await Promise.all(finishing)
  } catch (e) {
    failure = e
  } finally {
    // Let in-flight work settle so nothing is written after the job ends.
    await Promise.allSettled([...pending, ...running.map((r) => r.out), ...finishing, ...cacheWrites])
  }
  if (failure) throw failure
  commit()
  if (ctx.signal.aborted) throw new ApiError('cancelled', 'Cancelled.')
  ws.hub.emit('project.changed', { path: store.path })
  const seconds = elapsed()
  const images = state.done.length - state.problems.length
  return {
    modelVersionId: version.info.id,
    model: m.id,
    ep: engine.ep.name,
    epReason: engine.ep.reason,
    images,
    prefilled: state.prefilled,
    proposalOnly: state.proposalOnly,
    problems: state.problems,
    seconds: Math.round(seconds * 1000) / 1000,
    imagesPerSecond: Math.round((images / Math.max(1e-6, seconds)) * 100) / 100
  }
}

export function registerPrefillJob(ws: Workstation): void {
  ws.jobs.register<unknown>('prefill', (ctx) => runPrefill(ws, ctx))
}
