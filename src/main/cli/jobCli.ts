import type { JobInfo } from '@shared/contract/types'
import type { ArgsOf } from '@shared/contract/define'
import type { Methods } from '@shared/contract/methods'
import type { CliSession } from './session'
import { progressBar } from './output'

type StartMethod = 'startImport' | 'startExport' | 'startPrefill' | 'startTraining'
const ended = new Set(['done', 'failed', 'cancelled', 'interrupted'])

/**
 * Starts one job through the contract and runs it in this process with a progress bar on stderr;
 * Ctrl+C cancels it cleanly (cancelJob; the job keeps what it finished and can be resumed).
 * The end is learnt from the job.progress events the UI gets too, then read back with getJob.
 */
export async function runJobCli<M extends StartMethod>(s: CliSession, method: M, args: ArgsOf<Methods[M]>, label: string): Promise<JobInfo> {
  const bar = progressBar(label)
  const finished = new Map<number, () => void>()
  const endedIds = new Set<number>()
  const off = s.ws.hub.subscribe((event, payload) => {
    if (event !== 'job.progress') return
    const p = payload as { jobId: number; done: number; total: number; rate: number; eta: number | null; state: string }
    if (p.state === 'running' && p.total > 0) bar(p.done, p.total, `${p.rate.toFixed(1)}/s${p.eta !== null ? ` ETA ${Math.ceil(p.eta)}s` : ''}`)
    if (ended.has(p.state)) {
      endedIds.add(p.jobId)
      finished.get(p.jobId)?.()
    }
  })
  let onSig: (() => void) | null = null
  try {
    const job: JobInfo = await s.call<StartMethod>(method, args)
    onSig = () => {
      process.stderr.write('\nCancelling…\n')
      void s.call('cancelJob', { id: job.id }).catch(() => undefined) // already ended: nothing to cancel
    }
    process.once('SIGINT', onSig)
    // the job may have ended before its id was known here
    if (!endedIds.has(job.id)) await new Promise<void>((resolve) => finished.set(job.id, resolve))
    return await s.call('getJob', { id: job.id })
  } finally {
    if (onSig) process.off('SIGINT', onSig)
    off()
  }
}
