import { defineStore } from 'pinia'
import type { EventPayload } from '@shared/contract'
import { api } from '../api'
import { useNotify } from './notify'

export type JobProgress = EventPayload<'job.progress'>

const finished = new Set(['done', 'failed', 'cancelled', 'interrupted'])

/** Live job progress pushed by main (`job.progress`); finished jobs linger briefly, then drop. */
export const useJobs = defineStore('jobs', {
  state: () => ({ byId: {} as Record<number, JobProgress> }),
  getters: {
    active: (s) => Object.values(s.byId).sort((a, b) => b.jobId - a.jobId)
  },
  actions: {
    listen() {
      api.on('job.progress', (p) => {
        this.byId[p.jobId] = p
        if (finished.has(p.state)) {
          if (p.state === 'failed') useNotify().push({ kind: 'error', title: `${p.kind} job failed`, detail: p.message })
          setTimeout(() => {
            if (this.byId[p.jobId]?.state === p.state) delete this.byId[p.jobId]
          }, 5000)
        }
      })
    },
    async cancel(jobId: number) {
      try {
        await api.cancelJob({ id: jobId })
      } catch (e) {
        useNotify().error('Could not cancel the job', e)
      }
    }
  }
})
