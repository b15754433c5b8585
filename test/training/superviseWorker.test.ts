// Both tiers' worker supervision: progress passes through, done resolves, a worker that exits early
// makes the run interrupted (the job runner's JobInterrupted), cancel terminates with 'cancelled'.
import { describe, expect, it } from 'vitest'
import { Worker } from 'node:worker_threads'
import { superviseWorker } from '../../src/main/core/training/superviseWorker'
import { JobInterrupted } from '../../src/main/core/jobs/interrupted'

const worker = (code: string) => new Worker(code, { eval: true })

describe('superviseWorker', () => {
  it('passes progress and resolves with what done yields', async () => {
    const seen: number[] = []
    const w = worker(`const { parentPort } = require('node:worker_threads')
      parentPort.postMessage({ type: 'progress', step: 1, steps: 2, loss: 0.5, curve: [] })
      parentPort.postMessage({ type: 'done', value: 42, curve: [] })
      setInterval(() => {}, 1000)`)
    const out = await superviseWorker(w, 'Test worker', { onProgress: (p) => seen.push(p.step) }, (m: { value: number }) => m.value * 2)
    expect(out).toBe(84)
    expect(seen).toEqual([1])
  })

  it('a worker that exits before finishing interrupts the run, naming the worker', async () => {
    const run = superviseWorker(worker(`process.exit(3)`), 'Training worker', {}, () => 0)
    await expect(run).rejects.toBeInstanceOf(JobInterrupted)
    await expect(superviseWorker(worker(`process.exit(3)`), 'Training worker', {}, () => 0)).rejects.toThrow(/^Training worker exited with code 3 before finishing; nothing was stored/)
  })

  it('cancel terminates the worker and rejects as cancelled', async () => {
    const ac = new AbortController()
    const w = worker(`setInterval(() => {}, 1000)`)
    const run = superviseWorker(w, 'Training worker', { signal: ac.signal }, () => 0)
    ac.abort()
    await expect(run).rejects.toMatchObject({ code: 'cancelled' })
  })
})
