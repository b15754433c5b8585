/**
 * The training loop proper: class-balanced sampling from a pool of labelled pixels, softmax
 * cross-entropy on (base logits + adapter Δ), AdamW with warm-up and cosine decay. Pure and
 * synchronous, in chunks of steps, so it runs unchanged inside the worker thread or (as a fallback)
 * on the main thread between event-loop turns. No Node imports.
 */
import { AdamW, warmupCosine } from './optimizer'
import { initAdapter, lossAndGrad, makeScratch, unitScale, type Adapter, type PixelBatch, type Scratch } from '@shared/adapter'
import { Prng } from './prng'

/** Labelled pixels gathered from the accepted images, pixel-major. */
export interface TrainingPool {
  n: number
  c: number
  d: number
  /** [n, d] features of each pooled pixel. */
  feats: Float32Array
  /** [n, c] base logits (the package without any adapter). */
  base: Float32Array
  /** [n] target class (< c, never an ignore class). */
  labels: Uint8Array
  /** [n] how many pixels of its class in its image this pooled pixel stands for. */
  represent: Float32Array
  /** [n] weight of the pixel's image; newer corrections weigh more. */
  recency: Float32Array
}

export interface TrainConfig {
  rank: number
  steps: number
  /** Pixels per step. */
  batch: number
  seed: number
  lr: number
  weightDecay: number
  /** Class sampling ∝ (pixel count)^balance: 0 samples classes equally, 1 as they occur. */
  balance: number
}

export const defaultTrainConfig: Omit<TrainConfig, 'steps'> = { rank: 4, batch: 1024, seed: 1, lr: 1e-2, weightDecay: 1e-4, balance: 0.5 }

/** The step budget from the data size: more images, more steps, within bounds that keep a run short. */
export function defaultSteps(trainImages: number): number {
  return Math.max(150, Math.min(600, 100 + 8 * trainImages))
}

export interface LossPoint {
  step: number
  loss: number
}

/** Samples pool indices: a class by its mass^balance, then a pixel of it by represent × recency. */
export class BalancedSampler {
  private readonly classes: number[] = []
  private readonly classCum: Float64Array
  private readonly members: Int32Array[] = []
  private readonly cums: Float64Array[] = []

  constructor(pool: TrainingPool, balance: number) {
    const byClass = new Map<number, number[]>()
    for (let i = 0; i < pool.n; i++) {
      const y = pool.labels[i]!
      let list = byClass.get(y)
      if (!list) byClass.set(y, (list = []))
      list.push(i)
    }
    const masses: number[] = []
    for (const [cls, list] of [...byClass.entries()].sort((x, y) => x[0] - y[0])) {
      const idx = Int32Array.from(list)
      const cum = new Float64Array(idx.length)
      let acc = 0
      let mass = 0
      for (let k = 0; k < idx.length; k++) {
        const i = idx[k]!
        acc += pool.represent[i]! * pool.recency[i]!
        mass += pool.represent[i]!
        cum[k] = acc
      }
      if (acc <= 0) continue
      this.classes.push(cls)
      this.members.push(idx)
      this.cums.push(cum)
      masses.push(Math.pow(mass, balance))
    }
    this.classCum = new Float64Array(masses.length)
    let acc = 0
    masses.forEach((m, k) => (this.classCum[k] = acc += m))
  }

  get classCount(): number {
    return this.classes.length
  }

  sample(rng: Prng): number {
    const k = search(this.classCum, rng.next() * this.classCum[this.classCum.length - 1]!)
    const cum = this.cums[k]!
    return this.members[k]![search(cum, rng.next() * cum[cum.length - 1]!)]!
  }
}

/** First index whose cumulative value exceeds x. */
function search(cum: Float64Array, x: number): number {
  let lo = 0
  let hi = cum.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (cum[mid]! > x) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** Runs steps in chunks; holds the weights, the optimiser state and the loss curve. */
export class Trainer {
  readonly weights: Adapter
  readonly curve: LossPoint[] = []
  step = 0
  private readonly rng: Prng
  private readonly sampler: BalancedSampler
  private readonly optA: AdamW
  private readonly optB: AdamW
  private readonly gA: Float32Array
  private readonly gB: Float32Array
  private readonly batch: PixelBatch & { feats: Float32Array; base: Float32Array; labels: Uint8Array; weights: Float32Array }
  private readonly scratch: Scratch
  private readonly every: number
  private intervalLoss = 0
  private intervalSteps = 0
  lastLoss = NaN

  constructor(private readonly pool: TrainingPool, readonly cfg: TrainConfig, init?: Adapter | null) {
    if (pool.n === 0) throw new Error('No labelled pixels to train on.')
    this.rng = new Prng(cfg.seed)
    const fresh = initAdapter(cfg.rank, pool.c, pool.d, this.rng)
    const usable = init && init.rank === cfg.rank && init.c === pool.c && init.d === pool.d
    // The gradient is taken with scale 1: a parent's stored scale is folded into B.
    this.weights = usable ? unitScale(init) : fresh
    this.sampler = new BalancedSampler(pool, cfg.balance)
    const opt = { lr: cfg.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: cfg.weightDecay }
    this.optA = new AdamW(this.weights.a.length, opt)
    this.optB = new AdamW(this.weights.b.length, opt)
    this.gA = new Float32Array(this.weights.a.length)
    this.gB = new Float32Array(this.weights.b.length)
    const { d, c } = pool
    this.batch = { n: cfg.batch, feats: new Float32Array(cfg.batch * d), base: new Float32Array(cfg.batch * c), labels: new Uint8Array(cfg.batch), weights: new Float32Array(cfg.batch).fill(1) }
    this.scratch = makeScratch(cfg.rank, c)
    this.every = Math.max(1, Math.round(cfg.steps / 100))
  }

  get done(): boolean {
    return this.step >= this.cfg.steps
  }

  private gather(): void {
    const { pool, batch, rng } = this
    const { d, c } = pool
    for (let s = 0; s < batch.n; s++) {
      const i = this.sampler.sample(rng)
      batch.feats.set(pool.feats.subarray(i * d, i * d + d), s * d)
      batch.base.set(pool.base.subarray(i * c, i * c + c), s * c)
      batch.labels[s] = pool.labels[i]!
    }
  }

  /** Runs up to `n` steps; returns how many ran. */
  run(n: number): number {
    const { weights: w, cfg } = this
    let ran = 0
    while (ran < n && !this.done) {
      this.gather()
      const loss = lossAndGrad(this.batch, w.a, w.b, cfg.rank, w.c, w.d, this.gA, this.gB, this.scratch)
      const scale = warmupCosine(this.step, this.cfg.steps)
      this.optA.step(w.a, this.gA, scale)
      this.optB.step(w.b, this.gB, scale)
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
