/**
 * The simulated annotator bench (issue 20): generated street images with a harsh thermal shift
 * are reviewed through the contract in the app's order ('name', or uncertainty-first =
 * listImages sort 'uncertainty': lowest mean confidence of the active version's proposal first,
 * ties by name; the committed results ran with 'confidence_asc', the same order here because every
 * unreviewed image is re-pre-filled with the active version after each round), each one corrected (bench/effort/annotator.ts) and accepted as its ground
 * truth; after every K accepted images one fine-tune round runs (startTraining; --tier chooses
 * the tier once the head tier lands) and the unreviewed images are pre-filled again.
 *   npx tsx bench/effort/run.ts [--images 300] [--k 25] [--orders name,uncertainty] [--tier adapter]
 *     [--family street|pst900] [--size 640x480] [--seed 31] [--shift 0.6,0.25,0.3] [--out bench/results/effort.json] [--plot docs/effort-curves.png]
 *     [--objects cheaper|click] (click: the first runs' rule, every object below the target clicked)
 */
import { cpus, loadavg, tmpdir } from 'node:os'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { classPreset } from '../../src/main/core/classPresets'
import { registerPromptModel } from '../../src/main/core/click/register'
import { releasePrompt } from '../../src/main/core/click/service'
import { correctImage, DEFAULT_RULE, withDiscard, type Effort, type EffortRule } from './annotator'
import { blocks, goalAfterTwoRounds, totals, type Baseline, type ImageRecord } from './report'
import { generatedSet, Session, truthOf, type Family } from './session'
import { renderPlot } from './plot'

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '300' },
    k: { type: 'string', default: '25' },
    orders: { type: 'string', default: 'name,uncertainty' },
    tier: { type: 'string', default: 'adapter' },
    family: { type: 'string', default: 'street' },
    size: { type: 'string', default: '640x480' },
    seed: { type: 'string', default: '31' },
    shift: { type: 'string', default: '0.6,0.25,0.3' },
    out: { type: 'string', default: 'bench/results/effort.json' },
    plot: { type: 'string', default: 'docs/effort-curves.png' },
    cache: { type: 'string', default: join(tmpdir(), 'twinlight-effort-cache') },
    objects: { type: 'string', default: 'cheaper' }
  }
})
const N = Number(values.images)
const K = Number(values.k)
const [W, H] = values.size!.split('x').map(Number) as [number, number]
const [gain, offset, gradient] = values.shift!.split(',').map(Number) as [number, number, number]
const family = values.family as Family
if (family !== 'street' && family !== 'pst900') throw new Error(`--family: unknown family "${values.family}" (street, pst900)`)
if (values.objects !== 'cheaper' && values.objects !== 'click') throw new Error(`--objects: unknown rule "${values.objects}" (cheaper, click)`)
const rule: EffortRule = { ...DEFAULT_RULE, objects: values.objects }
const orders = values.orders!.split(',') as ('name' | 'uncertainty')[]
for (const o of orders) if (o !== 'name' && o !== 'uncertainty') throw new Error(`--orders: unknown order "${o}" (name, uncertainty)`)
if (![N, K, W, H, gain, offset, gradient].every(Number.isFinite)) throw new Error('--images, --k, --size, --shift: numbers expected')
const tinyDir = fileURLToPath(new URL('../../resources/models/tiny-sartm', import.meta.url))
if (!existsSync(join(tinyDir, 'prompt_decoder.onnx'))) throw new Error(`${tinyDir}: no prompt_decoder.onnx, the click tool this bench uses`)

