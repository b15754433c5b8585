/**
 * Pre-fill with a slow model (issue #21 item 4): the engine is wrapped to take 1.2 s per image,
 * one run at a time like a real accelerator (test-only; nothing in production waits). Progress is
 * reported per image with an ETA, and a cancel takes effect within one image: at most the image
 * being run when the cancel arrives finishes, no run is started after it.
 */
import { describe, expect, it } from 'vitest'
import { useTmp } from '../helpers/tmp'
import { makePackage, makeProject } from './helpers'
import { ensureBaseModel, resolveVersion } from '../../src/main/core/models/versions/modelVersions'
import { disposeTestWorkstations } from '../helpers/workstation'
import type { EventPayload } from '@shared/contract/events'

const tmp = useTmp()
const DELAY_MS = 1200

describe('pre-fill with a slow model', () => {
  it('reports each image with an ETA and cancels within one image', async () => {
    const pkg = makePackage({ policy: 'pad-bottom-right', inW: 64, inH: 64, classes: 9, dim: 8, seed: 3, name: 'train-fixture' })
    const p = await makeProject(tmp(), 8, { width: 96, height: 72, seed: 11 })
    try {
      const { ws } = p
      await ensureBaseModel(ws.project, pkg)
      const engine = await ws.inference.engines.get((await resolveVersion(ws.project)).packageDir, { forceCpu: ws.inference.forceCpu })
      const run = engine.run.bind(engine)
      let chain: Promise<unknown> = Promise.resolve()
      let started = 0
      let finished = 0
      let cancelledAt = -1
      const startedAfterCancel: number[] = []
      engine.run = (slot) => {
        const r = chain.then(async () => {
          started++
          if (cancelledAt >= 0) startedAfterCancel.push(started)
          await new Promise((res) => setTimeout(res, DELAY_MS))
          const out = await run(slot)
          finished++
          return out
        })
        chain = r.catch(() => undefined)
        return r
      }
      const events: EventPayload<'job.progress'>[] = []
      const job = ws.jobs.start('prefill', {})
      const off = ws.hub.subscribe((e, payload) => {
        if (e !== 'job.progress') return
        const ev = payload as EventPayload<'job.progress'>
        events.push(ev)
        if (ev.done === 2 && cancelledAt < 0) {
          cancelledAt = finished
          void ws.jobs.cancel(job.id)
        }
      })
      const done = await ws.jobs.wait(job.id)
      off()
      expect(done.state).toBe('cancelled')
      // Per-image progress: 1/8 and 2/8 were reported, the second with an ETA near 6 images' time.
      const second = events.find((e) => e.done === 2)!
      expect(events.some((e) => e.done === 1 && e.total === 8)).toBe(true)
      expect(second.eta).not.toBeNull()
      expect(second.eta!).toBeGreaterThan(2)
      // Within one image: nothing started after the cancel, at most the running one finished.
      expect(startedAfterCancel).toEqual([])
      expect(finished - cancelledAt).toBeLessThanOrEqual(1)
      expect(done.done).toBeLessThanOrEqual(3)
    } finally {
      await p.ws.closeProject()
      await disposeTestWorkstations()
    }
  })
})
