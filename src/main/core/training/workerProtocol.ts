import type { Adapter } from '@shared/adapter'
import type { LossPoint } from './trainLoop'

/** Messages from the training worker to its parent. */
export type WorkerMessage =
  | { type: 'progress'; step: number; steps: number; loss: number; curve: LossPoint[] }
  | { type: 'done'; weights: Adapter; curve: LossPoint[] }
  | { type: 'error'; message: string }
