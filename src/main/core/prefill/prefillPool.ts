/**
 * Where the pre-fill job's non-model work runs: a small pool of worker threads (prefillWorker.ts),
 * sized to the cores the model leaves free, so decode + preprocess and post-processing of other
 * images overlap the model run; or, when no worker entry exists, this thread (same functions, same
 * results). A worker that dies fails only the task it held (the job reports that image and goes
 * on) and is replaced; a worker that dies before it has loaded means workers cannot start here,
 * and the pool runs the queued tasks and all later ones on this thread.
 */
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import type { ModelManifest } from '@shared/modelPackage'
import type { ModelImageSource } from '../models/pixels/imageInput'
import type { InputSlot } from '../models/pixels/preprocess'
import { finishImage, prepareImage, PreprocessorSet, type FinishedImage, type FinishInput, type PrepareOutcome } from './prefillStages'
import { stageRequestTransferList, type StageReply, type StageRequest } from './prefillProtocol'
import { stageWorkerEntry, startWorker, type StageWorkerEntry } from '../models/runtime/workerEntry'

/** A worker died while holding this task; its input buffers died with it. */
export class StageWorkerCrash extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StageWorkerCrash'
  }
}

export interface StageRunner {
  /** 'worker' while tasks go to worker threads; 'inline' when they run on this thread. */
  readonly mode: 'worker' | 'inline'
  readonly size: number
  prepare(manifest: ModelManifest, source: ModelImageSource, slot: InputSlot): Promise<{ outcome: PrepareOutcome; slot: InputSlot }>
  /** Resolves with the result and the input's logits (back from the worker, unchanged). */
  finish(input: FinishInput): Promise<{ result: FinishedImage; logits: Float32Array }>
  close(): Promise<void>
}

/**
 * Tasks one worker holds at once. Two would let its JavaScript run while sharp decodes, but a
 * crash would then also fail an innocent image whose buffers went down with the thread (no gain
 * was measurable on 2 cores), so one: a crash costs exactly the image that caused it.
 */
const TASKS_PER_WORKER = 1

/** Worker count: the cores the model's threads leave free, at least one. */
export function stagePoolSize(modelThreads: number): number {
  return Math.max(1, availableParallelism() - modelThreads)
}

type Request = StageRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never

interface Task {
  msg: Request
  resolve: (r: StageReply) => void
  reject: (e: Error) => void
}

interface Slot {
  worker: Worker
  /** Tasks handed to the worker, by request id. */
  tasks: Map<number, Task>
  /** The worker has loaded its modules: it gets tasks (and their buffers) only from then on. */
  ready: boolean
}

export class StagePool implements StageRunner {
  private readonly workers: Slot[] = []
  private readonly queue: Task[] = []
  private readonly inlinePre = new PreprocessorSet()
  private next = 1
  private closed = false
  private fallback = false

  constructor(readonly size: number, private readonly entry: StageWorkerEntry | null = stageWorkerEntry('./prefillWorker.ts', 'prefill-worker', import.meta.url)) {
    if (!entry) this.fallback = true
    else for (let i = 0; i < size; i++) this.spawn()
  }

  get mode(): 'worker' | 'inline' {
    return this.fallback ? 'inline' : 'worker'
  }

  async prepare(manifest: ModelManifest, source: ModelImageSource, slot: InputSlot): Promise<{ outcome: PrepareOutcome; slot: InputSlot }> {
    const r = await this.submit({ type: 'prepare', manifest, source, slot })
    if (!r.ok) throw Object.assign(new Error(r.error), { slot: r.slot })
    if (r.type !== 'prepare') throw new Error('stage worker answered out of turn')
    return { outcome: r.outcome, slot: r.slot }
  }

  async finish(input: FinishInput): Promise<{ result: FinishedImage; logits: Float32Array }> {
    const r = await this.submit({ type: 'finish', input })
    if (!r.ok) throw new Error(r.error)
    if (r.type !== 'finish') throw new Error('stage worker answered out of turn')
    return { result: r.result, logits: r.logits }
  }