const t0 = performance.now()
const el = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`
const log = (s: string) => console.log(`[${el()}] ${s}`)
const load0 = loadavg()[0]!
const classes = classPreset(family === 'pst900' ? 'pst900' : 'mfnet')
const work = mkdtempSync(join(tmpdir(), 'twinlight-effort-'))
const dataDir = join(work, 'data') // shared by the orders: embeddings and backbone features are computed once
const set = await generatedSet(values.cache!, family, N, Number(values.seed), { width: W, height: H, thermalGain: gain, thermalOffset: offset, thermalGradient: gradient })
log(`${N} ${family} images ${W}x${H}${family === 'street' ? ` (shift gain ${gain} / offset ${offset} / gradient ${gradient})` : ''} in ${set.dir}`)

const baseline = new Map<string, Baseline>()
const runs: Record<string, unknown> = {}
const zeros = new Uint8Array(W * H)

async function runOrder(order: 'name' | 'uncertainty'): Promise<void> {
  const s = await Session.create(dataDir, join(work, `${order}.twinlight`), `effort ${order}`, classes)
  try {
    await registerPromptModel(s.ws.project, { folder: tinyDir })
    await s.job('startImport', { dir: set.dir, withoutLabels: true })
    const base = await s.activeModel() // listModels registers the embedded base model
    // The street model's classes differ from PST900's: its person becomes survivor, the rest unlabelled
    if (family === 'pst900') await s.call('setClassMapping', { mapping: [0, null, 4, null, null, null, null, null, null] })
    let tp = performance.now()
    await s.job('startPrefill', {})
    log(`${order}: base model ${base.name} pre-filled ${N} images in ${((performance.now() - tp) / 1000).toFixed(1)} s`)
    const cost = async (imageId: number, name: string, start: Uint8Array | null): Promise<Effort> => {
      const truth = truthOf(set, name)
      const regions = start ? await s.regions(imageId, classes) : null
      return correctImage(start ?? zeros, truth, regions, () => s.promptTool(imageId), rule)
    }
    if (!baseline.size) {
      const all = await s.unreviewed('name')
      for (const [i, img] of all.entries()) {
        const start = (await s.map(img.id, 'current'))!
        const none = await cost(img.id, img.name, null)
        baseline.set(img.name, { base: withDiscard(await cost(img.id, img.name, start), none, H), none })
        if ((i + 1) % 5 === 0) log(`baseline costs (no model, base model) of ${i + 1}/${all.length} images; ${s.clickCount} clicks, ${(s.clickMs / 1000).toFixed(1)} s in promptSegment`)
      }
    }
    const records: ImageRecord[] = []
    const rounds: Record<string, unknown>[] = []
    let active = base
    for (;;) {
      const next = (await s.unreviewed(order === 'name' ? 'name' : 'uncertainty', 1))[0]
      if (!next) break
      const regions = await s.regions(next.id, classes)
      const version = regions?.versionId ?? null
      const effort = version === base.id ? baseline.get(next.name)!.base : withDiscard(await cost(next.id, next.name, (await s.map(next.id, 'current'))!), baseline.get(next.name)!.none, H)
      records.push({ position: records.length + 1, name: next.name, version: String(version), confidence: next.confidence, effort })
      await s.acceptTruth(next.id, truthOf(set, next.name))
      if (records.length % 5 === 0) log(`${order}: ${records.length}/${N} reviewed, last ${next.name} (version ${version}) ${effort.actions} actions, ${effort.pixelsToFix} px`)
      if (records.length % K === 0 && records.length < N) {
        tp = performance.now()
        const job = await s.job('startTraining', { activate: 'if-better', ...(values.tier === 'adapter' ? {} : { tier: values.tier }) })
        const trainS = (performance.now() - tp) / 1000
        const r = job.result as { modelVersionId: number; activated: boolean; parentMIoU: number | null; candidateMIoU: number | null; decision: string }
        const now = await s.activeModel()
        tp = performance.now()
        if (now.id !== active.id) await s.job('startPrefill', { onlyUnreviewed: true })
        const prefillS = (performance.now() - tp) / 1000
        active = now
        rounds.push({ afterImages: records.length, version: r.modelVersionId, activated: r.activated, heldOutMIoU: { parent: r.parentMIoU, candidate: r.candidateMIoU }, decision: r.decision, trainSeconds: +trainS.toFixed(1), prefillSeconds: +prefillS.toFixed(1) })
        log(`${order}: round ${rounds.length} after ${records.length} images: version ${r.modelVersionId} ${r.activated ? 'activated' : 'not activated'} (held-out mIoU ${r.parentMIoU?.toFixed(3)} → ${r.candidateMIoU?.toFixed(3)}), train ${trainS.toFixed(1)} s, re-prefill ${prefillS.toFixed(1)} s`)
      }
    }
    runs[order] = { blocks: blocks(records, baseline, K), rounds, totals: totals(records.map((r) => r.effort)), goalAfterTwoRounds: goalAfterTwoRounds(records, baseline, K), images: records }
  } finally {
    await releasePrompt(s.ws)
    await s.ws.dispose()
  }
}

try {
  for (const o of orders) await runOrder(o)
  const b = [...baseline.values()]
  const r = (o: string) => runs[o] as { totals: { meanActions: number }; goalAfterTwoRounds: { ratio: number | null } } | undefined
  const result = {
    benchmark: 'simulated annotator: corrections per image (issue 20)',
    date: new Date().toISOString(),
    wallSeconds: Math.round((performance.now() - t0) / 1000),
    machine: { cpu: cpus()[0]?.model.trim(), cores: cpus().length, node: process.version, loadAverageAtStart: +load0.toFixed(2), loadAverageAtEnd: +loadavg()[0]!.toFixed(2) },
    scenario: { family: family === 'pst900' ? 'PST900-like indoor (PST900 layout; model person → survivor)' : 'street (MFNet layout)', images: N, size: `${W}x${H}`, seed: Number(values.seed), shift: family === 'pst900' ? null : { gain, offset, gradient }, k: K, tier: values.tier, clickTool: 'tiny-sartm prompt decoder (promptSegment)' },
    rule,
    totals: { noModel: totals(b.map((x) => x.none)), baseModelOnly: totals(b.map((x) => x.base)), ...Object.fromEntries(orders.map((o) => [`withFineTune_${o}`, (runs[o] as { totals: unknown }).totals])) },
    orderHelped: r('name') && r('uncertainty') ? { nameMeanActions: r('name')!.totals.meanActions, uncertaintyMeanActions: r('uncertainty')!.totals.meanActions, nameRatioAfterTwoRounds: r('name')!.goalAfterTwoRounds.ratio, uncertaintyRatioAfterTwoRounds: r('uncertainty')!.goalAfterTwoRounds.ratio } : null,
    runs
  }
  mkdirSync(dirname(resolve(values.out!)), { recursive: true })
  writeFileSync(resolve(values.out!), JSON.stringify(result, null, 2) + '\n')
  log(`wrote ${values.out}`)
  if (values.plot) await renderPlot(result, resolve(values.plot))
  for (const o of orders) console.log(o, JSON.stringify((runs[o] as { goalAfterTwoRounds: unknown }).goalAfterTwoRounds), JSON.stringify((runs[o] as { totals: unknown }).totals))
  console.log('no model', JSON.stringify(result.totals.noModel), '\nbase only', JSON.stringify(result.totals.baseModelOnly))
} finally {
  rmSync(work, { recursive: true, force: true })
}
