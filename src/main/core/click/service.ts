/**
 * Click-to-segment in main, on the workstation's ClickState (clickState.ts): the thermal wand over cached decoded images, and the
 * prompt model (opened lazily from the project's registration) with its embedding cache and the
 * background queue that pre-computes embeddings for the current and next images.
 *
 * One embedding is computed at a time (the encoder is the heavy part); a click on an image whose
 * embedding is being computed waits for that computation instead of starting a second one.
 */
import { ApiError } from '@shared/contract/errors'
import type { ClickMask, EmbeddingState, PromptSegmentResult, PromptSource, WandResultDto } from '@shared/contract/methods/prompt'
import { cropMask, thermalWand } from '@shared/labelmap/wand'
import { deflateLabels } from '../store/labelCodec'
import type { Workstation } from '../workstation'
import { readPromptConfig, writePromptConfig, type PromptConfig } from './config'
import { currentRegistration } from './register'
import { embeddingKey } from './embeddingCache'
import type { Embedding, PromptBox, PromptPoint } from './promptModel'
import type { PromptEngine } from './promptEngine'

function encodeMask(bbox: readonly [number, number, number, number], area: number, crop: Uint8Array): ClickMask {
  const [x, y, w, h] = bbox
  return { bbox: { x, y, w, h }, area, encoding: 'deflate-base64', data: area ? deflateLabels(crop).toString('base64') : '' }
}

export interface WandArgs {
  imageId: number
  x: number
  y: number
  tolerance: number
  toleranceMode: 'absolute' | 'relative'
  useRgbEdges: boolean
  edgeThreshold: number
  maxArea?: number | undefined
}

export async function wandSelect(ws: Workstation, a: WandArgs): Promise<WandResultDto> {
  const img = await ws.click.images.get(ws.project, a.imageId)
  if (a.x >= img.width || a.y >= img.height) throw new ApiError('invalid_argument', `Click (${a.x}, ${a.y}) is outside the ${img.width}x${img.height} image.`)
  const t0 = performance.now()
  let tolerance = a.tolerance
  if (a.toleranceMode === 'absolute' && img.thermalBits === 16) {
    // tolerance is in display grey levels; 16-bit thermal is displayed stretched over its range
    const r = img.thermalRange()
    tolerance = (a.tolerance * (r.hi - r.lo)) / 255
  }
  const r = thermalWand({
    width: img.width,
    height: img.height,
    thermal: img.thermal,
    x: a.x,
    y: a.y,
    tolerance,
    toleranceMode: a.toleranceMode,
    edges: a.useRgbEdges ? img.edges() : null,
    edgeThreshold: a.edgeThreshold,
    ...(a.maxArea ? { maxArea: a.maxArea } : {})
  })
  const crop = cropMask(r.mask, img.width, r.bbox)
  const ms = performance.now() - t0
  return { ...encodeMask(r.bbox, r.area, crop), seed: r.seed, truncated: r.truncated, thermalBits: img.thermalBits, ms }
}

/** The engine for the project's registration (reopened when the registration changes). */
async function engineFor(ws: Workstation): Promise<{ engine: PromptEngine; cfg: PromptConfig }> {
  const cfg = await currentRegistration(ws.project)
  if (!cfg) throw new ApiError('conflict', 'No prompt model is registered in this project. Add a SAM/SAM2 pair or a model package in the Models panel (Model → Models…; from a terminal: twinlight add-model).')
  const s = ws.click
  const key = `${ws.project.path}|${cfg.kind}|${cfg.id}|${cfg.encoder}|${cfg.decoder}`
  if (!s.engine || s.engine.key !== key) {
    const old = s.engine
    const opener = s.openers[cfg.kind]
    if (!opener) throw new ApiError('bad_input', `Prompt model kind "${cfg.kind}" is not available in this build.`)
    const p = opener(cfg, { store: ws.project, forceCpu: ws.inference.forceCpu })
    s.engine = { key, p }
    p.catch(() => {
      if (s.engine?.p === p) s.engine = null
    })
    if (old) void old.p.then((e) => e.release()).catch(() => undefined)
  }
  return { engine: await s.engine.p, cfg }
}

function keyFor(ws: Workstation, imageId: number, cfg: PromptConfig): string {
  const row = ws.project.images.get(imageId)
  return embeddingKey(row.contentHash ?? `${ws.project.path}#${imageId}`, cfg.id, cfg.source, row.registration)
}

/** The embedding of an image: memory, disk, the computation already running, or a new one. */
function embeddingOf(ws: Workstation, imageId: number, engine: PromptEngine, cfg: PromptConfig): { key: string; cached: boolean; p: Promise<Embedding> } {
  const s = ws.click
  const key = keyFor(ws, imageId, cfg)
  const hit = s.cache.get(key)
  if (hit) return { key, cached: true, p: Promise.resolve(hit) }
  const running = s.running.get(key)
  if (running) return { key, cached: false, p: running }
  const p = (async () => {
    const img = await s.images.get(ws.project, imageId)
    const e = await engine.encode(img, cfg.source)
    const w = s.cache.put(key, e).catch((err) => { s.lastError = `embedding cache write failed: ${(err as Error).message}` })
    s.writes.add(w)
    void w.finally(() => s.writes.delete(w))
    // Pushed so the annotator's indicator flips to "ready" at once (it only polls as a fallback).
    ws.hub.emit('prompt.embeddingReady', { imageId, modelId: cfg.id, source: cfg.source })
    return e
  })()
  s.running.set(key, p)
  const done = (): void => { if (s.running.get(key) === p) s.running.delete(key) }
  p.then(done, done)
  return { key, cached: false, p }
}

