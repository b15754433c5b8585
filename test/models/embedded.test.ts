/**
 * Acceptance on the embedded tiny model: a generated demo-like project (640x480 MFNet layout,
 * a seed the model never saw) pre-filled with no model chosen → the embedded package is registered
 * and activated, every image has a proposal, a confidence map and regions, and the proposals agree
 * with the generator's ground truth (a wrong preprocessing step would wreck this).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { useTmp } from '../helpers/tmp'
import { makeProject } from './helpers'
import { embeddedPackageDir } from '../../src/main/core/models/versions/modelVersions'
import { disposeTestWorkstations } from '../helpers/workstation'
import { readLabel } from '../../src/main/core/imaging/png'
import type { PrefillResult } from '../../src/main/core/prefill/prefillJob'

const tmp = useTmp()
afterAll(() => disposeTestWorkstations())

describe('embedded tiny model', () => {
  it('pre-fills a generated 640x480 project; proposals match the ground truth', async () => {
    const p = await makeProject(tmp(), 4, { width: 640, height: 480, seed: 4242 })
    const store = p.ws.project
    const job = p.ws.jobs.start('prefill', {})
    const done = await p.ws.jobs.wait(job.id)
    expect(done.state, done.error ?? '').toBe('done')
    const r = done.result as PrefillResult
    expect(r.images).toBe(4)
    const active = store.models.active()!
    expect(active.kind).toBe('base')
    expect(active.packagePath).toBe(embeddedPackageDir())
    let correct = 0
    let total = 0
    for (const [i, id] of p.ids.entries()) {
      const prop = store.proposals.latest(id)!
      expect(prop.confidence).not.toBeNull()
      expect(prop.regions.length).toBeGreaterThan(0)
      const gt = await readLabel(join(p.datasetDir, 'labels', `${p.names[i]}.png`))
      for (let k = 0; k < gt.data.length; k++) if (gt.data[k] === prop.labels[k]) correct++
      total += gt.data.length
    }
    expect(correct / total).toBeGreaterThan(0.85)
    await p.ws.closeProject()
  })
})
