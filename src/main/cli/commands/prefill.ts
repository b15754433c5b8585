import type { Command } from '../command'
import { parse, str } from '../args'
import { openSession } from '../session'
import { runJobCli } from '../jobCli'
import { makeOut } from '../output'
import { ApiError } from '@shared/contract/errors'
import { ensureBaseModel } from '../../core/models/versions/modelVersions'
import type { PrefillResult } from '../../core/prefill/prefillJob'
import { resolve } from 'node:path'

const usage = 'twinlight prefill <project.twinlight> [--model DIR] [--split S] [--only-unreviewed] [--cpu] [--json]'

export const prefillCommand: Command = {
  name: 'prefill',
  summary: 'Pre-fill images with a model (the embedded tiny model unless --model names a package folder).',
  usage,
  async run(argv, json) {
    const { values, positionals } = parse(argv, { model: { type: 'string' }, split: { type: 'string' }, 'only-unreviewed': { type: 'boolean' }, cpu: { type: 'boolean' } }, usage)
    if (positionals.length !== 1) throw new ApiError('invalid_argument', `prefill needs one project file.\nUsage: ${usage}`)
    const s = openSession()
    try {
      const project = await s.call('openProject', { path: resolve(positionals[0]!) })
      // No contract method registers a model package yet: the one core call left here.
      const modelVersionId = typeof values.model === 'string' ? await ensureBaseModel(s.ws.project, resolve(values.model)) : undefined
      const params = {
        ...(modelVersionId ? { modelVersionId } : {}),
        ...(str(values, 'split') ? { split: str(values, 'split')! } : {}),
        onlyUnreviewed: values['only-unreviewed'] === true,
        cpu: values.cpu === true
      }
      const job = await runJobCli(s, 'startPrefill', params, 'prefill')
      if (job.state !== 'done') throw new ApiError(job.state === 'cancelled' ? 'cancelled' : 'bad_input', job.error ?? `Pre-fill ${job.state}.`)
      const r = job.result as PrefillResult
      const lines = [
        `Pre-filled ${r.images} images in ${r.seconds.toFixed(1)} s (${r.imagesPerSecond.toFixed(2)} images/s) with ${r.model} on ${r.ep.toUpperCase()}.`,
        `  ${r.prefilled} now prefilled, ${r.proposalOnly} reviewed image(s) got a proposal only.`,
        `  execution provider: ${r.ep} (${r.epReason})`
      ]
      if (r.problems.length) lines.push(`${r.problems.length} image(s) skipped:`, ...r.problems.map((p) => `  ${p.file}: ${p.reason}`))
      makeOut(json).print(lines.join('\n'), { project: project.path, ...r })
      return r.problems.length ? 3 : 0
    } finally {
      await s.dispose()
    }
  }
}
