/**
 * Pre-fill with a partial class mapping (Models panel: some model classes → "none"): pixels of a
 * mapped class get its project class, pixels of unmapped classes are written as unlabelled (0), in
 * the proposal and in the current map.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { useTmp } from '../helpers/tmp'
import { makePackage, makeProject } from './helpers'
import { ensureBaseModel } from '../../src/main/core/models/versions/modelVersions'
import { disposeTestWorkstations } from '../helpers/workstation'
import { modelHandlers } from '../../src/main/core/api/handlers/models'
import { classPreset } from '../../src/main/core/classPresets'

const tmp = useTmp()
afterAll(() => disposeTestWorkstations())

describe('pre-fill with a partial class mapping', () => {
  it('writes only mapped classes; unmapped pixels stay unlabelled', async () => {
    const p = await makeProject(tmp(), 2)
    const store = p.ws.project
    const vid = await ensureBaseModel(store, makePackage())
    // Raw model classes first (MFNet project: the classes agree, identity mapping).
    const first = await p.ws.jobs.wait(p.ws.jobs.start('prefill', { modelVersionId: vid }).id)
    expect(first.state).toBe('done')
    const raw = new Map(p.ids.map((id) => [id, store.proposals.latest(id)!.labels.slice()]))
    // The most frequent non-zero model class is the one we map.
    const counts = new Array<number>(9).fill(0)
    for (const labels of raw.values()) for (const v of labels) counts[v]!++
    const mapped = counts.slice(1).indexOf(Math.max(...counts.slice(1))) + 1
    expect(counts[mapped]).toBeGreaterThan(0)
    const others = counts.reduce((n, c, k) => (k !== mapped && k !== 0 ? n + c : n), 0)
    expect(others).toBeGreaterThan(0) // some pixels belong to classes left unmapped

    store.setClasses(classPreset('pst900'))
    const survivor = 4
    const mapping: (number | null)[] = Array.from({ length: 9 }, (_, k) => (k === mapped ? survivor : null))
    expect(await modelHandlers(p.ws).setClassMapping({ modelVersionId: vid, mapping })).toEqual({ model: 'test-tiny@0.0.1', mapping })
    const second = await p.ws.jobs.wait(p.ws.jobs.start('prefill', { modelVersionId: vid }).id)
    expect(second.state).toBe('done')
    for (const id of p.ids) {
      const before = raw.get(id)!
      const proposal = store.proposals.latest(id)!.labels
      const current = store.annotations.current(id)!.labels
      for (let i = 0; i < before.length; i++) {
        const want = before[i] === mapped ? survivor : 0
        if (proposal[i] !== want || current[i] !== want) throw new Error(`image ${id} pixel ${i}: model class ${before[i]} → proposal ${proposal[i]}, map ${current[i]}, want ${want}`)
      }
    }
    await p.ws.closeProject()
  })
})
