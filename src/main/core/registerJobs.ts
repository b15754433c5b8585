import type { Workstation } from './workstation'

/** Registers every kind of long work with the job runner (import, pre-fill, train, export). */
export function registerJobs(_ws: Workstation): void {
  // Job kinds arrive with their issues: datasets (import/export), inference (prefill), training (train).
}