export function embeddingState(ws: Workstation, imageId: number): EmbeddingState {
  const cfg = readPromptConfig(ws.project)
  if (!cfg) return 'absent'
  const s = ws.click
  const key = keyFor(ws, imageId, cfg)
  if (s.cache.has(key)) return 'ready'
  if (s.running.has(key)) return 'computing'
  if (s.queue.project === ws.project.path && s.queue.ids.includes(imageId)) return 'queued'
  return 'absent'
}

/** Replaces the background queue with these images (in order) and starts working on it. */
export function prepareEmbeddings(ws: Workstation, imageIds: number[]): { queued: number; states: { imageId: number; state: EmbeddingState }[] } {
  const cfg = readPromptConfig(ws.project)
  if (!cfg) throw new ApiError('conflict', 'No prompt model is registered in this project; embeddings need one. Add it in the Models panel (Model → Models…; from a terminal: twinlight add-model).')
  for (const id of imageIds) ws.project.images.get(id) // not_found for unknown ids, before anything is queued
  const s = ws.click
  // Everything not in memory is queued: absent ones are computed, ones on disk are read back into
  // the memory LRU, so the first click on any of them costs what the tenth does.
  const ids = [...new Set(imageIds)].filter((id) => !s.cache.inMemory(keyFor(ws, id, cfg)))
  const computing = ids.filter((id) => !s.cache.has(keyFor(ws, id, cfg))).length
  s.queue = { project: ws.project.path, ids }
  void pump(ws)
  return { queued: computing, states: imageIds.map((imageId) => ({ imageId, state: embeddingState(ws, imageId) })) }
}

async function pump(ws: Workstation): Promise<void> {
  const s = ws.click
  if (s.pumping) return
  s.pumping = true
  try {
    // open the engine now (sessions take a moment), not on the first click
    await engineFor(ws).catch((e) => { s.lastError = `prompt model could not be opened: ${(e as Error).message}` })
    while (ws.hasProject && s.queue.project === ws.project.path && s.queue.ids.length > 0) {
      const id = s.queue.ids[0]!
      try {
        const { engine, cfg } = await engineFor(ws)
        await embeddingOf(ws, id, engine, cfg).p
      } catch (e) {
        s.lastError = `embedding of image ${id} failed: ${(e as Error).message}`
      }
      // the queue may have been replaced meanwhile: drop only this id
      s.queue.ids = s.queue.ids.filter((q) => q !== id)
    }
  } finally {
    s.pumping = false
  }
}

/** Resolves when the background queue is empty and every computed embedding is on disk. */
export function whenIdle(ws: Workstation, timeoutMs = 120_000): Promise<void> {
  return ws.click.whenIdle(timeoutMs)
}

export async function promptSegment(ws: Workstation, a: { imageId: number; points: PromptPoint[]; box?: PromptBox | undefined }): Promise<PromptSegmentResult> {
  const row = ws.project.images.get(a.imageId)
  for (const p of a.points) if (p.x >= row.width || p.y >= row.height) throw new ApiError('invalid_argument', `Point (${p.x}, ${p.y}) is outside the ${row.width}x${row.height} image.`)
  const t0 = performance.now()
  const { engine, cfg } = await engineFor(ws)
  const emb = embeddingOf(ws, a.imageId, engine, cfg)
  const e = await emb.p
  const t1 = performance.now()
  const box = a.box
    ? { x0: clamp(a.box.x0, row.width), y0: clamp(a.box.y0, row.height), x1: clamp(a.box.x1, row.width), y1: clamp(a.box.y1, row.height) }
    : undefined
  const refine = ws.click.refine
  const r = await engine.decode(e, a.points, box, refine.previous(emb.key, a.points, box))
  refine.remember(emb.key, a.points, box, r.lowRes)
  const t2 = performance.now()
  return { ...encodeMask(r.mask.bbox, r.mask.area, r.mask.crop), score: r.score, cached: emb.cached, ms: { encode: t1 - t0, decode: t2 - t1, total: t2 - t0 } }
}

const clamp = (v: number, n: number): number => Math.max(0, Math.min(n - 1, v))

export function setPromptSource(ws: Workstation, source: PromptSource): PromptConfig {
  const cfg = readPromptConfig(ws.project)
  if (!cfg) throw new ApiError('conflict', 'No prompt model is registered in this project. Add one in the Models panel (Model → Models…; from a terminal: twinlight add-model).')
  const next = { ...cfg, source }
  writePromptConfig(ws.project, next)
  return next
}

/** Releases the open engine (tests; the workstation's dispose does it too). */
export function releasePrompt(ws: Workstation): Promise<void> {
  return ws.click.release()
}
