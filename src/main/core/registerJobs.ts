import type { Workstation } from './workstation'
import { registerImportJob } from './datasets/jobs/importJob'
import { registerPrefillJob } from './prefill/prefillJob'
import { registerExportJob } from './datasets/jobs/exportJob'
import { registerTrainingJob } from './training/registerTraining'
import { modelOutputs } from './training/modelOutputs'

/** Registers every kind of long work with the job runner (import, pre-fill, train, export). */
export function registerJobs(ws: Workstation): void {
  registerImportJob(ws)
  registerPrefillJob(ws)
  registerExportJob(ws)
  registerTrainingJob(ws, modelOutputs)
}
