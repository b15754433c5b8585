/**
 * The click-to-segment state of one workstation, built once by core/app.ts (service.ts works on
 * it): decoded images, the embedding cache, the open prompt engine, the background embedding queue
 * and the openers per registration kind (tests replace one).
 */
import { join } from 'node:path'
import { ApiError } from '@shared/contract/errors'
import type { EventHub } from '../events'
import type { ProjectStore } from '../store/projectStore'
import { resolveModelFile, type PromptConfig } from './config'
import { EmbeddingCache } from './embeddingCache'
import { PromptImageCache } from './imageSource'
import { PackagePromptEngine } from './packageEngine'
import { PromptModel, type Embedding } from './promptModel'
import { RefineMemory } from './refineMemory'
import type { PromptEngine } from './promptEngine'

/** Opens an engine for a registration of the open project. */
export type EngineOpener = (cfg: PromptConfig, at: { store: ProjectStore; forceCpu: boolean }) => Promise<PromptEngine>

const openOnnxPair: EngineOpener = (cfg, { store, forceCpu }) =>
  PromptModel.open(cfg.id, resolveModelFile(store, cfg.encoder), resolveModelFile(store, cfg.decoder), { forceCpu })

/** A model package with parts.promptDecoder: `encoder` holds the package folder. */
const openPackage: EngineOpener = (cfg, { store, forceCpu }) => PackagePromptEngine.open(cfg.id, resolveModelFile(store, cfg.encoder), { forceCpu })

export function promptCacheCapBytes(): number {
  const mb = Number(process.env.TWINLIGHT_PROMPT_CACHE_MB)
  return (Number.isFinite(mb) && mb > 0 ? mb : 4096) * 1024 * 1024
}

export class ClickState {
  readonly images = new PromptImageCache(4)
  readonly cache: EmbeddingCache
  engine: { key: string; p: Promise<PromptEngine> } | null = null
  queue: { project: string; ids: number[] } = { project: '', ids: [] }
  readonly running = new Map<string, Promise<Embedding>>()
  /** Disk writes of computed embeddings still in flight. */
  readonly writes = new Set<Promise<void>>()
  pumping = false
  lastError: string | null = null
  readonly refine = new RefineMemory()
  /** How each registration kind is opened. */
  readonly openers: Partial<Record<PromptConfig['kind'], EngineOpener>> = { 'onnx-pair': openOnnxPair, package: openPackage }

  constructor(dataDir: string, hub: EventHub) {
    this.cache = new EmbeddingCache({ dir: join(dataDir, 'cache', 'prompt-embeddings'), capBytes: promptCacheCapBytes(), memoryItems: 10 })
    // Another project (or none) opened: drop the queue and decoded images, close the sessions.
    // project.changed also fires for the same project (e.g. after accept); that changes nothing.
    hub.subscribe((event, payload) => {
      if (event !== 'project.changed') return
      const path = (payload as { path: string | null }).path
      if (this.queue.project && this.queue.project !== path) this.queue = { project: '', ids: [] }
      if (this.engine && !this.engine.key.startsWith(`${path}|`)) {
        const e = this.engine
        this.engine = null
        this.images.clear()
        void e.p.then((x) => x.release()).catch(() => undefined)
      }
    })
  }

  /** Resolves when the background queue is empty and every computed embedding is on disk. */
  async whenIdle(timeoutMs = 120_000): Promise<void> {
    const t0 = Date.now()
    while (this.pumping || this.running.size > 0 || this.writes.size > 0) {
      if (Date.now() - t0 > timeoutMs) throw new ApiError('internal', 'prompt embedding queue did not drain in time')
      await new Promise((r) => setTimeout(r, 5))
    }
  }

  /** Releases the open engine (workstation dispose, tests). */
  async release(): Promise<void> {
    await this.whenIdle().catch(() => undefined)
    const e = this.engine
    this.engine = null
    this.images.clear()
    this.refine.clear()
    if (e) await e.p.then((x) => x.release()).catch(() => undefined)
  }
}
