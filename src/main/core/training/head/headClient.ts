/**
 * Runs the head trainer in a worker thread (`head-training-worker` entry in the electron-vite build,
 * headWorker.ts through tsx from sources), or inline in ~15 ms slices when no worker entry exists.
 * Cancel terminates the worker; a worker that dies rejects the run, so nothing is stored.
 */
import type { Head } from '../../models/versions/head'
import { stageWorkerEntry, startWorker } from '../../models/runtime/workerEntry'
import type { LossPoint } from '../trainLoop'
import { superviseWorker } from '../superviseWorker'
import { trainingCancelled, type TrainProgress } from '../jobProgress'
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


export async function trainHead(pool: HeadPool, cfg: HeadConfig, init: Head, opts: HeadRunOptions = {}): Promise<HeadOutcome> {
  if (opts.signal?.aborted) throw trainingCancelled()
  const entry = opts.inline ? null : stageWorkerEntry('./headWorker.ts', 'head-training-worker', import.meta.url)
  if (!entry) return inline(pool, cfg, init, opts)
  // Grids are shared by structured clone (copied); the caller's pool stays usable.
  const worker = startWorker(entry, { workerData: { pool, cfg, head: init } })
  opts.onWorker?.(() => worker.terminate())
  return superviseWorker(worker, 'Head training worker', opts, (m: Extract<HeadWorkerMessage, { type: 'done' }>) => ({ head: m.head, curve: m.curve, mode: 'worker' as const }))
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
    if (opts.signal?.aborted) throw trainingCancelled()
  }
  return { head: t.head, curve: t.curve, mode: 'inline' }
}
