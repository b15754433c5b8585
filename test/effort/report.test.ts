// Block means, totals and the after-two-rounds goal of the effort bench.
import { describe, expect, it } from 'vitest'
import { blocks, goalAfterTwoRounds, totals, type Baseline, type ImageRecord } from '../../bench/effort/report'
import type { Effort } from '../../bench/effort/annotator'

const eff = (actions: number, pixels = actions * 10): Effort => ({ pixelsToFix: pixels, rejects: 0, relabels: 0, clicks: actions, objectsClicked: 0, strokes: 0, residualPixels: 0, actions })

describe('effort report', () => {
  const names = ['a', 'b', 'c', 'd', 'e', 'f']
  const base = new Map<string, Baseline>(names.map((n) => [n, { base: eff(4), none: eff(10) }]))
  const records: ImageRecord[] = names.map((name, i) => ({ position: i + 1, name, version: i < 2 ? '1:base' : '2:tuned', confidence: null, effort: eff(i < 4 ? 4 : 1) }))

  it('blocks of k images with the run, base and no-model means', () => {
    const b = blocks(records, base, 4)
    expect(b).toHaveLength(2)
    expect(b[0]).toMatchObject({ images: [1, 4], versions: ['1:base', '2:tuned'], actions: { run: 4, base: 4, none: 10 } })
    expect(b[1]).toMatchObject({ images: [5, 6], actions: { run: 1, base: 4, none: 10 }, pixelsToFix: { run: 10, base: 40, none: 100 } })
  })

  it('the goal compares the images after two rounds with the base model on them', () => {
    expect(goalAfterTwoRounds(records, base, 2)).toEqual({ images: 2, runMeanActions: 1, baseMeanActions: 4, ratio: 0.25, pass: true })
    expect(goalAfterTwoRounds(records, base, 1).pass).toBe(false) // c, d cost as much as the base
    expect(totals(records.map((r) => r.effort))).toMatchObject({ images: 6, actions: 18, meanActions: 3 })
  })
})
