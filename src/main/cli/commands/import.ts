import type { Command } from '../command'
import { parse, str, flag } from '../args'
import { openSession } from '../session'
import { runJobCli } from '../jobCli'
import { makeOut } from '../output'
import { ApiError } from '@shared/contract/errors'
import { DATASET_FORMATS, type DatasetFormat } from '@shared/formats/layouts'
import type { ImportJobResult } from '../../core/datasets/jobs/importJob'
import { existsSync } from 'node:fs'
import { basename, resolve } from 'node:path'

const usage = `twinlight import <dataset-dir> [--project FILE] [--format ${DATASET_FORMATS.join('|')}] [--as-proposals] [--json]`

export const importCommand: Command = {
  name: 'import',
  summary: 'Import a dataset folder (MFNet, CMX, SARTM, PST900, FMB, folder pairs) into a project.',
  usage,
  async run(argv, json) {
    const { values, positionals } = parse(argv, { project: { type: 'string' }, format: { type: 'string' }, 'as-proposals': { type: 'boolean' } }, usage)
    if (positionals.length !== 1) throw new ApiError('invalid_argument', `import needs one dataset folder.\nUsage: ${usage}`)
    const format = str(values, 'format')
    if (format !== undefined && !(DATASET_FORMATS as readonly string[]).includes(format)) throw new ApiError('invalid_argument', `Unknown --format ${format}; use one of ${DATASET_FORMATS.join(', ')}.`)
    const dir = resolve(positionals[0]!)
    const project = resolve(str(values, 'project') ?? `${basename(dir)}.twinlight`)
    const s = openSession()
    try {
      const opened = existsSync(project) ? await s.call('openProject', { path: project }) : await s.call('createProject', { path: project, classPreset: 'mfnet' })
      const job = await runJobCli(s, 'startImport', { dir, ...(format ? { format: format as DatasetFormat } : {}), asProposals: flag(values, 'as-proposals') }, 'import')
      const out = makeOut(json)
      if (job.state !== 'done') throw new ApiError(job.state === 'cancelled' ? 'cancelled' : 'bad_input', job.error ?? `Import ${job.state}.`)
      const r = job.result as ImportJobResult
      const lines = [`Imported ${r.imported} images (${r.format}) into ${opened.path}${r.skipped ? `; ${r.skipped} already there` : ''}${r.duplicates ? `; ${r.duplicates} duplicate(s) of images already in the project skipped` : ''}.`]
      if (r.problems.length) lines.push(`${r.problems.length} file(s) skipped:`, ...r.problems.map((p) => `  ${p.file}: ${p.reason}`))
      out.print(lines.join('\n'), { project: opened.path, ...r })
      return r.problems.length ? 3 : 0
    } finally {
      await s.dispose()
    }
  }
}
