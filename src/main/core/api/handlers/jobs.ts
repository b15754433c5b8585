import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'

export function jobHandlers(ws: Workstation): Pick<Handlers, 'listJobs' | 'getJob' | 'cancelJob' | 'resumeJob'> {
  return {
    listJobs: () => ws.project.jobs.list(),
    getJob: ({ id }) => ws.project.jobs.get(id),
    cancelJob: ({ id }) => ws.jobs.cancel(id),
    resumeJob: ({ id }) => ws.jobs.resume(id)
  }
}
