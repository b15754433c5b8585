import { z } from 'zod'
import { method } from '../define'
import type { JobInfo } from '../types'
import { DATASET_FORMATS, EXPORT_FORMATS } from '../../formats/layouts'
import { fsPath, splitName, status } from './common'

export const datasetMethods = {
  /**
   * Import a dataset folder into the open project as a job (auto-detected layout unless `format`).
   * Labels become accepted ground truth, or proposals to review with `asProposals`.
   */
  startImport: method<JobInfo>()(
    z.object({ dir: fsPath, format: z.enum(DATASET_FORMATS).optional(), asProposals: z.boolean().default(false), withoutLabels: z.boolean().default(false) }).strict(),
    'Import a dataset folder (job).'
  ),
  /** Export the open project's masks into a new folder in a research layout (job). */
  startExport: method<JobInfo>()(
    z
      .object({
        dir: fsPath,
        format: z.enum(EXPORT_FORMATS),
        statuses: z.array(status).min(1).default(['accepted']),
        splits: z.array(splitName).optional(),
        fmbLabels: z.enum(['raw', 'shifted']).default('raw'),
        overwrite: z.boolean().default(false)
      })
      .strict(),
    'Export masks in a dataset layout (job).'
  )
}
