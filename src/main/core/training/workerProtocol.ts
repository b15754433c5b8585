import type { AdapterWeights } from './adapterMath'
import type { LossPoint } from './trainLoop'

/** Messages from the training worker to its parent. */
export type WorkerMessage =
  | { type: 'progress'; step: number; steps: number; loss: number; curve: LossPoint[] }
  | { type: 'done'; weights: AdapterWeights; curve: LossPoint[] }
  | { type: 'error'; message: string }
