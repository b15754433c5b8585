import { z } from 'zod'
import { importDataset } from '../import'
import { UnknownLayoutError } from '../detect'
import { DATASET_FORMATS } from '@shared/formats/layouts'
import { ApiError } from '@shared/contract/errors'
import type { Workstation } from '../../workstation'
import type { JobContext } from '../../jobs/runner'
import { StoreSink } from './storeSink'

export const importParams = z
  .object({
    dir: z.string().min(1).max(4096),
    format: z.enum(DATASET_FORMATS).optional(),
    asProposals: z.boolean().default(false),
    withoutLabels: z.boolean().default(false)
  })
  .strict()
export type ImportParams = z.output<typeof importParams>

export interface ImportJobResult {
  format: string
  imported: number
  skipped: number
  /** Images whose content the project already held (skipped). */
  duplicates: number
  problems: { file: string; reason: string }[]
}

/**
 * Imports a dataset folder into the open project. Good files go in, each bad file is reported with
 * its name and reason; rerunning (or resuming) skips images already imported, and images whose
 * content the project already holds are skipped and counted (`duplicates`).
 */
export async function runImport(ws: Workstation, ctx: Pick<JobContext<ImportParams>, 'params' | 'signal' | 'progress'>): Promise<ImportJobResult> {
  const store = ws.project
  const sink = new StoreSink(store, ctx.params.withoutLabels)
  try {
    const r = await importDataset(
      ctx.params.dir,
      {
        ...(ctx.params.format ? { format: ctx.params.format } : {}),
        asProposals: ctx.params.asProposals,
        signal: ctx.signal,
        onProgress: (p) => ctx.progress(p.done, p.total, p.phase === 'scan' ? 'Scanning the dataset…' : `Importing ${p.done}/${p.total}`)
      },
      sink
    )
    sink.flush()
    ws.hub.emit('project.changed', { path: store.path })
    return { format: r.format, imported: sink.written, skipped: sink.skipped, duplicates: sink.duplicates, problems: r.problems }
  } catch (e) {
    sink.flush() // keep the finished part: a resumed import continues after it
    ws.hub.emit('project.changed', { path: store.path })
    if (e instanceof UnknownLayoutError) throw new ApiError('bad_input', e.message)
    throw e
  }
}

export function registerImportJob(ws: Workstation): void {
  ws.jobs.register<unknown>('import', (ctx) => runImport(ws, { ...ctx, params: importParams.parse(ctx.params) }))
}
