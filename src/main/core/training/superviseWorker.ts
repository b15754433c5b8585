/**
 * One supervisor for both fine-tuning tiers' worker threads: progress messages go to onProgress,
 * 'done' resolves, an 'error' message fails the job, and a worker that crashes or exits before
 * finishing makes the job `interrupted` (nothing stored, the active version unchanged). Cancel
 * terminates the worker. The adapter and head clients only say what a 'done' message yields.
 */
import type { Worker } from 'node:worker_threads'
import { JobInterrupted } from '../jobs/interrupted'
import { trainingCancelled, type TrainProgress } from './jobProgress'
import type { LossPoint } from './trainLoop'


export type SupervisedMessage<D> =
  | { type: 'progress'; step: number; steps: number; loss: number; curve: LossPoint[] }
  | ({ type: 'done' } & D)
  | { type: 'error'; message: string }

export function superviseWorker<D, T>(worker: Worker, what: string, opts: { signal?: AbortSignal; onProgress?: (p: TrainProgress) => void }, done: (m: D) => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      opts.signal?.removeEventListener('abort', onAbort)
      fn()
    }
    const onAbort = () => {
      finish(() => reject(trainingCancelled()))
      void worker.terminate()
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    worker.on('message', (m: SupervisedMessage<D>) => {
      if (m.type === 'progress') opts.onProgress?.({ step: m.step, steps: m.steps, loss: m.loss, points: m.curve })
      else if (m.type === 'done') {
        finish(() => resolve(done(m)))
        void worker.terminate()
      } else finish(() => reject(new Error(`${what} failed: ${m.message}`)))
    })
    worker.on('error', (e) => finish(() => reject(new JobInterrupted(`${what} crashed (${e.message}); nothing was stored, the active model is unchanged.`))))
    worker.on('exit', (code) => finish(() => reject(new JobInterrupted(`${what} exited with code ${code} before finishing; nothing was stored, the active model is unchanged.`))))
  })
}