  private submit(msg: Request): Promise<StageReply> {
    if (this.closed) return Promise.reject(new Error('stage pool is closed'))
    if (this.fallback) return runInline(this.inlinePre, msg)
    return new Promise<StageReply>((resolve, reject) => {
      this.queue.push({ msg, resolve, reject })
      this.pump()
    })
  }

  private pump(): void {
    for (const w of this.workers) {
      while (w.ready && w.tasks.size < TASKS_PER_WORKER && this.queue.length) {
        const task = this.queue.shift()!
        const req = { ...task.msg, id: this.next++ } as StageRequest
        w.tasks.set(req.id, task)
        w.worker.postMessage(req, stageRequestTransferList(req))
      }
    }
    // Threads keep the process alive only while there is work for them (the pool outlives jobs).
    for (const w of this.workers) {
      if (w.tasks.size || (!w.ready && this.queue.length)) w.worker.ref()
      else w.worker.unref()
    }
  }

  private spawn(): void {
    const worker = startWorker(this.entry!)
    const slot: Slot = { worker, tasks: new Map(), ready: false }
    worker.unref()
    worker.on('message', (r: StageReply | { ready: true }) => {
      if ('ready' in r) {
        slot.ready = true
        this.pump()
        return
      }
      const t = slot.tasks.get(r.id)
      slot.tasks.delete(r.id)
      t?.resolve(r)
      this.pump()
    })
    let gone = false
    const died = (why: string): void => {
      if (gone) return
      gone = true
      this.workers.splice(this.workers.indexOf(slot), 1)
      const held = [...slot.tasks.values()]
      slot.tasks.clear()
      if (this.closed) {
        for (const t of held) t.reject(new Error('stage pool is closed'))
        return
      }
      if (!slot.ready) {
        // Died while loading: workers cannot start here. Everything runs on this thread from now
        // on, starting with the queue (no task was handed to this worker, so no buffer was lost).
        this.fallback = true
        for (const w of this.workers.splice(0)) void w.worker.terminate()
        for (const q of this.queue.splice(0)) runInline(this.inlinePre, q.msg).then(q.resolve, q.reject)
        return
      }
      for (const t of held) t.reject(new StageWorkerCrash(`processing thread died (${why}) while working on this image`))
      this.spawn()
      this.pump()
    }
    worker.on('error', (e) => died(e.message))
    worker.on('exit', (code) => died(`exit code ${code}`))
    this.workers.push(slot)
  }

  async close(): Promise<void> {
    this.closed = true
    for (const t of this.queue.splice(0)) t.reject(new Error('stage pool is closed'))
    await Promise.allSettled(this.workers.splice(0).map((w) => w.worker.terminate()))
  }
}

/** The same work on this thread; a prepare that throws hands its slot back as the worker does. */
async function runInline(pres: PreprocessorSet, msg: Request): Promise<StageReply> {
  if (msg.type === 'prepare') {
    try {
      return { id: 0, ok: true, type: 'prepare', outcome: await prepareImage(pres.get(msg.manifest), msg.source, msg.slot), slot: msg.slot }
    } catch (e) {
      return { id: 0, ok: false, error: String((e as Error)?.message ?? e), slot: msg.slot }
    }
  }
  return { id: 0, ok: true, type: 'finish', result: finishImage(msg.input), logits: msg.input.logits }
}

/** The stage pool of one workstation (built by core/app.ts): started once, reused by later jobs. */
export class SharedStagePool {
  private shared: StagePool | null = null
  /** Set by use(): the pool stays whatever it was given until released. */
  private pinned = false

  /** The pool for `modelThreads` (reopened when the size changes). */
  get(modelThreads: number): StagePool {
    const size = stagePoolSize(modelThreads)
    if (this.shared && (this.pinned || (this.shared.size === size && this.shared.mode === 'worker'))) return this.shared
    void this.shared?.close()
    this.shared = new StagePool(size)
    return this.shared
  }

  /** Makes `pool` the pool for every job until release (tests inject failing workers). */
  use(pool: StagePool): void {
    if (this.shared !== pool) void this.shared?.close()
    this.shared = pool
    this.pinned = true
  }

  /** Stops the pool's threads (workstation dispose, tests). */
  async release(): Promise<void> {
    const p = this.shared
    this.shared = null
    this.pinned = false
    await p?.close()
  }
}
