/**
 * getCacheStats as the Model panel reads it (issue #21 item 3): one image's cost for the active
 * package from its manifest, how many project images fit, and the cap setting (validated; a
 * smaller cap evicts at once).
 */
import { describe, expect, it } from 'vitest'
import { useTmp } from '../helpers/tmp'
import { makePackage, makeProject } from './helpers'
import { ensureBaseModel } from '../../src/main/core/models/versions/modelVersions'
import { disposeTestWorkstations } from '../helpers/workstation'
import { createDispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { computeOutputs } from '../../src/main/core/models/features/features'
import type { CacheInfo } from '@shared/contract/methods/models'

const tmp = useTmp()

describe('getCacheStats: per-image cost, fit and the cap setting', () => {
  it('reports header + C·h·w·4 + D·h·w·2 per image, how many fit, and evicts when the cap shrinks', async () => {
    const pkg = makePackage({ policy: 'pad-bottom-right', inW: 64, inH: 64, classes: 9, dim: 8, seed: 3, name: 'train-fixture' })
    const p = await makeProject(tmp(), 6, { width: 96, height: 72, seed: 11 })
    try {
      await ensureBaseModel(p.ws.project, pkg)
      const api = createDispatcher(allHandlers(p.ws), () => {})
      const call = async (args: unknown) => {
        const r = await api.call('getCacheStats', args)
        if (!r.ok) throw new Error(r.error.message)
        return r.result as CacheInfo
      }
      for (const id of p.ids) await computeOutputs(p.ws, id)
      const info = await call({})
      const { c, d, h, w } = info.perImage!
      expect([c, d]).toEqual([9, 8])
      expect(info.perImage!.bytes).toBe(24 + 4 * c * h * w + 2 * d * h * w)
      // The size on disk is what the panel says.
      expect(info.bytes).toBe(6 * info.perImage!.bytes)
      expect(info.projectImages).toBe(6)
      expect(info.fitImages).toBe(6)

      const bad = await api.call('getCacheStats', { capMb: 0 })
      expect(bad.ok).toBe(false)
      expect(!bad.ok && bad.error.message).toMatch(/capMb/)

      const small = await call({ capMb: 64 })
      expect(small.capBytes).toBe(64 * 1024 * 1024)
      expect(small.fitImages).toBe(6)
      // A cap below one project's worth: set the cache's cap directly (the setting's floor is 64 MB).
      p.ws.inference.cache.setCap(2.5 * info.perImage!.bytes)
      const tight = await call({})
      expect(tight.entries).toBe(2)
      expect(tight.fitImages).toBe(2)
    } finally {
      await p.ws.closeProject()
      await disposeTestWorkstations()
    }
  })
})
