/**
 * The pre-fill job: every selected image through the model, three stages overlapped —
 * decode + preprocess (sharp's thread pool, then JS into reusable input slots), the model (the
 * inference worker), post-processing + DB writes (main thread, while the worker runs the next
 * image). Per image: proposal (labels, confidence, region table); for images no person has
 * reviewed, the proposal also becomes the current map (status `prefilled`). Results are committed
 * in small batches, each in one transaction together with the checkpoint, so a resumed job skips
 * exactly what was committed. Corrupt images are reported and skipped.
 */
import { z } from 'zod'
import { ApiError } from '@shared/contract/errors'
import type { ImageStatus } from '@shared/contract/types'
import type { Workstation } from '../workstation'
import type { JobContext } from '../jobs/runner'
import type { ProjectStore } from '../store/projectStore'
import { inference, recordEp } from './context'
import { getEngine, type BackboneOutputs, type ModelEngine } from './engine'
import { featureCacheKey } from './featureCache'
import { ImagingError, readImageForModel } from './imageInput'
import { allocSlot, Preprocessor, type InputSlot } from './preprocess'
import { resolveVersion } from './modelVersions'
import { classMapping } from './classMap'
import { applyAdapter } from './adapter'
import { gateAllows } from '../training/gate'
import { labelsFromLogits } from './postprocess'
import { regionSkipClasses, regionTable } from './regions'
import type { Frame } from './geometry'
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
const PREFETCH = 3
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

type Prepared = { id: number; slot: InputSlot; frame: Frame; contentHash: string; reg: { dx: number; dy: number } } | { id: number; problem: PrefillProblem }

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
  const st = inference(ws)
  const version = await resolveVersion(store, p.modelVersionId)
  const engine: ModelEngine = await getEngine(version.packageDir, { forceCpu: p.cpu || st.forceCpu })
  recordEp(ws, engine.ep)
  const m = engine.manifest
  const classMap = classMapping(store, m) // refuses before anything is written
  if (version.adapter && (version.adapter.c !== engine.shapes.c || version.adapter.d !== engine.shapes.d)) {
    throw new ApiError('bad_input', `Model version ${version.info.id}: adapter is for C=${version.adapter.c}, D=${version.adapter.d}, the package gives C=${engine.shapes.c}, D=${engine.shapes.d}.`)
  }
  const cp = (ctx.checkpoint as Checkpoint | null) ?? null
  const state: Checkpoint = cp ?? { ids: targetIds(store, p), done: [], problems: [], prefilled: 0, proposalOnly: 0, seconds: 0 }
  const doneSet = new Set(state.done)
  const todo = state.ids.filter((id) => !doneSet.has(id))
  const total = state.ids.length
  const skip = regionSkipClasses(store.classes())
  const pre = new Preprocessor(m)
  const want16 = m.normalisation.thermal.bits === 16
  const free: InputSlot[] = Array.from({ length: PREFETCH + 1 }, () => allocSlot(m))
  const started = Date.now()
  const prior = state.seconds // time spent by earlier runs of this job (resume)
  const elapsed = (): number => prior + (Date.now() - started) / 1000
  const report = (): void => {
    const n = state.done.length
    ctx.progress(n, total, `Pre-filling ${n}/${total}`, { ep: engine.ep.name, imagesPerSecond: Math.round((n - (cp?.done.length ?? 0)) / Math.max(1e-3, (Date.now() - started) / 1000) * 100) / 100 })
  }
  report()

  const prepare = async (id: number): Promise<Prepared> => {
    const slot = free.pop()!
    try {
      const img = await readImageForModel(store, id, want16)
      const frame = pre.fill(img.pair, img.registration, slot)
      return { id, slot, frame, contentHash: img.contentHash, reg: img.registration }
    } catch (e) {
      free.push(slot)
      if (e instanceof ImagingError) return { id, problem: { file: e.file, reason: e.reason } }
      if (e instanceof ApiError && (e.code === 'not_found' || e.code === 'bad_input')) return { id, problem: { file: `image ${id}`, reason: e.message } }
      throw e
    }
  }

  const cacheWrites = new Set<Promise<void>>()
  const finish = (prep: Extract<Prepared, { slot: InputSlot }>, out: BackboneOutputs): Finished => {
    const shapes = engine.shapes
    if (p.cacheFeatures) {
      // Written on the I/O pool; the logits are copied first because the adapter edits them in place.
      const w = st.cache.putAsync(featureCacheKey(prep.contentHash, m.id, prep.reg), { ...shapes, logits: version.adapter ? out.logits.slice() : out.logits, features: out.features })
      cacheWrites.add(w)
      void w.catch(() => undefined).finally(() => cacheWrites.delete(w))
    }
    if (version.adapter && gateAllows(version.gate, out.features, shapes.d, shapes.h * shapes.w)) applyAdapter(out.logits, out.features, shapes, version.adapter)
    const r = labelsFromLogits(out.logits, shapes, prep.frame, classMap ?? undefined)
    const regions = regionTable(r.labels, r.confidence, prep.frame.imageW, prep.frame.imageH, skip)
    return { id: prep.id, width: prep.frame.imageW, height: prep.frame.imageH, labels: r.labels, confidence: r.confidence, regions, meanConfidence: r.meanConfidence }
  }

  let batch: Finished[] = []
  let batchProblems: { id: number; problem: PrefillProblem }[] = []
  let lastCommit = Date.now()
  const commit = (): void => {
    if (!batch.length && !batchProblems.length) return
    const vid = version.info.id
    const changed: { id: number; status: ImageStatus }[] = []
    store.db.transaction(() => {
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
    })()
    batch = []
    batchProblems = []
    lastCommit = Date.now()
    for (const c of changed) ws.hub.emit('image.changed', { imageId: c.id, status: c.status })
    report()
  }

  const pending: Promise<Prepared>[] = []
  let next = 0
  const fill = (): void => {
    while (pending.length < PREFETCH && next < todo.length) pending.push(prepare(todo[next++]!))
  }
  let prev: { prep: Extract<Prepared, { slot: InputSlot }>; out: BackboneOutputs } | null = null
  const handlePrev = (): void => {
    if (!prev) return
    batch.push(finish(prev.prep, prev.out))
    prev = null
    if (batch.length >= COMMIT_EVERY || Date.now() - lastCommit > COMMIT_MS) commit()
  }
  try {
    fill()
    while (pending.length && !ctx.signal.aborted) {
      const prep = await pending.shift()!
      if ('problem' in prep) {
        batchProblems.push({ id: prep.id, problem: prep.problem })
        fill()
        continue
      }
      const running = engine.run(prep.slot) // the worker runs while this thread post-processes the previous image
      handlePrev()
      const out = await running
      free.push(prep.slot)
      if (cacheWrites.size > 8) await Promise.race(cacheWrites) // a slow disk must not pile up buffers
      fill()
      prev = { prep, out }
    }
    handlePrev()
    commit()
  } finally {
    // Let in-flight decodes and cache writes settle so nothing is written after the job ends.
    await Promise.allSettled([...pending, ...cacheWrites])
  }
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
