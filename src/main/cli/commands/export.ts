import { resolve } from 'node:path'
import type { Command } from '../command'
import { parse, str, flag } from '../args'
import { defaultDataDir } from '../dataDir'
import { createWorkstation } from '../../core/app'
import { runJobCli } from '../jobCli'
import { makeOut } from '../output'
import { ApiError } from '@shared/contract/errors'
import { EXPORT_FORMATS } from '@shared/formats/layouts'
import { imageStatuses } from '@shared/contract/types'

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
    const ws = createWorkstation({ dataDir: defaultDataDir(), transport: 'http' })
    await ws.openProject(positionals[0]!)
    try {
      const params = { dir: resolve(positionals[1]!), format, statuses, ...(str(values, 'split') ? { splits: str(values, 'split')!.split(',') } : {}), fmbLabels: fmb, overwrite: flag(values, 'overwrite') }
      const job = await runJobCli(ws, 'export', params, 'export')
      if (job.state !== 'done') throw new ApiError(job.state === 'cancelled' ? 'cancelled' : 'bad_input', job.error ?? `Export ${job.state}.`)
      const r = job.result as { target: string; exported: number; format: string }
      makeOut(json).print(`Exported ${r.exported} images as ${r.format} to ${r.target}.`, r)
      return 0
    } finally {
      await ws.dispose()
    }
  }
}
