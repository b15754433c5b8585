/**
 * Issue 8's acceptance measurement, in CI: one click at the deepest pixel of each of 50 generated
 * cars and persons (640x480, a seed no training run used) through promptSegment with the embedded
 * tiny package, IoU against the object's instance mask. The bar: IoU ≥ 0.7 on ≥ 80% of them. The
 * committed decoder reaches exactly 80% (40 of 50; mean IoU 0.80); the objects nearest the 0.7 line
 * sit at 0.673 and 0.733, far beyond float noise between machines. One corrective click (NoC
 * protocol) must raise the IoU of the objects the first click missed. bench/click/acceptance.ts is
 * the same measurement as a script, plus 200 objects of another seed (bench/results/click.json).
 */
import { describe, expect, it } from 'vitest'
import { runAcceptance } from '../../bench/click/acceptance'
import { TINY_MODEL_DIR } from '../../src/main/core/datasets/jobs/demo'

describe('tiny package click-to-segment quality', () => {
  it('a click inside a car or person gives IoU ≥ 0.7 on ≥ 80% of 50 objects', async () => {
    const r = await runAcceptance(TINY_MODEL_DIR())
    const m = r.twoClicks.missed
    console.log(`click acceptance: ${r.objects} objects (${JSON.stringify(r.perClass)}), mean IoU ${r.meanIou}, share IoU ≥ 0.7: ${r.shareIouAtLeast07}; after one corrective click: mean ${r.twoClicks.meanIou}, share ${r.twoClicks.shareIouAtLeast07}; the ${m.objects} missed: ${m.meanIouBefore} -> ${m.meanIouAfter}`)
    expect(r.objects).toBe(50)
    expect(r.perClass.car! + r.perClass.person!).toBe(50)
    expect(r.shareIouAtLeast07).toBeGreaterThanOrEqual(0.8)
    expect(r.pass).toBe(true)
    expect(r.meanIou).toBeGreaterThanOrEqual(0.78)
    // a corrective click on a miss (decoded with the first mask as mask_input) helps (0.48 -> 0.57)
    expect(m.objects).toBeGreaterThan(0)
    expect(m.meanIouAfter).toBeGreaterThan(m.meanIouBefore + 0.03)
  }, 300_000)
})
