import type { Command } from '../command'
import { intOption, parse } from '../args'
import { openSession } from '../session'
import type { EventHub } from '../../core/events'
import { runJobCli } from '../jobCli'
import { makeOut } from '../output'
import { ApiError } from '@shared/contract/errors'
import { activatePolicies, trainingTiers, type ActivatePolicy, type TrainingTier, type TrainJobResult } from '@shared/contract/methods/training'
import { reportText } from '../../core/training/reportTable'
import { resolve } from 'node:path'

const usage = 'twinlight train <project.twinlight> [--tier adapter|head|lora] [--python PATH] [--rank R] [--steps N] [--seed S] [--activate if-better|always|never] [--json]'

export const trainCommand: Command = {
  name: 'train',
  summary: 'Fine-tune from the accepted masks (tier adapter: LoRA on the classifier; head: a head over the project\'s own classes; lora: SARTM\'s LoRA recipe in Python, a new package) and compare with the active model.',
  usage,
  async run(argv, json) {
    const { values, positionals } = parse(argv, { tier: { type: 'string' }, python: { type: 'string' }, rank: { type: 'string' }, steps: { type: 'string' }, seed: { type: 'string' }, activate: { type: 'string' } }, usage)
    if (positionals.length !== 1) throw new ApiError('invalid_argument', `train needs one project file.\nUsage: ${usage}`)
    const activate = values.activate as ActivatePolicy | undefined
    if (activate !== undefined && !activatePolicies.includes(activate)) throw new ApiError('invalid_argument', `--activate must be one of ${activatePolicies.join(', ')}.`)
    const tier = values.tier as TrainingTier | undefined
    if (tier !== undefined && !trainingTiers.includes(tier)) throw new ApiError('invalid_argument', `--tier must be adapter, head or lora (got "${String(tier)}").`)
    const python = values.python as string | undefined
    if (python !== undefined && tier !== 'lora') throw new ApiError('invalid_argument', '--python is for --tier lora only.')
    const params = {
      ...(tier ? { tier } : {}),
      // --python: this run only (the pythonPath setting is left as it is).
      ...(python !== undefined ? { python: resolve(python) } : {}),
      ...(values.rank !== undefined ? { rank: intOption(values.rank, 'rank', 4, 1, 64) } : {}),
      ...(values.steps !== undefined ? { steps: intOption(values.steps, 'steps', 0, 1, 100_000) } : {}),
      ...(values.seed !== undefined ? { seed: intOption(values.seed, 'seed', 1, 0, 2 ** 31 - 1) } : {}),
      ...(activate ? { activate } : {})
    }
    const s = openSession()
    const off = json ? () => {} : printLoss(s.ws.hub)
    try {
      await s.call('openProject', { path: resolve(positionals[0]!) })
      // startTraining refuses before a job row is written when nothing is accepted; the job
      // registers the embedded base model when the project has none.
      const job = await runJobCli(s, 'startTraining', params, 'train')
      if (job.state !== 'done') throw new ApiError(job.state === 'cancelled' ? 'cancelled' : 'bad_input', job.error ?? `Training ${job.state}.`)
      const r = job.result as TrainJobResult
      const report = await s.call('getTrainingReport', { modelVersionId: r.modelVersionId })
      makeOut(json).print(reportText(report), report)
      return 0
    } finally {
      off()
      await s.dispose()
    }
  }
}

/** Phase changes and the loss every ~10% of the steps, on stderr (the bar shows the rest). */
function printLoss(hub: EventHub): () => void {
  let phase = ''
  let lastDecile = -1
  return hub.subscribe((event, payload) => {
    if (event !== 'job.progress') return
    const d = (payload as { detail?: Record<string, unknown> }).detail
    if (!d) return
    if (d.phase !== phase) {
      phase = String(d.phase)
      lastDecile = -1
    }
    if (phase === 'train' && typeof d.loss === 'number') {
      const decile = Math.floor((10 * Number(d.step)) / Math.max(1, Number(d.steps)))
      if (decile !== lastDecile) {
        lastDecile = decile
        process.stderr.write(`  step ${d.step}/${d.steps}  loss ${d.loss.toFixed(4)}\n`)
      }
    }
  })
}
