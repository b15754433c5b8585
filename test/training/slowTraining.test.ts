/**
 * Fine-tuning with a slow model (issue #21 item 4): each image's outputs take 300 ms (a test-only
 * wrapper around the synthetic source; 60 s in real life when features must be recomputed). Both
 * tiers report per image, with an ETA that counts images at their cost rather than at a step's,
 * and a cancel takes effect within one image (no image is read after it).
 */
import { describe, expect, it } from 'vitest'
import { registerTrainingJob } from '../../src/main/core/training/registerTraining'
import type { EventPayload } from '@shared/contract/events'
import type { OutputsSource } from '../../src/main/core/training/outputs'
import { useTmp } from '../helpers/tmp'
import { syntheticProject } from './synthetic'

const tmp = useTmp()
const DELAY_MS = 300

describe('fine-tuning with a slow model', () => {
  for (const tier of ['adapter', 'head'] as const) {
    it(`${tier} tier: per-image progress, an ETA in image time, cancel within one image`, async () => {
      const p = await syntheticProject(tmp())
      p.addImages(10, { shifted: false })
      let reads = 0
      let readsAtCancel = -1
      const times: number[] = []
      const slow: OutputsSource = {
        async outputs(id) {
          const t = Date.now()
          await new Promise((r) => setTimeout(r, DELAY_MS))
          const o = await p.source.outputs(id)
          reads++
          times.push(Date.now() - t)
          return o
        }
      }
      registerTrainingJob(p.ws, () => slow)
      const events: EventPayload<'job.progress'>[] = []
      const job = p.ws.jobs.start('train', { tier, steps: 200 })
      const off = p.ws.hub.subscribe((e, payload) => {
        if (e !== 'job.progress') return
        const ev = payload as EventPayload<'job.progress'>
        if (ev.jobId !== job.id) return
        events.push(ev)
        if (ev.detail?.phase === 'load' && ev.done === 3 && readsAtCancel < 0) {
          readsAtCancel = reads
          p.ws.jobs.cancel(job.id)
        }
      })
      const done = await p.ws.jobs.wait(job.id)
      off()
      expect(done.state).toBe('cancelled')
      expect(p.ws.project.models.list().length).toBe(1) // nothing stored
      // Within one image: at most the read in flight when the cancel came finished.
      expect(reads - readsAtCancel).toBeLessThanOrEqual(1)
      const third = events.find((e) => e.done === 3)!
      expect(events.filter((e) => e.detail?.phase === 'load').map((e) => e.done)).toEqual(expect.arrayContaining([1, 2, 3]))
      // The ETA the job gives is what the status bar shows: images left × their measured cost.
      expect(third.eta).toBe(third.detail!.etaS)
      const perImage = times.slice(0, 3).reduce((a, b) => a + b, 0) / 3 / 1000
      const imagesLeft = 10 - 3 // 10 accepted images in all (train + the ones held out by hash)
      const unitsLeft = third.total - third.done
      // Well below the naive units × image time (200 steps counted as images).
      expect(third.eta!).toBeLessThan((unitsLeft * perImage) / 4)
      expect(third.eta!).toBeGreaterThan(0.25 * Math.min(imagesLeft, unitsLeft) * perImage)
    })
  }
})
