/**
 * bench/training: wall time of the acceptance fine-tune (50 accepted shifted images) on this
 * machine, with the held-out scores, written to bench/results/training.json.
 *   npx tsx bench/training/run.ts [--model DIR] [--steps N] [--rank R] [--out FILE]
 *     [--train 50 --held-out 100 --unshifted 100] [--cache DIR] [--no-gate] [--shift '{"gain":1,"offset":0.2,"gradient":0}']
 */
import { cpus, loadavg, tmpdir } from 'node:os'
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { embeddedPackageDir } from '../../src/main/core/models/versions/modelVersions'
import { DEFAULT_SHIFT, runScenario } from './scenario'

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    steps: { type: 'string' },
    rank: { type: 'string' },
    out: { type: 'string', default: 'bench/results/training.json' },
    train: { type: 'string', default: '50' },
    'held-out': { type: 'string', default: '100' },
    unshifted: { type: 'string', default: '100' },
    cache: { type: 'string', default: join(tmpdir(), 'twinlight-training-scenario') },
    'no-gate': { type: 'boolean', default: false },
    shift: { type: 'string' }
  }
})

const shift = values.shift ? (JSON.parse(values.shift) as typeof DEFAULT_SHIFT) : DEFAULT_SHIFT
const modelDir = resolve(values.model ?? embeddedPackageDir())
const workDir = mkdtempSync(join(tmpdir(), 'twinlight-bench-train-'))
const load0 = loadavg()[0]!
try {
  const r = await runScenario({
    workDir,
    cacheDir: values.cache!,
    modelDir,
    shift,
    counts: { train: Number(values.train), heldOut: Number(values['held-out']), unshifted: Number(values.unshifted) },
    train: { ...(values['no-gate'] ? { gate: false } : {}), ...(values.steps ? { steps: Number(values.steps) } : {}), ...(values.rank ? { rank: Number(values.rank) } : {}) },
    log: (l) => console.log(l)
  })
  console.log(`\nHeld-out SHIFTED images (${r.shifted.images}, adapter applied to ${r.shifted.applied}):\n${r.shifted.table}\n\nHeld-out UNSHIFTED images (${r.unshifted.images}, adapter applied to ${r.unshifted.applied}):\n${r.unshifted.table}\n\n${r.report.decision}`)
  const rep = r.report
  const result = {
    benchmark: 'fine-tune wall time (issue 7 acceptance scenario)',
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model.trim(), cores: cpus().length, node: process.version, loadAverageAtStart: Number(load0.toFixed(2)), loadAverageAtEnd: Number(loadavg()[0]!.toFixed(2)) },
    model: modelDir.replace(process.cwd() + '/', ''),
    shift,
    trainImages: rep.trainImages,
    heldOutImages: rep.heldOutImages,
    rank: rep.rank,
    steps: rep.steps,
    batch: rep.batch,
    mode: rep.mode,
    gate: rep.gate,
    fineTuneSeconds: Number(r.seconds.fineTune.toFixed(2)),
    phasesSeconds: { features: rep.timings.loadMs / 1000, train: rep.timings.trainMs / 1000, evaluate: rep.timings.evalMs / 1000 },
    note: 'Wall time of the train job from start to done: reading the 50 images\' cached backbone outputs (the base pre-fill filled the cache), training in a worker thread, scoring parent and candidate on the 100 held-out images at full resolution, storing the version.',
    goalSeconds: 30,
    pass: r.seconds.fineTune <= 30,
    mIoU: {
      shifted: { base: r.shifted.parent.mIoU, tuned: r.shifted.candidate.mIoU, adapterApplied: r.shifted.applied },
      unshifted: { base: r.unshifted.parent.mIoU, tuned: r.unshifted.candidate.mIoU, adapterApplied: r.unshifted.applied }
    },
    otherSeconds: { generate: r.seconds.generate, import: r.seconds.import, prefill: r.seconds.prefill, evaluateUnshifted: r.seconds.evaluateUnshifted }
  }
  mkdirSync(dirname(resolve(values.out!)), { recursive: true })
  writeFileSync(resolve(values.out!), JSON.stringify(result, null, 2) + '\n')
  console.log(`\nfine-tune ${result.fineTuneSeconds} s (goal ≤ 30 s) → ${values.out}`)
} finally {
  rmSync(workDir, { recursive: true, force: true })
}
