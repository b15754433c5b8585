import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'
import { ApiError } from '@shared/contract/errors'
import { planTraining } from '../../training/trainJob'
import { getReport } from '../../training/versions'

type Names = 'startTraining' | 'getTrainingReport'

export function trainingHandlers(ws: Workstation): Pick<Handlers, Names> {
  return {
    startTraining: async (params) => {
      const store = ws.project
      if (store.jobs.list().some((j) => j.kind === 'train' && (j.state === 'running' || j.state === 'queued') && ws.jobs.isRunning(j.id))) {
        throw new ApiError('conflict', 'A fine-tuning job is already running; wait for it or cancel it first.')
      }
      // Refuse before queuing a job when there is nothing to learn from (nothing changes).
      await planTraining(store, { tier: params.tier ?? 'adapter' })
        .catch((e: unknown) => {
          // No active model yet is fine here: the job registers the embedded base package.
          if (e instanceof ApiError && e.message.startsWith('No model is active')) return null
          throw e
        })
      return ws.jobs.start('train', params)
    },
    getTrainingReport: ({ modelVersionId }) => getReport(ws.project, modelVersionId)
  }
}
