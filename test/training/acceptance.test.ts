/**
 * Issue 7 acceptance, with the embedded tiny model: generated scenes with a thermal domain shift,
 * the base model pre-fills the shifted images, the ground truth of 50 of them is accepted, one
 * fine-tune; on 100 held-out shifted images mIoU must rise by ≥ 0.10 and on 100 unshifted images
 * drop by ≤ 0.02. Generated datasets are cached in the OS temp folder between runs.
 */
import { describe, expect, it } from 'vitest'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { embeddedPackageDir } from '../../src/main/core/models/versions/modelVersions'
import { DEFAULT_SHIFT, runScenario } from '../../bench/training/scenario'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()

describe('fine-tuning acceptance (embedded tiny model, thermal domain shift)', () => {
  it('gains ≥ 0.10 mIoU on held-out shifted images and loses ≤ 0.02 on unshifted ones', async () => {
    const r = await runScenario({
      workDir: tmp(),
      cacheDir: join(tmpdir(), 'twinlight-training-scenario'),
      modelDir: embeddedPackageDir(),
      shift: DEFAULT_SHIFT,
      log: (l) => console.log(l)
    })
    console.log(`Held-out SHIFTED images (${r.shifted.images}, adapter applied to ${r.shifted.applied}):\n${r.shifted.table}\n\nHeld-out UNSHIFTED images (${r.unshifted.images}, adapter applied to ${r.unshifted.applied}):\n${r.unshifted.table}\n\n${r.report.decision}`)
    expect(r.report.trainImages).toBe(50)
    expect(r.shifted.images).toBe(100)
    expect(r.unshifted.images).toBe(100)
    expect(r.shifted.candidate.mIoU! - r.shifted.parent.mIoU!).toBeGreaterThanOrEqual(0.1)
    expect(r.unshifted.parent.mIoU! - r.unshifted.candidate.mIoU!).toBeLessThanOrEqual(0.02)
    expect(r.report.activated).toBe(true)
  }, 900_000)
})
