import { readdirSync } from 'node:fs'
import { z } from 'zod'
import { exportDataset, ExportTargetExistsError, type ExportItem, type ExportSource } from '../export'
import type { SplitFile } from '../types'
import { EXPORT_FORMATS } from '@shared/formats/layouts'
import { imageStatuses } from '@shared/contract/types'
import { ApiError } from '@shared/contract/errors'
import type { Workstation } from '../../workstation'
import type { ProjectStore } from '../../store/projectStore'
import type { JobContext } from '../../jobs/runner'
import { SPLIT_FILES_META } from './storeSink'
import { checkExportTarget } from '../export/targetGuard'

export const exportParams = z
  .object({
    dir: z.string().min(1).max(4096),
    format: z.enum(EXPORT_FORMATS),
    statuses: z.array(z.enum(imageStatuses)).min(1).default(['accepted']),
    splits: z.array(z.string()).optional(),
    fmbLabels: z.enum(['raw', 'shifted']).default('raw'),
    overwrite: z.boolean().default(false)
  })
  .strict()
export type ExportParams = z.output<typeof exportParams>

/** The project as an export source: chosen statuses and splits, current label maps, imported split order. */
export function projectExportSource(store: ProjectStore, params: Pick<ExportParams, 'statuses' | 'splits'>): { source: ExportSource; count: number; skipped: string[] } {
  const ids = store.images.ids({ status: params.statuses, ...(params.splits ? { split: params.splits } : {}) }, 'name')
  const meta = store.getMeta(SPLIT_FILES_META)
  const splitFiles = meta ? ((JSON.parse(meta) as { splitFiles: SplitFile[] }).splitFiles ?? []) : []
  /** Names of chosen images that have no label map yet (filled while the items are read). */
  const skipped: string[] = []
  const source: ExportSource = {
    classes: store.classes(),
    splitFiles,
    async *items(): AsyncIterable<ExportItem> {
      for (const id of ids) {
        const img = store.images.get(id)
        const cur = store.annotations.current(id)
        if (!cur) {
          skipped.push(img.name) // nothing labelled yet: nothing to export for this image
          continue
        }
        yield {
          name: img.name,
          split: img.split,
          rgbPath: store.resolvePath(img.rgbPath),
          thermalPath: store.resolvePath(img.thermalPath),
          ...(img.thermalChannel !== null ? { thermalChannel: img.thermalChannel } : {}),
          ...(img.thermalRawPath ? { thermalRawPath: store.resolvePath(img.thermalRawPath) } : {}),
          label: { width: cur.width, height: cur.height, data: cur.labels }
        }
      }
    }
  }
  return { source, count: ids.length, skipped }
}

/** Refuses, before anything is written, a target whose export could delete project files (issue 17). */
export function checkProjectExportTarget(ws: Workstation, params: Pick<ExportParams, 'dir' | 'overwrite'>): void {
  const store = ws.project
  checkExportTarget(
    params.dir,
    { projectFile: store.path, referencedFiles: store.images.referencedPaths().map((p) => store.resolvePath(p)), dataDir: ws.opts.dataDir },
    params.overwrite
  )
}

/** What a finished export job reports: the dialog's summary and `twinlight export` print it. */
export interface ExportJobResult {
  target: string
  format: string
  exported: number
  /** Files in the written target (labels, images, split files, marker). */
  files: number
  /** Chosen images left out because they have no label map yet (names). */
  skipped: string[]
}

/** Exports into a temporary folder renamed into place at the end: a target is never half-written. */
export async function runExport(ws: Workstation, ctx: Pick<JobContext<ExportParams>, 'params' | 'signal' | 'progress'>): Promise<ExportJobResult> {
  checkProjectExportTarget(ws, ctx.params)
  const { source, count, skipped } = projectExportSource(ws.project, ctx.params)
  if (count === 0) throw new ApiError('bad_input', `No images with status ${ctx.params.statuses.join('/')} to export.`)
  ctx.progress(0, count, 'Exporting…')
  try {
    const r = await exportDataset(source, ctx.params.dir, {
      format: ctx.params.format,
      overwrite: ctx.params.overwrite,
      fmbLabels: ctx.params.fmbLabels,
      signal: ctx.signal,
      onProgress: (done) => ctx.progress(done, count, `Exported ${done}/${count}`)
    })
    return { target: r.target, format: r.format, exported: r.exported, files: countFiles(r.target), skipped }
  } catch (e) {
    if (e instanceof ExportTargetExistsError) throw new ApiError('conflict', e.message)
    throw e
  }
}

function countFiles(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length
}

export function registerExportJob(ws: Workstation): void {
  ws.jobs.register<unknown>('export', (ctx) => runExport(ws, { ...ctx, params: exportParams.parse(ctx.params) }))
}
