/**
 * Soak: scripted annotation in one process for --minutes (default 30): brush edits, undo/redo,
 * accepts, a pre-fill of unreviewed images and a fine-tune every few minutes; RSS and heap sampled
 * every 10 s. Writes bench/results/soak.json. Not part of CI.
 * Run: npx tsx bench/soak/soak.ts [--minutes 30]
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createWorkstation } from '../../src/main/core/app'
import { createDemo } from '../../src/main/core/datasets/jobs/demo'

const minutes = Number(process.argv[process.argv.indexOf('--minutes') + 1] || 30) || 30
const dir = mkdtempSync(join(tmpdir(), 'twinlight-soak-'))
const ws = createWorkstation({ dataDir: join(dir, 'data'), transport: 'http' })

function rng(seed: number) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}
const mb = (n: number) => +(n / 1048576).toFixed(1)

const samples: { t: number; rssMB: number; heapMB: number; edits: number; jobs: number }[] = []
let edits = 0
let undos = 0
let accepts = 0
const jobsRun: Record<string, number> = {}
const errors: string[] = []

async function runJob(kind: 'prefill' | 'train', params: unknown): Promise<void> {
  const j = await ws.jobs.wait(ws.jobs.start(kind, params).id)
  jobsRun[`${kind}:${j.state}`] = (jobsRun[`${kind}:${j.state}`] ?? 0) + 1
  if (j.state === 'failed') errors.push(`${kind}: ${j.error}`)
}

async function main(): Promise<void> {
  await createDemo(ws, join(dir, 'demo'), { count: 40 })
  const store = ws.project
  await runJob('prefill', { onlyUnreviewed: true })
  const ids = store.images.ids({}, 'name')
  const r = rng(7)
  const start = Date.now()
  const end = start + minutes * 60_000
  let nextSample = start
  let nextPrefill = start + 3 * 60_000
  let nextTrain = start + 5 * 60_000
  while (Date.now() < end) {
    const id = ids[Math.floor(r() * ids.length)]!
    const img = store.images.get(id)
    store.annotations.ensure(id, img.width, img.height)
    const head = store.annotations.state(id).head
    const w = 8 + Math.floor(r() * 40)
    const h = 8 + Math.floor(r() * 40)
    const rect = { x: Math.floor(r() * (img.width - w)), y: Math.floor(r() * (img.height - h)), w, h }
    try {
      store.annotations.applyEdit(id, `Brush ${edits}`, head, rect, new Uint8Array(w * h).fill(1 + Math.floor(r() * 8)))
      edits++
      if (r() < 0.3) {
        store.annotations.step(id, -1)
        undos++
        if (r() < 0.5) store.annotations.step(id, 1)
      }
      if (r() < 0.05) {
        store.annotations.accept(id)
        accepts++
      }
    } catch (e) {
      errors.push((e as Error).message)
    }
    const now = Date.now()
    if (now >= nextPrefill) {
      await runJob('prefill', { onlyUnreviewed: true })
      nextPrefill = now + 3 * 60_000
    }
    if (now >= nextTrain) {
      // as a person would before fine-tuning: edits re-open accepted images, so at times none is
      // accepted and the app (rightly) refuses to train
      store.annotations.accept(id)
      accepts++
      await runJob('train', { activate: 'never', steps: 100 })
      nextTrain = now + 5 * 60_000
    }
    if (now >= nextSample) {
      const m = process.memoryUsage()
      samples.push({ t: Math.round((now - start) / 1000), rssMB: mb(m.rss), heapMB: mb(m.heapUsed), edits, jobs: Object.values(jobsRun).reduce((a, b) => a + b, 0) })
      nextSample = now + 10_000
    }
    if (edits % 50 === 0) await new Promise((res) => setImmediate(res)) // let jobs and timers run
  }
  await ws.closeProject()
  const first = samples[Math.min(2, samples.length - 1)]!
  const last = samples[samples.length - 1]!
  const result = {
    minutes,
    edits,
    undos,
    accepts,
    jobs: jobsRun,
    errors: errors.slice(0, 20),
    errorCount: errors.length,
    rssMB: { afterWarmup: first.rssMB, end: last.rssMB, growth: +(last.rssMB - first.rssMB).toFixed(1), max: Math.max(...samples.map((s) => s.rssMB)) },
    heapMB: { afterWarmup: first.heapMB, end: last.heapMB, growth: +(last.heapMB - first.heapMB).toFixed(1) },
    samples,
    machine: '2 shared cores',
    date: new Date().toISOString()
  }
  mkdirSync('bench/results', { recursive: true })
  writeFileSync('bench/results/soak.json', JSON.stringify(result, null, 2) + '\n')
  console.log(JSON.stringify({ ...result, samples: `${samples.length} samples` }, null, 2))
  rmSync(dir, { recursive: true, force: true })
}

void main()
