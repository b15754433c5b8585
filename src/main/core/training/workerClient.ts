/**
 * Runs the trainer in a worker thread so the main process (IPC, the HTTP server, ORT calls) stays
 * responsive; cancel terminates the thread at once. From TypeScript sources (vitest, tsx, the CLI)
 * the worker is worker.ts loaded through tsx; in the electron-vite build it is the
 * `training-worker.js` entry next to the main bundle. If neither can be found, the same loop runs
 * on the main thread in ~15 ms slices between event-loop turns (slower UI, same result). How the
 * worker is started is models/runtime/workerEntry.ts, shared with the other worker threads.
 */
import { ApiError } from '@shared/contract/errors'
import { Trainer, type LossPoint, type TrainConfig, type TrainingPool } from './trainLoop'
import type { Adapter } from '@shared/adapter'
import type { WorkerMessage } from './workerProtocol'
import { stageWorkerEntry, startWorker, type StageWorkerEntry } from '../models/runtime/workerEntry'

export interface TrainProgress {
  step: number
  steps: number
  loss: number
  /** Loss-curve points added since the previous report. */
  points: LossPoint[]
}

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

const cancelled = () => new ApiError('cancelled', 'Training cancelled; the active model is unchanged.')

export async function trainAdapter(pool: TrainingPool, cfg: TrainConfig, init: Adapter | null, opts: TrainRunOptions = {}): Promise<TrainOutcome> {
  if (opts.signal?.aborted) throw cancelled()
  const entry = opts.inline ? null : stageWorkerEntry('./worker.ts', 'training-worker', import.meta.url)
  return entry ? inWorker(entry, pool, cfg, init, opts) : inline(pool, cfg, init, opts)
}

function inWorker(entry: StageWorkerEntry, pool: TrainingPool, cfg: TrainConfig, init: Adapter | null, opts: TrainRunOptions): Promise<TrainOutcome> {
  return new Promise<TrainOutcome>((resolve, reject) => {
    // Copies, so the caller's pool stays usable (it is transferred, not shared).
    const p: TrainingPool = { ...pool, feats: pool.feats.slice(), base: pool.base.slice(), labels: pool.labels.slice(), represent: pool.represent.slice(), recency: pool.recency.slice() }
    const transfer = [p.feats.buffer, p.base.buffer, p.labels.buffer, p.represent.buffer, p.recency.buffer] as ArrayBuffer[]
    const options = { workerData: { pool: p, cfg, init }, transferList: transfer }
    const worker = startWorker(entry, options)
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
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.({ step: m.step, steps: m.steps, loss: m.loss, points: m.curve })
      else if (m.type === 'done') {
        finish(() => resolve({ weights: m.weights, curve: m.curve, mode: 'worker' }))
        void worker.terminate()
      } else finish(() => reject(new Error(`Training worker failed: ${m.message}`)))
    })
    worker.on('error', (e) => finish(() => reject(new Error(`Training worker failed: ${e.message}`))))
    worker.on('exit', (code) => finish(() => reject(new Error(`Training worker exited with code ${code} before finishing.`))))
  })
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
    if (opts.signal?.aborted) throw cancelled()
  }
  return { weights: t.weights, curve: t.curve, mode: 'inline' }
}
