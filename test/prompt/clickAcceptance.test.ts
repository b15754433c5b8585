/**
 * Issue 8's acceptance measurement, in CI: one click at the deepest pixel of each of 50 generated
 * cars and persons (640x480, a seed no training run used) through promptSegment with the embedded
 * tiny package, IoU against the object's instance mask. The issue's bar is IoU ≥ 0.7 on ≥ 80%;
 * the committed decoder reaches 70% (mean IoU 0.73), so this test guards that level against
 * regressions and prints the numbers; it does not claim the bar. It also checks that one
 * corrective click (NoC protocol) raises the mean IoU. bench/click/acceptance.ts is the
 * same measurement as a script (bench/results/click.json).
 */
import { describe, expect, it } from 'vitest'
import { runAcceptance } from '../../bench/click/acceptance'
import { TINY_MODEL_DIR } from '../../src/main/core/project/demo'

const MEASURED_SHARE = 0.70
const MEASURED_MEAN_IOU = 0.73

describe('tiny package click-to-segment quality', () => {
  it('a click inside a car or person: IoU ≥ 0.7 share and mean IoU stay at the measured level', async () => {
    const r = await runAcceptance(TINY_MODEL_DIR())
    console.log(`click acceptance: ${r.objects} objects (${JSON.stringify(r.perClass)}), mean IoU ${r.meanIou}, share IoU ≥ 0.7: ${r.shareIouAtLeast07} (issue bar 0.8: ${r.pass ? 'met' : 'not met'}); after one corrective click: mean ${r.twoClicks.meanIou}, share ${r.twoClicks.shareIouAtLeast07}`)
    expect(r.objects).toBe(50)
    expect(r.perClass.car! + r.perClass.person!).toBe(50)
    expect(r.shareIouAtLeast07).toBeGreaterThanOrEqual(MEASURED_SHARE - 0.04)
    expect(r.meanIou).toBeGreaterThanOrEqual(MEASURED_MEAN_IOU - 0.03)
    // a corrective click (decoded with the first mask as mask_input) helps on average (0.73 -> 0.78)
    expect(r.twoClicks.meanIou).toBeGreaterThan(r.meanIou)
  }, 300_000)
})
