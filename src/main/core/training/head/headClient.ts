/**
 * Runs the head trainer in a worker thread (`head-training-worker` entry in the electron-vite build,
 * headWorker.ts through tsx from sources), or inline in ~15 ms slices when no worker entry exists.
 * Cancel terminates the worker; a worker that dies rejects the run, so nothing is stored.
 */
import { ApiError } from '@shared/contract/errors'
import { JobInterrupted } from '../../jobs/interrupted'
import type { Head } from '../../models/versions/head'
import { stageWorkerEntry, startWorker } from '../../models/runtime/workerEntry'
import type { LossPoint } from '../trainLoop'
import type { TrainProgress } from '../workerClient'
import { copyHead, HeadTrainer, type HeadConfig, type HeadPool } from './headTrainer'
import type { HeadWorkerMessage } from './headWorker'

export interface HeadOutcome {
  head: Head
  curve: LossPoint[]
  mode: 'worker' | 'inline'
}

export interface HeadRunOptions {
  signal?: AbortSignal
  onProgress?: (p: TrainProgress) => void
  inline?: boolean
  /** Called with a way to kill the worker once it runs (tests kill it to check a crash changes nothing). */
  onWorker?: (terminate: () => Promise<number>) => void
}

const cancelled = () => new ApiError('cancelled', 'Training cancelled; the active model is unchanged.')

export async function trainHead(pool: HeadPool, cfg: HeadConfig, init: Head, opts: HeadRunOptions = {}): Promise<HeadOutcome> {
  if (opts.signal?.aborted) throw cancelled()
  const entry = opts.inline ? null : stageWorkerEntry('./headWorker.ts', 'head-training-worker', import.meta.url)
  if (!entry) return inline(pool, cfg, init, opts)
  return new Promise<HeadOutcome>((resolve, reject) => {
    // Grids are shared by structured clone (copied); the caller's pool stays usable.
    const worker = startWorker(entry, { workerData: { pool, cfg, head: init } })
    opts.onWorker?.(() => worker.terminate())
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      opts.signal?.removeEventListener('abort', onAbort)
      fn()
    }
    const onAbort = () => {
      finish(() => reject(cancelled()))
      void worker.terminate()
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    worker.on('message', (m: HeadWorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.({ step: m.step, steps: m.steps, loss: m.loss, points: m.curve })
      else if (m.type === 'done') {
        finish(() => resolve({ head: m.head, curve: m.curve, mode: 'worker' }))
        void worker.terminate()
      } else finish(() => reject(new Error(`Head training worker failed: ${m.message}`)))
    })
    worker.on('error', (e) => finish(() => reject(new JobInterrupted(`Head training worker crashed (${e.message}); nothing was stored, the active model is unchanged.`))))
    worker.on('exit', (code) => finish(() => reject(new JobInterrupted(`Head training worker exited with code ${code} before finishing; nothing was stored, the active model is unchanged.`))))
  })
}

async function inline(pool: HeadPool, cfg: HeadConfig, init: Head, opts: HeadRunOptions): Promise<HeadOutcome> {
  const t = new HeadTrainer(pool, cfg, copyHead(init))
  let sent = 0
  while (!t.done) {
    const until = Date.now() + 15
    while (!t.done && Date.now() < until) t.run(1)
    opts.onProgress?.({ step: t.step, steps: cfg.steps, loss: t.lastLoss, points: t.curve.slice(sent) })
    sent = t.curve.length
    await new Promise((r) => setImmediate(r))
    if (opts.signal?.aborted) throw cancelled()
  }
  return { head: t.head, curve: t.curve, mode: 'inline' }
}
