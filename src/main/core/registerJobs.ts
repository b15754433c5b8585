import type { Workstation } from './workstation'
import { registerImportJob } from './project/importJob'
import { registerPrefillJob } from './models/prefillJob'
import { registerExportJob } from './project/exportJob'
import { registerTrainingJob } from './training/trainJob'
import { modelOutputs } from './training/modelOutputs'

/** Registers every kind of long work with the job runner (import, pre-fill, train, export). */
export function registerJobs(ws: Workstation): void {
  registerImportJob(ws)
  registerPrefillJob(ws)
  registerExportJob(ws)
  registerTrainingJob(ws, modelOutputs)
}
