/**
 * Hyper-parameter sweep for the acceptance scenario (development tool, not a test): loads the
 * scenario's backbone outputs once (feature cache in --work), then trains and scores each config
 * of a JSON list in-process.
 *   npx tsx bench/training/tune.ts --model DIR --work DIR '[{"steps":300},{"balance":1}]'
 */
import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import { createWorkstation } from '../../src/main/core/app'
import { classPreset } from '../../src/main/core/classPresets'
import { ensureBaseModel } from '../../src/main/core/models/versions/modelVersions'
import { modelOutputs } from '../../src/main/core/training/modelOutputs'
import { buildPool, defaultPoolOptions } from '../../src/main/core/training/dataset'
import { evaluateVariants, iouTable } from '../../src/main/core/training/evaluate'
import { Trainer, defaultTrainConfig } from '../../src/main/core/training/trainLoop'
import type { OutputsSource } from '../../src/main/core/training/outputs'
import type { ModelOutputs } from '../../src/main/core/models/features/features'
import { rawDb } from '../../src/main/core/store/rawDb'

const { values, positionals } = parseArgs({ options: { model: { type: 'string' }, work: { type: 'string' }, data: { type: 'string' }, plain: { type: 'string' }, eval: { type: 'string', default: '100' } }, allowPositionals: true })
const configs = JSON.parse(positionals[0] ?? '[{}]') as Record<string, number>[]
const work = values.work!
const ws = createWorkstation({ dataDir: join(work, 'data'), transport: 'http' })
const project = join(work, `tune-${basename(values.data ?? 'default')}.twinlight`)
if (existsSync(project)) await ws.openProject(project)
else {
  await ws.createProject(project, 'tune', classPreset('mfnet'))
  for (const dir of [values.data!, values.plain!]) {
    const j = await ws.jobs.wait(ws.jobs.start('import', { dir }).id)
    if (j.state !== 'done') throw new Error(j.error ?? 'import failed')
    if (dir === values.data) {
      const ids = ws.project.images.ids({}, 'name')
      const set = rawDb(ws.project).prepare('UPDATE images SET split = ? WHERE id = ?')
      ids.forEach((id, i) => set.run(i < 50 ? 'train-shifted' : 'test-shifted', id))
    }
  }
  const all = ws.project.images.ids({}, 'name')
  const set = rawDb(ws.project).prepare(`UPDATE images SET split = 'test-unshifted' WHERE id = ? AND split NOT LIKE '%shifted'`)
  for (const id of all) set.run(id)
}
const store = ws.project
const baseId = await ensureBaseModel(store, values.model!)
const src = modelOutputs(ws, store.models.get(baseId))
const mem = new Map<number, ModelOutputs>()
const n = Number(values.eval)
const ids = (split: string) => store.images.ids({ split: [split] }, 'name')
const train = ids('train-shifted')
const shifted = ids('test-shifted').slice(0, n)
const plain = ids('test-unshifted').slice(0, n)
const plainTrain = ids('test-unshifted').slice(50, 100)
const t0 = Date.now()
for (const id of [...train, ...shifted, ...plain, ...plainTrain]) mem.set(id, await src.outputs(id))
console.log(`outputs of ${mem.size} images in ${Date.now() - t0} ms`)
const source: OutputsSource = { outputs: async (id) => mem.get(id)! }
/** Dev experiment: the adapter sees only feature channels [from, to). */
function sliced(from: number, to: number): OutputsSource {
  return {
    outputs: async (id) => {
      const o = mem.get(id)!
      const hw = o.h * o.w
      const f = o.features.slice()
      f.fill(0, 0, from * hw)
      f.fill(0, to * hw)
      return { ...o, features: f }
    }
  }
}
const base = { pool: await buildPool(store, source, train, { ...defaultPoolOptions, seed: 1 }) }
/** Dev experiment: per-image mean feature vector (the image's "domain" descriptor). */
function descriptor(o: ModelOutputs): Float64Array {
  const hw = o.h * o.w
  const v = new Float64Array(o.d)
  for (let t = 0; t < o.d; t++) {
    let s = 0
    for (let p = 0; p < hw; p++) s += o.features[t * hw + p]!
    v[t] = s / hw
  }
  return v
}
const trainDesc = train.map((id) => descriptor(mem.get(id)!))
const D0 = trainDesc[0]!.length
const mu = new Float64Array(D0)
const sd = new Float64Array(D0)
for (const v of trainDesc) v.forEach((x, t) => (mu[t] += x / trainDesc.length))
for (const v of trainDesc) v.forEach((x, t) => (sd[t] += (x - mu[t]!) ** 2 / trainDesc.length))
sd.forEach((x, t) => (sd[t] = Math.sqrt(x) + 1e-6))
const dist = (v: Float64Array) => Math.sqrt(v.reduce((s, x, t) => s + ((x - mu[t]!) / sd[t]!) ** 2, 0) / D0)
const radius = Math.max(...trainDesc.map(dist))
const gateOn = (id: number) => dist(descriptor(mem.get(id)!)) <= radius * 1.2
console.log(`gate: radius ${radius.toFixed(2)}; on for ${shifted.filter(gateOn).length}/${shifted.length} shifted, ${plain.filter(gateOn).length}/${plain.length} plain; plain distances ${plain.slice(0, 5).map((id) => dist(descriptor(mem.get(id)!)).toFixed(1)).join(' ')}`)
const gatedSource: OutputsSource = { outputs: async (id) => { const o = mem.get(id)!; return gateOn(id) ? o : { ...o, features: new Float32Array(o.features.length) } } }
for (const c of configs) {
  const { plainTrain: onPlain, chFrom, chTo, mix, gate, ...rest } = c
  const src2 = chTo ? sliced(chFrom ?? 0, chTo) : source
  const pool = mix ? await buildPool(store, source, [...plainTrain.slice(0, mix), ...train], { ...defaultPoolOptions, seed: 1 }) : chTo ? await buildPool(store, src2, train, { ...defaultPoolOptions, seed: 1 }) : onPlain ? await buildPool(store, source, plainTrain, { ...defaultPoolOptions, seed: 1 }) : c.perImage ? await buildPool(store, source, train, { ...defaultPoolOptions, seed: 1, perImage: c.perImage }) : base.pool
  const cfg = { ...defaultTrainConfig, steps: 500, ...rest }
  const t1 = Date.now()
  const t = new Trainer(pool, cfg, null)
  t.run(cfg.steps)
  const tt = Date.now() - t1
  const row: string[] = [JSON.stringify(c).padEnd(60), `loss ${t.curve[0]!.loss.toFixed(3)}→${t.curve.at(-1)!.loss.toFixed(3)}`, `${tt} ms`]
  for (const [name, set] of [['shifted', shifted], ['plain', plain]] as const) {
    const [pv, qv] = await evaluateVariants(store, gate ? gatedSource : src2, set, [null, { weights: t.weights, gate: null }])
    const p = pv!.conf
    const q = qv!.conf
    const a = iouTable(p!).mIoU!
    const b = iouTable(q!).mIoU!
    row.push(`${name} ${a.toFixed(4)}→${b.toFixed(4)} (${b - a >= 0 ? '+' : ''}${(b - a).toFixed(4)})`)
  }
  console.log(row.join('  '))
}
await ws.dispose()
