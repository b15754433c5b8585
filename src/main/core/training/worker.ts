/**
 * Worker-thread entry of the adapter trainer. Receives the pool, the config and the starting
 * adapter through workerData (buffers transferred, not copied), runs the steps, posts progress at
 * most ~10 times a second and the final weights once. Cancel = the parent terminates the thread.
 * Imports only Node-free modules (relative ones and @shared) so it loads under tsx, vitest and the built bundle alike.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { Trainer, type TrainConfig, type TrainingPool } from './trainLoop'
import type { Adapter } from '@shared/adapter'
import type { WorkerMessage } from './workerProtocol'

interface Input {
  pool: TrainingPool
  cfg: TrainConfig
  init: Adapter | null
}

function main(): void {
  const port = parentPort
  if (!port) return
  const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer)
  try {
    const { pool, cfg, init } = workerData as Input
    const t = new Trainer(pool, cfg, init)
    let lastPost = 0
    let sent = 0
    while (!t.done) {
      t.run(5)
      const now = Date.now()
      if (now - lastPost >= 100 || t.done) {
        lastPost = now
        post({ type: 'progress', step: t.step, steps: cfg.steps, loss: t.lastLoss, curve: t.curve.slice(sent) })
        sent = t.curve.length
      }
    }
    const { a, b } = t.weights
    post({ type: 'done', weights: t.weights, curve: t.curve }, [a.buffer as ArrayBuffer, b.buffer as ArrayBuffer])
  } catch (e) {
    post({ type: 'error', message: (e as Error)?.message ?? String(e) })
  }
}

main()
