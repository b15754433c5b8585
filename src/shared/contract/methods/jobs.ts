import { z } from 'zod'
import { method } from '../define'
import type { JobInfo } from '../types'
import { id, noArgs } from './common'

export const jobMethods = {
  listJobs: method<JobInfo[]>()(noArgs, 'Jobs of the open project, newest first (running, interrupted and recent).'),
  getJob: method<JobInfo>()(z.object({ id }).strict(), 'One job.'),
  /** Ask a running job to stop; it ends in state `cancelled` and keeps what it finished. */
  cancelJob: method<JobInfo>()(z.object({ id }).strict(), 'Cancel a running job.'),
  /** Restart an interrupted (or failed) job from where it stopped. */
  resumeJob: method<JobInfo>()(z.object({ id }).strict(), 'Resume an interrupted job.')
}
