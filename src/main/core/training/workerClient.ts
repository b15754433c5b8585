/**
 * Runs the trainer in a worker thread so the main process (IPC, the HTTP server, ORT calls) stays
 * responsive; cancel terminates the thread at once. From TypeScript sources (vitest, tsx, the CLI)
 * the worker is worker.ts loaded through tsx; in the electron-vite build it is the
 * `training-worker.js` entry next to the main bundle. If neither can be found, the same loop runs
 * on the main thread in ~15 ms slices between event-loop turns (slower UI, same result). How the
 * worker is started is models/runtime/workerEntry.ts, shared with the other worker threads.
 */
import { Trainer, type LossPoint, type TrainConfig, type TrainingPool } from './trainLoop'
import type { Adapter } from '@shared/adapter'
import type { WorkerMessage } from './workerProtocol'
import { stageWorkerEntry, startWorker, type StageWorkerEntry } from '../models/runtime/workerEntry'
import { superviseWorker } from './superviseWorker'
import { trainingCancelled, type TrainProgress } from './jobProgress'

export type { TrainProgress } from './jobProgress'

export interface TrainOutcome {
  weights: Adapter
  curve: LossPoint[]
  /** Where the loop ran. */
  mode: 'worker' | 'inline'
}

export interface TrainRunOptions {
  signal?: AbortSignal
  onProgress?: (p: TrainProgress) => void
  /** Force the main-thread loop (tests compare both modes). */
  inline?: boolean
}

export async function trainAdapter(pool: TrainingPool, cfg: TrainConfig, init: Adapter | null, opts: TrainRunOptions = {}): Promise<TrainOutcome> {
  if (opts.signal?.aborted) throw trainingCancelled()
  const entry = opts.inline ? null : stageWorkerEntry('./worker.ts', 'training-worker', import.meta.url)
  return entry ? inWorker(entry, pool, cfg, init, opts) : inline(pool, cfg, init, opts)
}

function inWorker(entry: StageWorkerEntry, pool: TrainingPool, cfg: TrainConfig, init: Adapter | null, opts: TrainRunOptions): Promise<TrainOutcome> {
  // Copies, so the caller's pool stays usable (it is transferred, not shared).
  const p: TrainingPool = { ...pool, feats: pool.feats.slice(), base: pool.base.slice(), labels: pool.labels.slice(), represent: pool.represent.slice(), recency: pool.recency.slice() }
  const transfer = [p.feats.buffer, p.base.buffer, p.labels.buffer, p.represent.buffer, p.recency.buffer] as ArrayBuffer[]
  const options = { workerData: { pool: p, cfg, init }, transferList: transfer }
  const worker = startWorker(entry, options)
  return superviseWorker(worker, 'Training worker', opts, (m: Extract<WorkerMessage, { type: 'done' }>) => ({ weights: m.weights, curve: m.curve, mode: 'worker' as const }))
}

async function inline(pool: TrainingPool, cfg: TrainConfig, init: Adapter | null, opts: TrainRunOptions): Promise<TrainOutcome> {
  const t = new Trainer(pool, cfg, init)
  let sent = 0
  while (!t.done) {
    const until = Date.now() + 15
    while (!t.done && Date.now() < until) t.run(2)
    opts.onProgress?.({ step: t.step, steps: cfg.steps, loss: t.lastLoss, points: t.curve.slice(sent) })
    sent = t.curve.length
    await new Promise((r) => setImmediate(r))
    if (opts.signal?.aborted) throw trainingCancelled()
  }
  return { weights: t.weights, curve: t.curve, mode: 'inline' }
}
