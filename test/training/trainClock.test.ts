import { describe, expect, it } from 'vitest'
import { TrainClock } from '../../src/main/core/training/trainClock'

describe('fine-tuning ETA at 60 s per image', () => {
  it('counts images at their measured cost and steps at theirs (fake clock)', () => {
    let t = 0
    const c = new TrainClock(10, 300, () => t) // 8 train + 2 held-out images, 300 steps
    expect(c.eta()).toBeNull()
    t += 60_000
    c.image()
    // 9 images left at 60 s; steps not timed yet.
    expect(c.eta()).toBe(9 * 60)
    for (let k = 0; k < 7; k++) {
      t += 60_000
      c.image()
    }
    c.beginSteps()
    t += 3_000
    c.stepsAt(100) // 30 ms per step
    expect(c.eta()).toBeCloseTo(2 * 60 + 200 * 0.03, 6)
    t += 6_000
    c.stepsAt(300)
    c.beginImages() // training time is not image time
    t += 60_000
    c.image()
    expect(c.eta()).toBeCloseTo(60, 6)
  })
})
