import { JobInterrupted } from './interrupted'
import type { JobInfo, JobKind } from '@shared/contract/types'
import { ApiError } from '@shared/contract/errors'
import { ModelPackageError } from '@shared/modelPackage'
import type { JobsRepo } from '../store/jobsRepo'
import type { EventHub } from '../events'

/** What a job's body receives: its params, a cancel signal, progress reporting and a checkpoint. */
export interface JobContext<P = unknown> {
  readonly jobId: number
  readonly params: P
  readonly signal: AbortSignal
  /** The checkpoint saved by an earlier, interrupted run of the same job (null on a fresh start). */
  readonly checkpoint: unknown
  progress(done: number, total: number, message?: string, detail?: Record<string, unknown>): void
  /** Persist resumption state (e.g. the ids already finished); cheap enough to call per item. */
  saveCheckpoint(state: unknown): void
}

export type JobHandler<P = unknown> = (ctx: JobContext<P>) => Promise<unknown>

interface Running {
  controller: AbortController
  done: Promise<void>
}

/** Throws the job's cancellation as a typed error; long loops call it between items. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new ApiError('cancelled', 'Cancelled.')
}

/**
 * Runs long work as jobs: state and progress live in SQLite (so an interrupted job is resumable
 * after a restart) and progress is pushed as `job.progress` events, throttled.
 */
export class JobRunner {
  private readonly handlers = new Map<JobKind, JobHandler<never>>()
  private readonly running = new Map<number, Running>()

  constructor(
    private readonly repo: () => JobsRepo,
    private readonly hub: EventHub
  ) {}

  register<P>(kind: JobKind, handler: JobHandler<P>): void {
    this.handlers.set(kind, handler as JobHandler<never>)
  }

  start(kind: JobKind, params: unknown): JobInfo {
    if (!this.handlers.has(kind)) throw new ApiError('invalid_argument', `No job of kind ${kind} is available.`)
    const job = this.repo().create(kind, params)
    this.launch(job.id, kind, params)
    return this.repo().get(job.id)
  }

  resume(id: number): JobInfo {
    const repo = this.repo()
    const job = repo.get(id)
    if (this.running.has(id)) throw new ApiError('conflict', `Job ${id} is already running.`)
    if (!['interrupted', 'failed', 'cancelled'].includes(job.state)) throw new ApiError('conflict', `Job ${id} is ${job.state}; only interrupted, failed or cancelled jobs resume.`)
    this.launch(id, job.kind, repo.params(id))
    return repo.get(id)
  }

  cancel(id: number): JobInfo {
    const r = this.running.get(id)
    if (!r) throw new ApiError('conflict', `Job ${id} is not running.`)
    r.controller.abort()
    return this.repo().get(id)
  }

  /** Resolves when the job has ended (any state). */
  async wait(id: number): Promise<JobInfo> {
    await this.running.get(id)?.done
    return this.repo().get(id)
  }

  isRunning(id: number): boolean {
    return this.running.has(id)
  }

  /** Cancels everything and waits (used when a project closes). */
  async stopAll(): Promise<void> {
    for (const r of this.running.values()) r.controller.abort()
    await Promise.allSettled([...this.running.values()].map((r) => r.done))
  }

  private launch(id: number, kind: JobKind, params: unknown): void {
    const repo = this.repo()
    const handler = this.handlers.get(kind)!
    const controller = new AbortController()
    const checkpoint = repo.checkpoint(id)
    const started = Date.now()
    let last = { done: 0, total: 0, message: '', at: 0 }
    let lastPersist = 0
    const window: { t: number; done: number }[] = []
    repo.update(id, { state: 'running', error: null, message: 'Starting…' })
    const emit = (state: JobInfo['state'], detail?: Record<string, unknown>) => {
      const now = Date.now()
      window.push({ t: now, done: last.done })
      while (window.length > 2 && now - window[0]!.t > 5000) window.shift()
      const first = window[0]!
      const dt = (now - first.t) / 1000
      const rate = dt > 0.2 ? (last.done - first.done) / dt : last.done / Math.max(1e-3, (now - started) / 1000)
      // A job whose units cost unequal time (images vs training steps) gives its own estimate.
      const eta = typeof detail?.etaS === 'number' ? detail.etaS : rate > 0 && last.total > 0 ? (last.total - last.done) / rate : null
      this.hub.emit('job.progress', { jobId: id, kind, state, done: last.done, total: last.total, rate, eta, message: last.message, ...(detail ? { detail } : {}) })
    }
    const ctx: JobContext<never> = {
      jobId: id,
      params: params as never,
      signal: controller.signal,
      checkpoint,
      progress: (done, total, message, detail) => {
        last = { done, total, message: message ?? last.message, at: last.at }
        const now = Date.now()
        if (now - lastPersist > 1000 || done === total) {
          lastPersist = now
          repo.update(id, { done, total, message: last.message })
        }
        if (now - last.at >= 100 || done === total || detail) {
          last.at = now
          emit('running', detail)
        }
      },
      saveCheckpoint: (state) => repo.update(id, { checkpoint: state })
    }
    const done = (async () => {
      try {
        const result = await handler(ctx)
        const state = controller.signal.aborted ? 'cancelled' : 'done'
        repo.update(id, { state, done: last.done, total: last.total, result: result ?? null, message: state === 'done' ? 'Done.' : 'Cancelled.' })
        emit(state)
      } catch (e) {
        const cancelled = controller.signal.aborted || (e instanceof ApiError && e.code === 'cancelled')
        const message = (e as Error).message
        const state = cancelled ? 'cancelled' : e instanceof JobInterrupted ? 'interrupted' : 'failed'
        const text = cancelled ? 'Cancelled.' : state === 'interrupted' ? `Interrupted: ${message}` : `Failed: ${message}`
        repo.update(id, { state, error: cancelled ? null : message, message: text })
        last.message = text
        emit(state)
        // ApiError and ModelPackageError are sentences for the user (e.g. a package too large for
        // free memory); only unexpected errors get a stack trace on stderr.
        if (state === 'failed' && !(e instanceof ApiError) && !(e instanceof ModelPackageError)) console.error(`twinlight: job ${id} (${kind}) failed`, e)
      } finally {
        this.running.delete(id)
      }
    })()
    this.running.set(id, { controller, done })
  }
}
