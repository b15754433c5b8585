/**
 * The head tier's training loop: class-balanced sampling of labelled grid cells (the adapter's
 * sampler), softmax cross-entropy through the hand-written head backward, AdamW with warm-up and
 * cosine decay. Pure and synchronous in chunks of steps, so it runs in the worker thread or inline.
 * No Node imports.
 */
import { NEW_CLASS_BIAS, type Head } from '../../models/versions/head'
import { AdamW, warmupCosine } from '../optimizer'
import { Prng } from '../prng'
import { BalancedSampler, type LossPoint, type TrainingPool } from '../trainLoop'
import { headLossAndGrad, makeHeadScratch, rowOf, trainableNames, type HeadBatch, type HeadImages, type HeadParams, type HeadScratch } from './headMath'

/** Labelled cells of the accepted images, and the images' input grids at those cells' 3×3 neighbourhoods. */
export interface HeadPool extends HeadImages {
  d: number
  cm: number
  n: number
  img: Int32Array
  cell: Int32Array
  labels: Uint8Array
  represent: Float32Array
  recency: Float32Array
}

export interface HeadConfig {
  hidden: number
  dilation: number
  steps: number
  batch: number
  seed: number
  lr: number
  weightDecay: number
  balance: number
}

export const defaultHeadConfig: Omit<HeadConfig, 'steps'> = { hidden: 12, dilation: 2, batch: 256, seed: 1, lr: 3e-3, weightDecay: 1e-4, balance: 0.5 }

export function defaultHeadSteps(trainImages: number): number {
  return Math.max(150, Math.min(300, 100 + 4 * trainImages))
}

/** A fresh head: input statistics from the pool, He-initialised layers 1–2, zero layer 3 (= warm start). */
export function initHead(pool: HeadPool, classes: Uint8Array, warm: Int32Array, cfg: Pick<HeadConfig, 'hidden' | 'dilation' | 'seed'>): Head {
  const { d, cm } = pool
  const cin = d + cm
  const H = cfg.hidden
  const sum = new Float64Array(cin)
  const sq = new Float64Array(cin)
  for (let i = 0; i < pool.n; i++) {
    const g = pool.grids[pool.img[i]!]!
    const o = rowOf(pool, pool.img[i]!, pool.cell[i]!) * cin
    for (let c = 0; c < cin; c++) {
      const v = g[o + c]!
      sum[c] += v
      sq[c] += v * v
    }
  }
  const n = Math.max(1, pool.n)
  const mean = new Float32Array(cin)
  const invStd = new Float32Array(cin)
  for (let c = 0; c < cin; c++) {
    mean[c] = sum[c]! / n
    invStd[c] = 1 / Math.sqrt(Math.max(1e-6, sq[c]! / n - mean[c]! * mean[c]!))
  }
  const rng = new Prng(cfg.seed ^ 0x4ead)
  const normal = (count: number, std: number) => {
    const a = new Float32Array(count)
    for (let i = 0; i < count; i++) a[i] = rng.normal() * std
    return a
  }
  const p = classes.length
  const b3 = new Float32Array(p)
  for (let k = 0; k < p; k++) b3[k] = warm[k]! >= 0 ? 0 : NEW_CLASS_BIAS
  return {
    d, cm, hidden: H, dilation: cfg.dilation, p, classes: Uint8Array.from(classes), warm: Int32Array.from(warm), mean, invStd,
    w1: normal(H * cin, Math.sqrt(2 / cin)), b1: new Float32Array(H), w2: normal(9 * H * H, Math.sqrt(2 / (9 * H))), b2: new Float32Array(H), w3: new Float32Array(p * H), b3
  }
}

/** Whether a parent's head can be continued by a run with this pool, classes and config. */
export function headFits(parent: Head | null, pool: Pick<HeadPool, 'd' | 'cm'>, classes: Uint8Array, cfg: Pick<HeadConfig, 'hidden' | 'dilation'>): parent is Head {
  return !!parent && parent.d === pool.d && parent.cm === pool.cm && parent.hidden === cfg.hidden && parent.dilation === cfg.dilation && parent.p === classes.length && parent.classes.every((c, k) => c === classes[k])
}

export function copyHead(h: Head): Head {
  return { ...h, classes: h.classes.slice(), warm: h.warm.slice(), mean: h.mean.slice(), invStd: h.invStd.slice(), w1: h.w1.slice(), b1: h.b1.slice(), w2: h.w2.slice(), b2: h.b2.slice(), w3: h.w3.slice(), b3: h.b3.slice() }
}

export class HeadTrainer {
  readonly curve: LossPoint[] = []
  step = 0
  lastLoss = NaN
  private readonly rng: Prng
  private readonly sampler: BalancedSampler
  private readonly opts: AdamW[]
  private readonly grads: HeadParams
  private readonly batch: HeadBatch
  private readonly scratch: HeadScratch
  private readonly every: number
  private intervalLoss = 0
  private intervalSteps = 0

  constructor(private readonly pool: HeadPool, readonly cfg: HeadConfig, readonly head: Head) {
    if (pool.n === 0) throw new Error('No labelled pixels to train on.')
    this.rng = new Prng(cfg.seed)
    this.sampler = new BalancedSampler(pool as unknown as TrainingPool, cfg.balance)
    const o = { lr: cfg.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: cfg.weightDecay }
    this.opts = trainableNames.map((n) => new AdamW(head[n].length, o))
    this.grads = Object.fromEntries(trainableNames.map((n) => [n, new Float32Array(head[n].length)])) as HeadParams
    this.batch = { n: cfg.batch, img: new Int32Array(cfg.batch), cell: new Int32Array(cfg.batch), labels: new Uint8Array(cfg.batch) }
    this.scratch = makeHeadScratch(head)
    this.every = Math.max(1, Math.round(cfg.steps / 100))
  }

  get done(): boolean {
    return this.step >= this.cfg.steps
  }

  run(n: number): number {
    let ran = 0
    const { pool, batch, head } = this
    while (ran < n && !this.done) {
      for (let s = 0; s < batch.n; s++) {
        const i = this.sampler.sample(this.rng)
        batch.img[s] = pool.img[i]!
        batch.cell[s] = pool.cell[i]!
        batch.labels[s] = pool.labels[i]!
      }
      const loss = headLossAndGrad(head, head, pool, batch, this.grads, this.scratch)
      const scale = warmupCosine(this.step, this.cfg.steps)
      trainableNames.forEach((name, k) => this.opts[k]!.step(head[name], this.grads[name], scale))
      this.step++
      ran++
      this.lastLoss = loss
      this.intervalLoss += loss
      this.intervalSteps++
      if (this.intervalSteps >= this.every || this.done) {
        this.curve.push({ step: this.step, loss: this.intervalLoss / this.intervalSteps })
        this.intervalLoss = 0
        this.intervalSteps = 0
      }
    }
    return ran
  }
}
