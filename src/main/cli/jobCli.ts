import type { JobInfo, JobKind } from '@shared/contract/types'
import type { Workstation } from '../core/workstation'
import { progressBar } from './output'

/**
 * Runs one job in this process with a progress bar on stderr; Ctrl+C cancels it cleanly (the job
 * keeps what it finished and can be resumed).
 */
export async function runJobCli(ws: Workstation, kind: JobKind, params: unknown, label: string): Promise<JobInfo> {
  const bar = progressBar(label)
  const off = ws.hub.subscribe((event, payload) => {
    if (event !== 'job.progress') return
    const p = payload as { done: number; total: number; rate: number; eta: number | null; message: string; state: string }
    if (p.state === 'running' && p.total > 0) bar(p.done, p.total, `${p.rate.toFixed(1)}/s${p.eta !== null ? ` ETA ${Math.ceil(p.eta)}s` : ''}`)
  })
  const job = ws.jobs.start(kind, params)
  const onSig = () => {
    process.stderr.write('\nCancelling…\n')
    ws.jobs.cancel(job.id)
  }
  process.once('SIGINT', onSig)
  try {
    return await ws.jobs.wait(job.id)
  } finally {
    process.off('SIGINT', onSig)
    off()
  }
}
