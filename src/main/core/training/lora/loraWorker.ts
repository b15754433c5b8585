/**
 * Runs `<python> model/lora_worker.py --job DIR` and supervises it like the worker threads of the
 * other tiers (superviseWorker.ts): stdout is read as JSON lines (phase, resumed, progress,
 * checkpoint, done, error), stderr is kept (its last lines go into a failure message), an `error`
 * line fails the job with its sentence, and an exit without `done` is `JobInterrupted`, so the job
 * ends `interrupted` and can be resumed from the worker's checkpoint. Cancel = SIGTERM, then
 * SIGKILL after 3 s.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ApiError } from '@shared/contract/errors'
import { JobInterrupted } from '../../jobs/interrupted'
import { trainingCancelled } from '../jobProgress'
import type { LossPoint } from '../trainLoop'

export type WorkerLine =
  | { type: 'phase'; phase: 'load' | 'train' | 'export' | 'done'; message?: string }
  | { type: 'resumed'; step: number }
  | { type: 'progress'; step: number; steps: number; loss: number; etaSeconds?: number }
  | { type: 'checkpoint'; step: number }
  | { type: 'done'; out: string; steps: number; seconds: number; device: string; trainableParams: number; lossCurve: LossPoint[] }
  | { type: 'error'; message: string }

export type WorkerDone = Extract<WorkerLine, { type: 'done' }>

const STDERR_LINES = 20
export const KILL_GRACE_MS = 3000

const pidFile = (jobDir: string): string => join(jobDir, 'app-worker.pid')

/**
 * A worker left running by an app that was killed (a child outlives a SIGKILLed parent) would
 * write into the job folder beside the resumed one: killed first. Linux only (/proc tells that
 * the pid is still that worker, not a reused pid).
 */
export function killOrphanWorker(jobDir: string): boolean {
  let pid: number
  try {
    pid = Number(readFileSync(pidFile(jobDir), 'utf8'))
  } catch {
    return false
  }
  rmSync(pidFile(jobDir), { force: true })
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    if (!cmd.includes('--job') || !cmd.includes(jobDir)) return false
    process.kill(pid, 'SIGKILL')
    return true
  } catch {
    return false
  }
}

export function runLoraWorker(python: string, script: string, jobDir: string, opts: { signal?: AbortSignal; onLine?: (l: WorkerLine) => void; env?: NodeJS.ProcessEnv } = {}): Promise<WorkerDone> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, '--job', jobDir], { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env })
    const stderr: string[] = []
    let partial = ''
    let settled = false
    let done: WorkerDone | null = null
    let failed: string | null = null
    let killTimer: NodeJS.Timeout | null = null
    const tail = () => (stderr.length ? `\nLast worker output:\n${stderr.slice(-STDERR_LINES).join('\n')}` : '')
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      opts.signal?.removeEventListener('abort', onAbort)
      fn()
    }
    let cancelled = false
    // Cancel: SIGTERM, SIGKILL after the grace period; the job ends once the process has gone, so
    // nothing writes into the job folder after the job has cleaned it up.
    const onAbort = () => {
      cancelled = true
      child.kill('SIGTERM')
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS)
    }
    if (opts.signal?.aborted) onAbort()
    else opts.signal?.addEventListener('abort', onAbort, { once: true })
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const t = line.trim()
      if (!t) return
      let m: WorkerLine
      try {
        m = JSON.parse(t) as WorkerLine
      } catch {
        stderr.push(t) // free text on stdout: kept with stderr
        return
      }
      if (m.type === 'done') done = m
      else if (m.type === 'error') failed = m.message
      opts.onLine?.(m)
    })
    child.stderr!.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n')
      partial = lines.pop() ?? ''
      stderr.push(...lines.filter((l) => l.trim()))
      if (stderr.length > 4 * STDERR_LINES) stderr.splice(0, stderr.length - STDERR_LINES)
    })
    if (child.pid) writeFileSync(pidFile(jobDir), String(child.pid))
    child.on('error', (e) => finish(() => reject(new Error(`The LoRA worker could not be started (${python} ${script}): ${e.message}`))))
    child.on('close', (code, sig) => {
      if (killTimer) clearTimeout(killTimer)
      if (partial.trim()) stderr.push(partial.trim())
      rmSync(pidFile(jobDir), { force: true })
      if (cancelled) return finish(() => reject(trainingCancelled()))
      // The worker's own sentence: an ApiError, so the runner records it without a stack trace.
      if (failed !== null) return finish(() => reject(new ApiError('internal', `LoRA training failed: ${failed}${tail()}`)))
      if (done && code === 0) return finish(() => resolve(done!))
      finish(() => reject(new JobInterrupted(`the LoRA worker ${sig ? `was killed (${sig})` : `exited with code ${code}`} before finishing; nothing was stored, the active model is unchanged. Resume the job to continue from its last checkpoint.${tail()}`)))
    })
  })
}
