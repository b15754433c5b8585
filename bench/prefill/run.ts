/**
 * Pre-fill benchmark on generated MFNet-layout images (640x480 by default):
 *   (a) raw ORT throughput: session.run in this thread on pre-decoded, pre-normalised tensors
 *       (16 distinct images cycled; the graph's cost does not depend on pixel values), same
 *       execution provider and thread count as the job;
 *   (b) the whole pre-fill job end to end: decode, preprocess, model (inference worker),
 *       post-process (resize logits, argmax, confidence, regions), feature cache, DB writes.
 * Writes bench/results/prefill.json with both rates and b/a (goal ≥ 0.9); --load "TEXT" records
 * what else ran on the machine meanwhile. Model: the embedded
 * package, or --model DIR; without either, a generated stand-in package at 512x384 (noted).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as ort from 'onnxruntime-node'
import { ensureBaseModel, embeddedPackageDir } from '../../src/main/core/models/versions/modelVersions'
import { defaultThreads, openSession } from '../../src/main/core/models/runtime/ep'
import { readImageForModel } from '../../src/main/core/models/pixels/imageInput'
import { allocSlot, Preprocessor } from '../../src/main/core/models/pixels/preprocess'
import { loadModelPackage } from '../../src/main/core/models/package/packageLoader'
import { modelImageSource } from '../../src/main/core/models/pixels/imageInput'
import type { PrefillResult } from '../../src/main/core/prefill/prefillJob'
import { makeBenchProject } from './benchProject'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const { values } = parseArgs({ options: { count: { type: 'string', default: '200' }, model: { type: 'string' }, width: { type: 'string', default: '640' }, height: { type: 'string', default: '480' }, cpu: { type: 'boolean' }, out: { type: 'string' }, note: { type: 'string' }, load: { type: 'string' } } })
const count = Number(values.count)
const width = Number(values.width)
const height = Number(values.height)
const work = mkdtempSync(join(tmpdir(), 'twinlight-bench-prefill-'))

let modelDir = values.model ? resolve(values.model) : embeddedPackageDir()
let modelNote = values.note ?? (values.model ? 'given with --model' : 'embedded package')
if (!existsSync(join(modelDir, 'manifest.json'))) {
  modelDir = join(work, 'standin-package')
  execFileSync('/usr/bin/python3', [join(root, 'test/models/fixtures/make_package.py'), modelDir, '--in-w', '512', '--in-h', '384', '--dim', '32', '--name', 'standin'], { stdio: 'inherit' })
  modelNote = 'embedded package missing: generated stand-in (conv backbone, 512x384 input, D=32), much lighter than the tiny SARTM'
}
const threads = defaultThreads()
const loadavgAtStart = loadavg().map((x) => Math.round(x * 100) / 100)
const forceCpu = values.cpu === true

try {
  console.log(`generating ${count} images at ${width}x${height} …`)
  const { ws, ids } = await makeBenchProject(work, count, width, height)
  const store = ws.project
  const pkg = await loadModelPackage(modelDir)
  const m = pkg.manifest

  // (a) raw session.run on pre-decoded tensors
  const pre = new Preprocessor(m)
  const tensors: { rgb: ort.Tensor; thermal: ort.Tensor }[] = []
  for (const id of ids.slice(0, 16)) {
    const img = await readImageForModel(store, id, m.normalisation.thermal.bits === 16)
    const slot = allocSlot(m)
    pre.fill(img.pair, img.registration, slot)
    tensors.push({ rgb: new ort.Tensor('float32', slot.rgb, m.tensors.inputs.rgb.shape), thermal: new ort.Tensor('float32', slot.thermal, m.tensors.inputs.thermal.shape) })
  }
  const { session, ep } = await openSession(pkg.backbonePath, { forceCpu, threads })
  const feeds = (i: number) => ({ [m.tensors.inputs.rgb.name]: tensors[i % tensors.length]!.rgb, [m.tensors.inputs.thermal.name]: tensors[i % tensors.length]!.thermal })
  for (let i = 0; i < 3; i++) await session.run(feeds(i)) // warm-up
  console.log(`(a) raw session.run × ${count} on ${ep.name} (${threads} thread(s)) …`)
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  for (let i = 0; i < count; i++) await session.run(feeds(i))
  const rawSeconds = (performance.now() - t0) / 1000
  const rawCpu = cpuSeconds(process.cpuUsage(c0))
  await session.release()
  const rawRate = count / rawSeconds

  // (b) the full job (engine opened and warmed first, as (a)'s session was)
  const vid = await ensureBaseModel(store, modelDir)
  const engine = await ws.inference.engines.get(modelDir, { forceCpu, threads })
  const warm = allocSlot(m)
  for (let i = 0; i < 3; i++) await engine.run(warm)
  // The workstation's stage threads outlive a job; start them as an earlier job would have
  // (from TypeScript sources their start includes compiling the worker's modules).
  const pool = ws.stages.get(threads)
  await pool.prepare(m, modelImageSource(store, ids[0]!, false), allocSlot(m))
  console.log(`(b) prefill job on ${count} images …`)
  const t1 = performance.now()
  const c1 = process.cpuUsage()
  const job = ws.jobs.start('prefill', { modelVersionId: vid, cpu: forceCpu })
  const done = await ws.jobs.wait(job.id)
  const jobSeconds = (performance.now() - t1) / 1000
  const jobCpu = cpuSeconds(process.cpuUsage(c1))
  if (done.state !== 'done') throw new Error(`prefill ${done.state}: ${done.error}`)
  const res = done.result as PrefillResult
  const jobRate = res.images / jobSeconds
  const out = {
    date: new Date().toISOString(),
    images: count,
    imageSize: [width, height],
    model: { id: m.id, dir: modelDir, note: modelNote, input: [m.input.width, m.input.height] },
    executionProvider: { name: ep.name, reason: ep.reason, threads },
    gpu: 'none on this machine: CUDA provider library not installed and no GPU; numbers are CPU',
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadavgAtStart, loadavgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100), note: values.load ?? 'cores shared with other work while measuring' },
    a_rawSessionRun: { seconds: round(rawSeconds), imagesPerSecond: round(rawRate), cpuMsPerImage: round((rawCpu / count) * 1000) },
    b_prefillJob: { seconds: round(jobSeconds), imagesPerSecond: round(jobRate), cpuMsPerImage: round((jobCpu / count) * 1000), problems: res.problems.length, cacheFeatures: true, stageThreads: { mode: pool.mode, size: pool.size } },
    cpuNote: "cpuMsPerImage is this process's CPU time (all threads) per image; (b) minus (a) is what decoding, preprocessing, post-processing, regions, cache and DB writes cost on top of the model. b/a approaches 1 only when that work fits on the cores the model leaves free.",
    ratio_b_over_a: round(jobRate / rawRate),
    goal: 'b/a >= 0.9'
  }
  console.log(JSON.stringify(out, null, 2))
  const file = values.out ? resolve(values.out) : join(root, 'bench/results/prefill.json')
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n')
  await ws.dispose()
} finally {
  rmSync(work, { recursive: true, force: true })
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
