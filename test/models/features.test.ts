/**
 * computeOutputs (the training engineer's entry point) and the feature cache behind it: a cache
 * hit gives the fresh run's logits exactly and its features within float16 precision; the cache
 * keeps to its cap by evicting the least recently used entries; a zero adapter version gives the
 * base logits exactly.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { useTmp } from '../helpers/tmp'
import { makePackage, makeProject } from './helpers'
import { computeOutputs } from '../../src/main/core/models/features/features'
import { ensureBaseModel } from '../../src/main/core/models/versions/modelVersions'
import { disposeTestWorkstations } from '../helpers/workstation'
import { FeatureCache } from '../../src/main/core/models/features/featureCache'
import { encodeAdapter, zeroAdapter } from '@shared/adapter'

const tmp = useTmp()
afterAll(() => disposeTestWorkstations())

describe('computeOutputs and the feature cache', () => {
  it('cache hit: same logits bit for bit, features within fp16 precision', async () => {
    const p = await makeProject(tmp(), 2)
    const vid = await ensureBaseModel(p.ws.project, makePackage())
    const fresh = await computeOutputs(p.ws, p.ids[0]!, vid)
    expect(fresh).toMatchObject({ c: 9, d: 8, h: 12, w: 16 })
    expect(p.ws.inference.cache.stats()).toMatchObject({ entries: 1, misses: 1, hits: 0, writes: 1 })
    const cached = await computeOutputs(p.ws, p.ids[0]!, vid)
    expect(p.ws.inference.cache.stats().hits).toBe(1)
    expect(Buffer.from(cached.logits.buffer).equals(Buffer.from(fresh.logits.buffer))).toBe(true)
    for (let i = 0; i < fresh.features.length; i++) {
      expect(Math.abs(cached.features[i]! - fresh.features[i]!)).toBeLessThanOrEqual(Math.abs(fresh.features[i]!) * 2 ** -11 + 1e-7)
    }
    await p.ws.closeProject()
  })

  it('evicts least recently used entries beyond the cap; stats count them', async () => {
    const p = await makeProject(tmp(), 4)
    const vid = await ensureBaseModel(p.ws.project, makePackage())
    const entry = 24 + 4 * 9 * 12 * 16 + 2 * 8 * 12 * 16 // header + fp32 logits + fp16 features
    const cache = new FeatureCache(join(p.dataDir, 'small-cache'), entry * 2 + 10)
    p.ws.inference.cache = cache
    const [a, b, c] = p.ids
    await computeOutputs(p.ws, a!, vid)
    await new Promise((r) => setTimeout(r, 5))
    await computeOutputs(p.ws, b!, vid)
    await new Promise((r) => setTimeout(r, 5))
    await computeOutputs(p.ws, a!, vid) // a is now more recent than b
    await new Promise((r) => setTimeout(r, 5))
    await computeOutputs(p.ws, c!, vid) // over the cap: b goes
    const s = cache.stats()
    expect(s).toMatchObject({ entries: 2, bytes: entry * 2, evictions: 1, hits: 1 })
    await computeOutputs(p.ws, a!, vid)
    expect(cache.stats().hits).toBe(2)
    await computeOutputs(p.ws, b!, vid)
    expect(cache.stats().misses).toBe(4) // a, b, c, then b again
    // A new cache object over the same folder rebuilds its index from disk.
    expect(new FeatureCache(cache.dir, cache.capBytes).stats()).toMatchObject({ entries: 2, bytes: entry * 2 })
    await p.ws.closeProject()
  })

  it('a model version with an all-zero adapter reproduces the base logits exactly', async () => {
    const p = await makeProject(tmp(), 1)
    const store = p.ws.project
    const base = await ensureBaseModel(store, makePackage())
    const A = Float32Array.from({ length: 4 * 8 }, (_, i) => Math.sin(i))
    const zero = store.models.add({ name: 'zero', kind: 'adapter', parentId: base, packagePath: store.models.get(base).packagePath, adapter: encodeAdapter(zeroAdapter(4, 8, 9, A)) })
    p.ws.inference.cache = new FeatureCache(join(p.dataDir, 'no-cache'), 1) // nothing fits: both runs are fresh
    const b = await computeOutputs(p.ws, p.ids[0]!, base)
    const z = await computeOutputs(p.ws, p.ids[0]!, zero)
    expect(Buffer.from(z.logits.buffer).equals(Buffer.from(b.logits.buffer))).toBe(true)
    const B = Float32Array.from({ length: 9 * 4 }, (_, i) => (i % 5) - 2)
    const nz = store.models.add({ name: 'nz', kind: 'adapter', parentId: base, packagePath: store.models.get(base).packagePath, adapter: encodeAdapter({ rank: 4, d: 8, c: 9, scale: 1, a: A, b: B }) })
    const n = await computeOutputs(p.ws, p.ids[0]!, nz)
    expect(Buffer.from(n.logits.buffer).equals(Buffer.from(b.logits.buffer))).toBe(false)
    await p.ws.closeProject()
  })
})
