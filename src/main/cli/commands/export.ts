import { resolve } from 'node:path'
import type { Command } from '../command'
import { parse, str, flag } from '../args'
import { openSession } from '../session'
import { runJobCli } from '../jobCli'
import { makeOut } from '../output'
import { ApiError } from '@shared/contract/errors'
import { EXPORT_FORMATS, type ExportFormat } from '@shared/formats/layouts'
import { imageStatuses, type ImageStatus } from '@shared/contract/types'

const usage = `twinlight export <project> <dir> --format ${EXPORT_FORMATS.join('|')} [--status accepted[,in_review,...]] [--split train,test] [--fmb-labels raw|shifted] [--overwrite] [--json]`

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export masks in a research layout (atomic: the target is never half-written).',
  usage,
  async run(argv, json) {
    const { values, positionals } = parse(
      argv,
      { format: { type: 'string' }, status: { type: 'string' }, split: { type: 'string' }, 'fmb-labels': { type: 'string' }, overwrite: { type: 'boolean' } },
      usage
    )
    if (positionals.length !== 2) throw new ApiError('invalid_argument', `export needs a project and a target folder.\nUsage: ${usage}`)
    const format = str(values, 'format')
    if (!format || !(EXPORT_FORMATS as readonly string[]).includes(format)) throw new ApiError('invalid_argument', `--format must be one of ${EXPORT_FORMATS.join(', ')}.`)
    const statuses = (str(values, 'status') ?? 'accepted').split(',')
    for (const s of statuses) if (!(imageStatuses as readonly string[]).includes(s)) throw new ApiError('invalid_argument', `Unknown --status ${s}; use ${imageStatuses.join(', ')}.`)
    const fmb = str(values, 'fmb-labels') ?? 'raw'
    if (fmb !== 'raw' && fmb !== 'shifted') throw new ApiError('invalid_argument', '--fmb-labels must be raw or shifted.')
    const s = openSession()
    try {
      await s.call('openProject', { path: positionals[0]! })
      const params = { dir: resolve(positionals[1]!), format: format as ExportFormat, statuses: statuses as ImageStatus[], ...(str(values, 'split') ? { splits: str(values, 'split')!.split(',') } : {}), fmbLabels: fmb as 'raw' | 'shifted', overwrite: flag(values, 'overwrite') }
      const job = await runJobCli(s, 'startExport', params, 'export')
      if (job.state !== 'done') throw new ApiError(job.state === 'cancelled' ? 'cancelled' : 'bad_input', job.error ?? `Export ${job.state}.`)
      const r = job.result as { target: string; exported: number; format: string }
      makeOut(json).print(`Exported ${r.exported} images as ${r.format} to ${r.target}.`, r)
      return 0
    } finally {
      await s.dispose()
    }
  }
}
