/**
 * Issue #21 item 3: fine-tuning a project whose backbone outputs do not fit the feature cache.
 * Both tiers train through the real inference layer (fixture ONNX package) with a cap of two
 * entries for 8 accepted images: the run finishes and gives exactly the unlimited-cap result
 * (features go through float16 whether cached or recomputed), and the head tier's pool keeps only
 * the sampled cells' neighbourhoods, not every image's full outputs.
 */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { decodeImage } from '../../src/main/core/imaging/png'
import { ensureBaseModel } from '../../src/main/core/models/versions/modelVersions'
import { FeatureCache } from '../../src/main/core/models/features/featureCache'
import { buildHeadPool, headClasses } from '../../src/main/core/training/head/headData'
import { disposeTestWorkstations } from '../helpers/workstation'
import { getReport } from '../../src/main/core/training/versions'
import type { TrainingReport, TrainJobResult } from '@shared/contract/methods/training'
import type { CacheStats } from '../../src/main/core/models/features/featureCache'
import { makePackage, makeProject } from '../models/helpers'
import { useTmp } from '../helpers/tmp'
import { syntheticProject } from './synthetic'

const tmp = useTmp()

type Tier = 'adapter' | 'head'

/** Trains both tiers on 8 accepted + 2 held-out images; `capEntries` null: an unlimited cap. */
async function run(pkg: string, capEntries: number | null): Promise<{ reports: Record<Tier, TrainingReport>; stats: CacheStats }> {
  const dir = tmp()
  const p = await makeProject(dir, 10, { width: 96, height: 72, seed: 11, split: (i) => (i < 8 ? 'train' : 'test') })
  const { ws, ids, names, datasetDir } = p
  try {
    const store = ws.project
    await ensureBaseModel(store, pkg)
    for (const [i, id] of ids.entries()) {
      const gt = await decodeImage(join(datasetDir, 'labels', `${names[i]}.png`))
      store.annotations.replace(id, gt.width, gt.height, gt.data as Uint8Array, 'human', null)
      store.annotations.accept(id)
    }
    if (capEntries !== null) {
      // One entry's size from a probe cache, then a fresh cache that holds `capEntries` of them.
      const probe = new FeatureCache(join(dir, 'probe'), 1 << 30)
      ws.inference.cache = probe
      const { computeOutputs } = await import('../../src/main/core/models/features/features')
      await computeOutputs(ws, ids[0]!)
      const entry = probe.stats().bytes
      ws.inference.cache = new FeatureCache(join(dir, 'capped'), capEntries * entry + entry / 2)
    }
    const reports = {} as Record<Tier, TrainingReport>
    for (const tier of ['adapter', 'head'] as const) {
      const done = await ws.jobs.wait(ws.jobs.start('train', { tier, steps: 120, seed: 3, activate: 'never' }).id)
      expect(done.state, done.error ?? '').toBe('done')
      reports[tier] = getReport(store, (done.result as TrainJobResult).modelVersionId)
    }
    return { reports, stats: ws.inference.cache.stats() }
  } finally {
    await ws.closeProject()
    await disposeTestWorkstations()
  }
}

const comparable = (r: TrainingReport) => ({ ...r, timings: null, modelVersionId: null, createdAt: null })

describe('training with a feature cache smaller than the project (issue #21 item 3)', () => {
  it('both tiers finish with a 2-entry cap for 8 images and equal the unlimited-cap run', async () => {
    const pkg = makePackage({ policy: 'pad-bottom-right', inW: 64, inH: 64, classes: 9, dim: 8, seed: 3, name: 'cap-fixture' })
    const full = await run(pkg, null)
    const capped = await run(pkg, 2)
    console.log(`unlimited: ${full.stats.entries} entries, ${full.stats.evictions} evictions; cap 2: ${capped.stats.entries} entries, ${capped.stats.evictions} evictions, ${capped.stats.misses} misses`)
    expect(full.stats.entries).toBe(10)
    expect(full.stats.evictions).toBe(0)
    expect(capped.stats.entries).toBeLessThanOrEqual(2)
    expect(capped.stats.evictions).toBeGreaterThan(8)
    for (const tier of ['adapter', 'head'] as const) {
      expect(capped.reports[tier].tier ?? 'adapter').toBe(tier)
      expect(capped.reports[tier].trainImages).toBe(8)
      expect(capped.reports[tier].candidateMIoU).not.toBeNull()
      // Exactly the same: same float16 features whether read from the cache or recomputed.
      expect(comparable(capped.reports[tier])).toEqual(comparable(full.reports[tier]))
    }
  })

  it("the head pool keeps only the sampled cells' 3×3 neighbourhoods, not each image's full outputs", async () => {
    const p = await syntheticProject(tmp())
    const ids = p.addImages(6, { shifted: false })
    const store = p.ws.project
    const channels = headClasses(store.classes())
    const pool = await buildHeadPool(store, p.source, ids, channels, { perImage: 6, dilation: 2, seed: 1, recencyBoost: 2 })
    const o = await p.source.outputs(ids[0]!)
    const cin = o.c + o.d
    const fullFloats = o.h * o.w * cin
    expect(pool.grids.length).toBe(6)
    for (const [i, g] of pool.grids.entries()) {
      const cells = pool.cells![i]!
      expect(g.length).toBe(cells.length * cin)
      expect(cells.length).toBeLessThanOrEqual(6 * 9)
      expect(g.length).toBeLessThan(fullFloats)
    }
  })
})
