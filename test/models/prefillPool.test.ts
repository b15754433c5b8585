/**
 * The pre-fill stage pool: worker threads give exactly what this thread gives (input tensors,
 * labels, confidence, regions, float16 features), the job's stored proposals equal the
 * single-threaded pipeline's, corrupt images come back as problems, a worker that dies fails only
 * its own task and is replaced (in the job: that image is reported, the others pre-filled), a worker that cannot start makes the pool run inline, and the
 * encoded feature-cache write reads back like putAsync.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { useTmp } from '../helpers/tmp'
import { makePackage, makeProject } from './helpers'
import { disposeTestWorkstations } from '../helpers/workstation'
import { ensureBaseModel } from '../../src/main/core/models/versions/modelVersions'
import { modelImageSource, readImageForModel } from '../../src/main/core/models/pixels/imageInput'
import { allocSlot, Preprocessor } from '../../src/main/core/models/pixels/preprocess'
import { labelsFromLogits } from '../../src/main/core/models/pixels/postprocess'
import { regionSkipClasses, regionTable } from '../../src/main/core/prefill/regions'
import { StagePool, StageWorkerCrash } from '../../src/main/core/prefill/prefillPool'
import { stageWorkerEntry } from '../../src/main/core/models/runtime/workerEntry'
import { FeatureCache } from '../../src/main/core/models/features/featureCache'
import { decodeHalf, encodeHalf } from '../../src/main/core/models/pixels/fp16'
import type { PrefillResult } from '../../src/main/core/prefill/prefillJob'
import { rawDb } from '../../src/main/core/store/rawDb'

const tmp = useTmp()
const pools: StagePool[] = []
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()))
  await disposeTestWorkstations()
})

function pool(...args: ConstructorParameters<typeof StagePool>): StagePool {
  const p = new StagePool(...args)
  pools.push(p)
  return p
}

const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

/** The real worker entry with a listener that kills the thread on an image whose path says "crash". */
function crashingEntry(): { kind: 'eval'; code: string } {
  const real = stageWorkerEntry('./prefillWorker.ts', 'prefill-worker', new URL('../../src/main/core/prefill/prefillPool.ts', import.meta.url).href)
  if (real?.kind !== 'eval') throw new Error('expected the TypeScript entry')
  const killer = `require('node:worker_threads').parentPort.on('message', (m) => { if (m.type === 'prepare' && m.source.rgbFile.includes('crash')) process.exit(3) });`
  return { kind: 'eval', code: killer + real.code }
}

