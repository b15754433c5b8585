/**
 * The ONNX Runtime session lives in a worker thread, so the main thread's decoding,
 * post-processing and DB writes never wait on ORT's JavaScript side. Runs on one session are
 * serialised (see `runs` below): onnxruntime-node runs them concurrently otherwise, and two sets of
 * activations of a large model do not fit. The worker is plain JavaScript evaluated from a string
 * (no loader or bundler entry needed in tsx, vitest or the Electron build) and only opens a
 * session, trying the providers it is given in order, and runs it. Input buffers are transferred
 * to the worker and back (the caller's slots are reused); outputs are moved back when ORT's
 * buffers allow it, copied otherwise.
 */
import { Worker } from 'node:worker_threads'
import { createRequire } from 'node:module'
import type { GraphSignature } from '../package/packageLoader'
import type { EpName } from './ep'

const SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads')
const ort = require(workerData.ortPath)
let session = null
// onnxruntime-node's session.run is asynchronous (it runs on a libuv thread): two runs in flight on
// one session would run at once and hold two sets of activations (the pre-fill job keeps two runs
// queued). Runs therefore go one after another; the queue still keeps the model busy.
let runs = Promise.resolve()
function sig(s) {
  const meta = (m) => { try { return m ? JSON.parse(JSON.stringify(m)) : undefined } catch { return undefined } }
  return { inputNames: [...s.inputNames], outputNames: [...s.outputNames], inputMetadata: meta(s.inputMetadata), outputMetadata: meta(s.outputMetadata) }
}
parentPort.on('message', async (msg) => {
  try {
    if (msg.type === 'open') {
      const attempts = []
      for (const ep of msg.candidates) {
        try {
          session = await ort.InferenceSession.create(msg.path, Object.assign({}, msg.options, { executionProviders: [ep] }))
          attempts.push({ name: ep, ok: true })
          break
        } catch (e) {
          attempts.push({ name: ep, ok: false, error: String((e && e.message) || e).split('\n')[0].slice(0, 300) })
        }
      }
      if (!session) throw new Error(attempts.map((a) => a.name + ': ' + a.error).join('; '))
      parentPort.postMessage({ id: msg.id, ok: true, attempts, sig: sig(session) })
    } else if (msg.type === 'run') {
      const turn = runs.then(() => runOnce(msg))
      runs = turn.catch(() => undefined)
      await turn
    } else if (msg.type === 'close') {
      await runs
      if (session) await session.release()
      session = null
      parentPort.postMessage({ id: msg.id, ok: true })
    }
  } catch (e) {
    parentPort.postMessage({ id: msg.id, ok: false, error: String((e && e.message) || e) })
  }
})
async function runOnce(msg) {
  const feeds = {}
  for (const name of Object.keys(msg.feeds)) feeds[name] = new ort.Tensor('float32', msg.feeds[name].data, msg.feeds[name].dims)
  const t0 = performance.now()
  const r = await session.run(feeds, msg.fetches)
  const t1 = performance.now()
  const ms = t1 - t0
  const outs = {}
  for (const n of msg.fetches) outs[n] = { type: r[n].type, dims: r[n].dims, data: r[n].data }
  const transfer = Object.keys(msg.feeds).map((k) => msg.feeds[k].data.buffer)
  // Outputs are moved, not copied, when their buffers are whole and detachable (a copy of
  // ~2 MB a run costs the model's own core); otherwise they go by structured clone.
  const outBuffers = msg.fetches.map((n) => outs[n].data).filter((d) => d.byteOffset === 0 && d.byteLength === d.buffer.byteLength).map((d) => d.buffer)
  try {
    parentPort.postMessage({ id: msg.id, ok: true, outs, feeds: msg.feeds, ms, span: [t0, t1] }, transfer.concat([...new Set(outBuffers)]))
  } catch {
    parentPort.postMessage({ id: msg.id, ok: true, outs, feeds: msg.feeds, ms, span: [t0, t1] }, transfer)
  }
}
`

export interface WorkerAttempt {
  name: EpName
  ok: boolean
  error?: string
}

export interface WorkerOutput {
  type: string
  dims: number[]
  data: Float32Array
}

interface Reply {
  id: number
  ok: boolean
  error?: string
  attempts?: WorkerAttempt[]
  sig?: GraphSignature
  outs?: Record<string, WorkerOutput>
  feeds?: Record<string, { data: Float32Array; dims: number[] }>
  ms?: number
  /** Worker clock at the start and end of session.run. */
  span?: [number, number]
}

export class OrtWorker {
  private readonly worker: Worker
  private next = 1
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>()
  private dead: Error | null = null

  constructor() {
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node')
    this.worker = new Worker(SOURCE, { eval: true, workerData: { ortPath } })
    this.worker.unref()
    this.worker.on('message', (r: Reply) => {
      const w = this.waiting.get(r.id)
      if (!w) return
      this.waiting.delete(r.id)
      if (!this.waiting.size) this.worker.unref()
      if (r.ok) w.resolve(r)
      else w.reject(new Error(r.error ?? 'inference worker failed'))
    })
    const fail = (e: Error): void => {
      this.dead = e
      for (const w of this.waiting.values()) w.reject(e)
      this.waiting.clear()
    }
    this.worker.on('error', fail)
    this.worker.on('exit', (code) => fail(new Error(`inference worker exited (code ${code})`)))
  }

  /** False once the worker thread has died (its engine must be reopened). */
  get alive(): boolean {
    return this.dead === null
  }

  private call(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.dead) return Promise.reject(this.dead)
    const id = this.next++
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      this.worker.ref()
      this.worker.postMessage({ ...msg, id }, transfer)
    })
  }

  /** Opens the model on the first candidate provider that works; returns every attempt and the graph's signature. */
  async open(path: string, candidates: EpName[], options: Record<string, unknown>): Promise<{ attempts: WorkerAttempt[]; sig: GraphSignature }> {
    const r = await this.call({ type: 'open', path, candidates, options })
    return { attempts: r.attempts!, sig: r.sig! }
  }

  /**
   * Runs once. The feed arrays are transferred to the worker and come back in `returned` (the
   * originals are detached meanwhile): callers put them back into their slot.
   */
  async run(feeds: Record<string, { data: Float32Array; dims: readonly number[] }>, fetches: string[]): Promise<{ outs: Record<string, WorkerOutput>; returned: Record<string, Float32Array>; ms: number; span: [number, number] }> {
    const transfer = Object.values(feeds).map((f) => f.data.buffer as ArrayBuffer)
    const r = await this.call({ type: 'run', feeds, fetches }, transfer)
    const returned: Record<string, Float32Array> = {}
    for (const [k, v] of Object.entries(r.feeds!)) returned[k] = v.data
    return { outs: r.outs!, returned, ms: r.ms!, span: r.span! }
  }

  async close(): Promise<void> {
    if (this.dead) return
    try {
      await this.call({ type: 'close' })
    } finally {
      await this.worker.terminate()
    }
  }
}
