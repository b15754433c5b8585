/**
 * Per-stage CPU profile of the pre-fill pipeline: `npx tsx bench/prefill/profile.ts [--count 40]`.
 * Runs the job's stages one after another, in this thread, on generated 640x480 MFNet-layout
 * images with the embedded package, and prints CPU ms (this process, all threads: sharp's and
 * the inference worker's count too) and wall ms per image for each stage. Sequential on purpose:
 * with nothing overlapping, a stage's CPU delta is that stage's cost alone.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { embeddedPackageDir } from '../../src/main/core/models/versions/modelVersions'
import { defaultThreads } from '../../src/main/core/models/runtime/ep'
import { readImageForModel } from '../../src/main/core/models/pixels/imageInput'
import { allocSlot, Preprocessor } from '../../src/main/core/models/pixels/preprocess'
import { labelsFromLogits } from '../../src/main/core/models/pixels/postprocess'
import { regionSkipClasses, regionTable } from '../../src/main/core/prefill/regions'
import { encodeHalf } from '../../src/main/core/models/pixels/fp16'
import { FeatureCache } from '../../src/main/core/models/features/featureCache'
import { deflateLabels } from '../../src/main/core/store/labelCodec'
import { makeBenchProject } from './benchProject'

const { values } = parseArgs({ options: { count: { type: 'string', default: '40' }, model: { type: 'string' } } })
const count = Number(values.count)
const work = mkdtempSync(join(tmpdir(), 'twinlight-profile-prefill-'))
const stages = new Map<string, { cpu: number[]; wall: number[] }>()

/** Runs `fn`, adding its CPU and wall time to `name`. */
async function timed<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const r = await fn()
  const c = process.cpuUsage(c0)
  const s = stages.get(name) ?? { cpu: [], wall: [] }
  s.cpu.push((c.user + c.system) / 1000)
  s.wall.push(performance.now() - t0)
  stages.set(name, s)
  return r
}

try {
  const { ws, ids } = await makeBenchProject(work, count, 640, 480)
  const store = ws.project
  const engine = await ws.inference.engines.get(values.model ?? embeddedPackageDir(), { threads: defaultThreads() })
  const m = engine.manifest
  const pre = new Preprocessor(m)
  const slot = allocSlot(m)
  const cache = new FeatureCache(join(work, 'cache'), 1 << 30)
  const skip = regionSkipClasses(store.classes())
  for (let i = 0; i < 3; i++) await engine.run(slot) // warm-up, as the bench does
  for (const id of ids) {
    const img = await timed('decode (read + sharp)', () => readImageForModel(store, id, false))
    const frame = await timed('preprocess', () => pre.fill(img.pair, img.registration, slot))
    const out = await timed('model (worker session.run + transfer)', () => engine.run(slot))
    await timed('fp16 encode (features)', () => encodeHalf(out.features))
    await timed('cache write (encode + file)', () => cache.putAsync(`k${id}`, { ...engine.shapes, logits: out.logits, features: out.features }))
    const r = await timed('post-process (resize + argmax + confidence)', () => labelsFromLogits(out.logits, engine.shapes, frame))
    const regions = await timed('regions', () => regionTable(r.labels, r.confidence, frame.imageW, frame.imageH, skip))
    await timed('deflate labels + confidence', () => [deflateLabels(r.labels), deflateLabels(r.confidence)])
    await timed('DB writes (deflate + SQLite)', () =>
      store.transaction(() => {
        store.proposals.put({ imageId: id, modelVersionId: null, width: frame.imageW, height: frame.imageH, labels: r.labels, confidence: r.confidence, regions, meanConfidence: r.meanConfidence })
        store.images.setConfidence(id, r.meanConfidence)
        store.annotations.replace(id, frame.imageW, frame.imageH, r.labels, 'model', null)
        store.images.setStatus(id, 'prefilled')
      })
    )
  }
  console.log(`per image over ${count} images (CPU ms = this process, all threads; the median resists other load on the machine)`)
  console.log('| stage | CPU ms mean | CPU ms median | wall ms median |\n|---|---:|---:|---:|')
  const total = { mean: 0, median: 0 }
  for (const [name, s] of stages) {
    const mean = s.cpu.reduce((a, b) => a + b, 0) / s.cpu.length
    console.log(`| ${name} | ${mean.toFixed(2)} | ${median(s.cpu).toFixed(2)} | ${median(s.wall).toFixed(2)} |`)
    if (name.startsWith('fp16') || name.startsWith('deflate')) continue // both are inside later stages
    total.mean += mean
    total.median += median(s.cpu)
  }
  console.log(`| total (without fp16 and deflate, inside later rows) | ${total.mean.toFixed(2)} | ${total.median.toFixed(2)} | |`)
  await ws.dispose()
} finally {
  rmSync(work, { recursive: true, force: true })
}

function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y)
  return a.length ? a[a.length >> 1]! : 0
}
