/** AdamW (decoupled weight decay, bias-corrected moments) over one flat parameter tensor. */
export interface AdamWOptions {
  lr: number
  beta1: number
  beta2: number
  eps: number
  weightDecay: number
}

export const defaultAdamW: AdamWOptions = { lr: 5e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-4 }

export class AdamW {
  private readonly m: Float64Array
  private readonly v: Float64Array
  private t = 0

  constructor(size: number, private readonly o: AdamWOptions = defaultAdamW) {
    this.m = new Float64Array(size)
    this.v = new Float64Array(size)
  }

  /** One update of `p` in place from gradient `g`; `lrScale` carries the schedule (warm-up, decay). */
  step(p: Float32Array | Float64Array, g: Float32Array | Float64Array, lrScale = 1): void {
    const { beta1, beta2, eps, weightDecay } = this.o
    const lr = this.o.lr * lrScale
    this.t++
    const c1 = 1 - Math.pow(beta1, this.t)
    const c2 = 1 - Math.pow(beta2, this.t)
    const { m, v } = this
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!
      m[i] = beta1 * m[i]! + (1 - beta1) * gi
      v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi
      const update = m[i]! / c1 / (Math.sqrt(v[i]! / c2) + eps)
      p[i] = p[i]! - lr * (update + weightDecay * p[i]!)
    }
  }
}

/** Learning-rate multiplier at `step` of `steps`: linear warm-up over 5% of the steps, then cosine down to 10%. */
export function warmupCosine(step: number, steps: number): number {
  const warm = Math.max(1, Math.round(steps * 0.05))
  if (step < warm) return (step + 1) / warm
  const t = (step - warm) / Math.max(1, steps - warm)
  return 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * t))
}
