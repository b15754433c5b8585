/**
 * Worker-thread entry of the head trainer (the head tier's twin of training/worker.ts): the pool,
 * config and starting head arrive through workerData, progress goes out ~10 times a second, the
 * trained head once. Cancel = the parent terminates the thread. Relative, Node-free imports only.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { Head } from '../../models/versions/head'
import type { LossPoint } from '../trainLoop'
import { HeadTrainer, type HeadConfig, type HeadPool } from './headTrainer'

export type HeadWorkerMessage =
  | { type: 'progress'; step: number; steps: number; loss: number; curve: LossPoint[] }
  | { type: 'done'; head: Head; curve: LossPoint[] }
  | { type: 'error'; message: string }

function main(): void {
  const port = parentPort
  if (!port) return
  const post = (m: HeadWorkerMessage) => port.postMessage(m)
  try {
    const { pool, cfg, head } = workerData as { pool: HeadPool; cfg: HeadConfig; head: Head }
    const t = new HeadTrainer(pool, cfg, head)
    let lastPost = 0
    let sent = 0
    while (!t.done) {
      t.run(2)
      const now = Date.now()
      if (now - lastPost >= 100 || t.done) {
        lastPost = now
        post({ type: 'progress', step: t.step, steps: cfg.steps, loss: t.lastLoss, curve: t.curve.slice(sent) })
        sent = t.curve.length
      }
    }
    post({ type: 'done', head: t.head, curve: t.curve })
  } catch (e) {
    post({ type: 'error', message: (e as Error)?.message ?? String(e) })
  }
}

main()
