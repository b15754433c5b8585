/**
 * What both fine-tuning jobs (adapter and head tier) tell the job runner while they run: one
 * progress scale (accepted images read, then training steps, then held-out images scored), an ETA
 * from TrainClock, training steps reported at most every 100 ms, and the one cancel error.
 */
import { ApiError } from '@shared/contract/errors'
import { TrainClock } from './trainClock'
import type { LossPoint } from './trainLoop'

export const trainingCancelled = (): ApiError => new ApiError('cancelled', 'Training cancelled; the active model is unchanged.')

/** A training step report from a worker (or the inline loop). */
export interface TrainProgress {
  step: number
  steps: number
  loss: number
  /** Loss-curve points the worker sent with this report. */
  points: LossPoint[]
  /** The worker's own estimate of the seconds left (the LoRA tier's Python worker); else the clock's. */
  etaS?: number
}

type Progress = (done: number, total: number, message?: string, detail?: Record<string, unknown>) => void

export class TrainJobProgress {
  readonly total: number
  private readonly clock: TrainClock
  private lastEmit = 0

  constructor(private readonly progress: Progress, private readonly trainImages: number, private readonly steps: number, heldOut: number) {
    this.total = trainImages + steps + heldOut
    this.clock = new TrainClock(trainImages + heldOut, steps)
  }

  say(done: number, msg: string, detail?: Record<string, unknown>): void {
    this.progress(done, this.total, msg, { etaS: this.clock.eta(), ...detail })
  }

  /** Reading the accepted images' outputs starts. */
  beginLoad(): void {
    this.say(0, `Reading features of ${this.trainImages} accepted images…`, { phase: 'load' })
  }

  readonly loaded = (d: number, n: number): void => {
    this.clock.image()
    this.say(d, `Reading features ${d}/${n}`, { phase: 'load' })
  }

  beginSteps(): void {
    this.clock.beginSteps()
  }

  readonly stepped = (p: TrainProgress): void => {
    this.clock.stepsAt(p.step)
    const now = Date.now()
    if (now - this.lastEmit < 100 && p.step < p.steps) return
    this.lastEmit = now
    this.say(this.trainImages + p.step, `Training step ${p.step}/${p.steps} · loss ${p.loss.toFixed(4)}`, { phase: 'train', step: p.step, steps: p.steps, loss: p.loss, points: p.points, ...(p.etaS !== undefined ? { etaS: p.etaS } : {}) })
  }

  beginEvaluation(): void {
    this.clock.beginImages()
  }

  readonly evaluated = (d: number, n: number): void => {
    this.clock.image()
    this.say(this.trainImages + this.steps + d, `Evaluating on held-out images ${d}/${n}`, { phase: 'evaluate' })
  }
}