describe('prefill stage pool', () => {
  it('gives bit-identical inputs and outputs in a worker thread and on this thread', async () => {
    const p = await makeProject(tmp(), 3, { width: 200, height: 150 })
    const store = p.ws.project
    const engine = await p.ws.inference.engines.get(makePackage({ policy: 'pad-bottom-right', inW: 64, inH: 64 }))
    const m = engine.manifest
    const worker = pool(1)
    const inline = pool(1, null)
    expect(inline.mode).toBe('inline')
    const classMap = Uint8Array.from({ length: engine.shapes.c }, (_, i) => (i * 5) % engine.shapes.c)
    for (const id of p.ids) {
      const src = modelImageSource(store, id, false)
      const a = await worker.prepare(m, src, allocSlot(m))
      const b = await inline.prepare(m, src, allocSlot(m))
      expect(a.outcome).toEqual(b.outcome)
      expect(bytes(a.slot.rgb).equals(bytes(b.slot.rgb))).toBe(true)
      expect(bytes(a.slot.thermal).equals(bytes(b.slot.thermal))).toBe(true)
      if (!a.outcome.ok) throw new Error('prepare failed')
      const out = await engine.run(a.slot)
      const input = { shapes: engine.shapes, frame: a.outcome.image.frame, classMap, skipClasses: [0] }
      const x = await worker.finish({ ...input, logits: out.logits.slice(), features: out.features.slice() })
      const y = await inline.finish({ ...input, logits: out.logits.slice(), features: out.features.slice() })
      expect(bytes(x.result.labels).equals(bytes(y.result.labels))).toBe(true)
      expect(bytes(x.result.confidence).equals(bytes(y.result.confidence))).toBe(true)
      expect(x.result.regions).toEqual(y.result.regions)
      expect(x.result.meanConfidence).toBe(y.result.meanConfidence)
      expect(bytes(x.result.half!).equals(bytes(encodeHalf(out.features)))).toBe(true)
      expect(bytes(x.logits).equals(bytes(out.logits))).toBe(true) // handed back untouched for the cache
    }
    expect(worker.mode).toBe('worker') // nothing fell back to this thread
    await p.ws.closeProject()
  })

  it('the job stores what the single-threaded pipeline computes', async () => {
    const p = await makeProject(tmp(), 4)
    const store = p.ws.project
    const dir = makePackage()
    const vid = await ensureBaseModel(store, dir)
    const done = await p.ws.jobs.wait(p.ws.jobs.start('prefill', { modelVersionId: vid }).id)
    expect((done.result as PrefillResult).images).toBe(4)
    const engine = await p.ws.inference.engines.get(dir)
    const pre = new Preprocessor(engine.manifest)
    const skip = regionSkipClasses(store.classes())
    for (const id of p.ids) {
      const img = await readImageForModel(store, id, false)
      const slot = allocSlot(engine.manifest)
      const frame = pre.fill(img.pair, img.registration, slot)
      const out = await engine.run(slot)
      const want = labelsFromLogits(out.logits, engine.shapes, frame)
      const got = store.proposals.latest(id)!
      expect(bytes(got.labels).equals(bytes(want.labels))).toBe(true)
      expect(bytes(got.confidence!).equals(bytes(want.confidence))).toBe(true)
      expect(got.regions).toEqual(regionTable(want.labels, want.confidence, frame.imageW, frame.imageH, skip).map((r) => ({ ...r })))
      expect(got.meanConfidence).toBeCloseTo(want.meanConfidence, 12)
    }
    await p.ws.closeProject()
  })

  it('reports a corrupt image as a problem and keeps working', async () => {
    const p = await makeProject(tmp(), 2)
    const store = p.ws.project
    const m = (await p.ws.inference.engines.get(makePackage())).manifest
    const bad = join(p.datasetDir, 'images', `${p.names[0]}.png`)
    writeFileSync(bad, Buffer.from('\x89PNG\r\n\x1a\nnot a png'))
    const w = pool(1)
    const r = await w.prepare(m, modelImageSource(store, p.ids[0]!, false), allocSlot(m))
    expect(r.outcome.ok).toBe(false)
    if (!r.outcome.ok) expect(r.outcome.problem.file).toBe(bad)
    expect(r.slot.rgb.length).toBeGreaterThan(0) // the slot comes back usable
    const ok = await w.prepare(m, modelImageSource(store, p.ids[1]!, false), r.slot)
    expect(ok.outcome.ok).toBe(true)
    await p.ws.closeProject()
  })

  it('a worker that dies fails only its task, and a fresh worker takes the next ones', async () => {
    const p = await makeProject(tmp(), 2)
    const store = p.ws.project
    const m = (await p.ws.inference.engines.get(makePackage())).manifest
    const w = pool(1, crashingEntry())
    const good = modelImageSource(store, p.ids[0]!, false)
    expect((await w.prepare(m, good, allocSlot(m))).outcome.ok).toBe(true)
    const doomed = w.prepare(m, { ...good, rgbFile: good.rgbFile.replace(/images/, 'crash-images') }, allocSlot(m))
    await expect(doomed).rejects.toBeInstanceOf(StageWorkerCrash)
    expect((await w.prepare(m, modelImageSource(store, p.ids[1]!, false), allocSlot(m))).outcome.ok).toBe(true)
    expect(w.mode).toBe('worker')
    await p.ws.closeProject()
  })

  it('in the job, an image whose stage thread dies is reported and the others are pre-filled', async () => {
    const p = await makeProject(tmp(), 5)
    const store = p.ws.project
    const victim = p.ids[2]!
    const file = join(p.datasetDir, 'images', `crash-${p.names[2]}.png`)
    copyFileSync(join(p.datasetDir, 'images', `${p.names[2]}.png`), file)
    rawDb(store).prepare('UPDATE images SET rgb_path = ?, thermal_path = ? WHERE id = ?').run(store.toStoredPath(file), store.toStoredPath(file), victim)
    p.ws.stages.use(new StagePool(1, crashingEntry()))
    try {
      const vid = await ensureBaseModel(store, makePackage())
      const done = await p.ws.jobs.wait(p.ws.jobs.start('prefill', { modelVersionId: vid }).id)
      expect(done.state).toBe('done')
      const r = done.result as PrefillResult
      expect(r.images).toBe(4)
      expect(r.problems).toEqual([{ file, reason: expect.stringMatching(/processing thread died/) }])
      expect(store.proposals.latest(victim)).toBeNull()
      for (const id of p.ids) if (id !== victim) expect(store.images.status(id)).toBe('prefilled')
    } finally {
      await p.ws.stages.release()
      await p.ws.closeProject()
    }
  })

  it('runs inline when its workers cannot start', async () => {
    const p = await makeProject(tmp(), 1)
    const m = (await p.ws.inference.engines.get(makePackage())).manifest
    const w = pool(1, { kind: 'eval', code: 'throw new Error("no workers here")' })
    const r = await w.prepare(m, modelImageSource(p.ws.project, p.ids[0]!, false), allocSlot(m))
    expect(r.outcome.ok).toBe(true)
    expect(w.mode).toBe('inline')
    await p.ws.closeProject()
  })

  it('an encoded cache write reads back like putAsync', async () => {
    const cache = new FeatureCache(tmp(), 1 << 24)
    const shape = { c: 3, d: 4, h: 5, w: 6 }
    const logits = Float32Array.from({ length: 90 }, (_, i) => Math.sin(i) * 7)
    const features = Float32Array.from({ length: 120 }, (_, i) => Math.cos(i) * 3)
    await cache.putEncodedAsync('a', shape, logits, encodeHalf(features))
    await cache.putAsync('b', { ...shape, logits, features })
    const a = cache.get('a')!
    const b = cache.get('b')!
    expect(bytes(a.logits).equals(bytes(logits))).toBe(true)
    expect(bytes(a.features).equals(bytes(b.features))).toBe(true)
    expect(bytes(a.features).equals(bytes(decodeHalf(encodeHalf(features))))).toBe(true)
  })
})
