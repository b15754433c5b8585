/**
 * Sums the simulated annotator's per-image records into what issue 20 asks to see: per block of K
 * images (review position), mean pixels to fix and corrective actions with the version in use,
 * beside the 'no model' and 'base model only' costs of the same images; totals; and the goal
 * (after the first two rounds, actions ≤ half the base model's on the same images). Pure.
 */
import type { Effort } from './annotator'

export interface ImageRecord {
  position: number
  name: string
  /** Model version of the proposal the annotator started from. */
  version: string
  confidence: number | null
  effort: Effort
}

export interface Baseline {
  base: Effort
  none: Effort
}

export interface Block {
  block: number
  images: [number, number]
  versions: string[]
  pixelsToFix: { run: number; base: number; none: number }
  actions: { run: number; base: number; none: number }
}

const mean = (v: number[]): number => (v.length ? +(v.reduce((a, b) => a + b, 0) / v.length).toFixed(2) : 0)

export function blocks(records: readonly ImageRecord[], baseline: ReadonlyMap<string, Baseline>, k: number): Block[] {
  const out: Block[] = []
  for (let s = 0; s < records.length; s += k) {
    const r = records.slice(s, s + k)
    const b = r.map((x) => baseline.get(x.name)!)
    out.push({
      block: out.length + 1,
      images: [s + 1, s + r.length],
      versions: [...new Set(r.map((x) => x.version))],
      pixelsToFix: { run: mean(r.map((x) => x.effort.pixelsToFix)), base: mean(b.map((x) => x.base.pixelsToFix)), none: mean(b.map((x) => x.none.pixelsToFix)) },
      actions: { run: mean(r.map((x) => x.effort.actions)), base: mean(b.map((x) => x.base.actions)), none: mean(b.map((x) => x.none.actions)) }
    })
  }
  return out
}

export interface Totals {
  images: number
  pixelsToFix: number
  actions: number
  meanActions: number
  clicks: number
  strokes: number
  regionActions: number
  discarded: number
}

export function totals(efforts: readonly Effort[]): Totals {
  const sum = (f: (e: Effort) => number) => efforts.reduce((a, e) => a + f(e), 0)
  return {
    images: efforts.length,
    pixelsToFix: sum((e) => e.pixelsToFix),
    actions: sum((e) => e.actions),
    meanActions: mean(efforts.map((e) => e.actions)),
    clicks: sum((e) => e.clicks),
    strokes: sum((e) => e.strokes),
    regionActions: sum((e) => e.rejects + e.relabels),
    discarded: efforts.filter((e) => e.discarded).length
  }
}

export interface Goal {
  /** Images reviewed after the first two fine-tune rounds. */
  images: number
  runMeanActions: number
  baseMeanActions: number
  ratio: number | null
  pass: boolean
}

export function goalAfterTwoRounds(records: readonly ImageRecord[], baseline: ReadonlyMap<string, Baseline>, k: number): Goal {
  const after = records.slice(2 * k)
  const run = mean(after.map((x) => x.effort.actions))
  const base = mean(after.map((x) => baseline.get(x.name)!.base.actions))
  const ratio = base > 0 ? +(run / base).toFixed(3) : null
  return { images: after.length, runMeanActions: run, baseMeanActions: base, ratio, pass: after.length > 0 && ratio !== null && ratio <= 0.5 }
}
