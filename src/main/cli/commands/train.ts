import type { Command } from '../command'
import { intOption, parse } from '../args'
import { defaultDataDir } from '../dataDir'
import { createWorkstation } from '../../core/app'
import type { Workstation } from '../../core/workstation'
import { runJobCli } from '../jobCli'
import { makeOut } from '../output'
import { ApiError } from '@shared/contract/errors'
import { activatePolicies, type ActivatePolicy, type TrainJobResult } from '@shared/contract/methods/training'
import { planTraining } from '../../core/training/trainJob'
import { getReport } from '../../core/training/versions'
import { reportText } from '../../core/training/reportTable'
import { resolve } from 'node:path'

const usage = 'twinlight train <project.twinlight> [--rank R] [--steps N] [--seed S] [--activate if-better|always|never] [--json]'

export const trainCommand: Command = {
  name: 'train',
  summary: 'Fine-tune a LoRA adapter from the accepted masks and compare it with the active model.',
  usage,
  async run(argv, json) {
    const { values, positionals } = parse(argv, { rank: { type: 'string' }, steps: { type: 'string' }, seed: { type: 'string' }, activate: { type: 'string' } }, usage)
    if (positionals.length !== 1) throw new ApiError('invalid_argument', `train needs one project file.\nUsage: ${usage}`)
    const activate = values.activate as ActivatePolicy | undefined
    if (activate !== undefined && !activatePolicies.includes(activate)) throw new ApiError('invalid_argument', `--activate must be one of ${activatePolicies.join(', ')}.`)
    const params = {
      ...(values.rank !== undefined ? { rank: intOption(values.rank, 'rank', 4, 1, 64) } : {}),
      ...(values.steps !== undefined ? { steps: intOption(values.steps, 'steps', 0, 1, 100_000) } : {}),
      ...(values.seed !== undefined ? { seed: intOption(values.seed, 'seed', 1, 0, 2 ** 31 - 1) } : {}),
      ...(activate ? { activate } : {})
    }
    const ws = createWorkstation({ dataDir: defaultDataDir(), transport: 'http' })
    await ws.openProject(resolve(positionals[0]!))
    const off = json ? () => {} : printLoss(ws)
    try {
      await planTraining(ws.project, { registerBase: true })
      const job = await runJobCli(ws, 'train', params, 'train')
      if (job.state !== 'done') throw new ApiError(job.state === 'cancelled' ? 'cancelled' : 'bad_input', job.error ?? `Training ${job.state}.`)
      const r = job.result as TrainJobResult
      const report = getReport(ws.project, r.modelVersionId)
      makeOut(json).print(reportText(report), report)
      return 0
    } finally {
      off()
      await ws.dispose()
    }
  }
}

/** Phase changes and the loss every ~10% of the steps, on stderr (the bar shows the rest). */
function printLoss(ws: Workstation): () => void {
  let phase = ''
  let lastDecile = -1
  return ws.hub.subscribe((event, payload) => {
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
