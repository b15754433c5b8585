import type { Workstation } from './workstation'
import { registerImportJob } from './project/importJob'

/** Registers every kind of long work with the job runner (import, pre-fill, train, export). */
export function registerJobs(ws: Workstation): void {
  registerImportJob(ws)
}
