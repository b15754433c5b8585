/**
 * Execution provider choice for onnxruntime-node: CUDA (Linux x64, only when its provider library
 * is installed next to the binding), DirectML (Windows), CoreML (macOS), then CPU. Each candidate
 * is tried by really opening the session, so a missing driver or an unsupported graph falls back
 * with the reason recorded; the choice is what `getExecutionInfo` and the status bar show.
 */
import * as ort from 'onnxruntime-node'
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export type EpName = 'cuda' | 'dml' | 'coreml' | 'cpu'

export interface EpAttempt {
  name: EpName
  /** True for the provider the session runs on. */
  chosen: boolean
  /** Why it was chosen, skipped or failed, in a sentence. */
  reason: string
}

export interface EpChoice {
  name: EpName
  reason: string
  attempts: EpAttempt[]
  threads: number
}

export interface EpOptions {
  /** Skip every accelerator (job param `cpu`, CLI `--cpu`, env TWINLIGHT_FORCE_CPU=1). */
  forceCpu?: boolean
  /** Intra-op threads; default sized to the machine (see defaultThreads). */
  threads?: number
  platform?: NodeJS.Platform
  arch?: string
  /** onnxruntime-node's binary folder for this platform (tests point it elsewhere). */
  binDir?: string
}

const LABEL: Record<EpName, string> = { cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML', cpu: 'CPU' }
export const epLabel = (n: EpName): string => LABEL[n]

/** Folder holding onnxruntime_binding.node and the provider libraries for this platform. */
export function ortBinDir(platform: string = process.platform, arch: string = process.arch): string {
  const require = createRequire(import.meta.url)
  const pkgDir = dirname(require.resolve('onnxruntime-node/package.json'))
  return join(pkgDir, 'bin', 'napi-v6', platform, arch)
}

/**
 * Threads for one session: every core but one (decoding, post-processing and the UI share the
 * rest), at least 1, at most 8 (small graphs stop scaling there). TWINLIGHT_ORT_THREADS overrides.
 */
export function defaultThreads(): number {
  const env = Number(process.env.TWINLIGHT_ORT_THREADS)
  if (Number.isInteger(env) && env > 0) return env
  return Math.max(1, Math.min(8, availableParallelism() - 1))
}

export function forceCpuFromEnv(): boolean {
  return /^(1|true|yes)$/i.test(process.env.TWINLIGHT_FORCE_CPU ?? '')
}

/** Accelerators worth trying on this machine, in order, and why the others are not. */
export function acceleratorCandidates(opts: EpOptions = {}): { try: EpName[]; skipped: EpAttempt[] } {
  const platform = opts.platform ?? process.platform
  const arch = opts.arch ?? process.arch
  const skipped: EpAttempt[] = []
  const tryList: EpName[] = []
  const force = opts.forceCpu || forceCpuFromEnv()
  const skip = (name: EpName, reason: string): void => { skipped.push({ name, chosen: false, reason }) }
  // CUDA
  if (force) skip('cuda', 'CPU forced by setting')
  else if (platform !== 'linux' || arch !== 'x64') skip('cuda', `onnxruntime-node ships CUDA only for linux/x64 (this is ${platform}/${arch})`)
  else {
    const bin = opts.binDir ?? ortBinDir(platform, arch)
    const lib = join(bin, 'libonnxruntime_providers_cuda.so')
    if (existsSync(lib)) tryList.push('cuda')
    else skip('cuda', `CUDA provider library not installed (${lib} missing; see docs/inference.md)`)
  }
  // DirectML
  if (force) skip('dml', 'CPU forced by setting')
  else if (platform === 'win32') tryList.push('dml')
  else skip('dml', 'DirectML exists only on Windows')
  // CoreML
  if (force) skip('coreml', 'CPU forced by setting')
  else if (platform === 'darwin') tryList.push('coreml')
  else skip('coreml', 'CoreML exists only on macOS')
  return { try: tryList, skipped }
}

/**
 * 'extended', not 'all': the layout rewrites 'all' adds (NCHWc) moved the embedded model's logits
 * 1.02e-4 from PyTorch (over the 1e-4 parity bar) against 8.4e-5 with 'extended', at no measurable
 * speed difference on CPU for this graph (16-19 ms per 512x384 run either way).
 */
const GRAPH_OPT = 'extended' as const

function sessionOptions(ep: EpName, threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [ep],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: GRAPH_OPT,
    executionMode: 'sequential'
  }
}

/**
 * Opens `modelPath` on the first provider that works. `check` validates the opened session (e.g.
 * tensor names against the manifest); a check failure is a package problem, not a provider one,
 * so it is thrown at once.
 */
export async function openSession(modelPath: string, opts: EpOptions = {}, check?: (s: ort.InferenceSession) => void): Promise<{ session: ort.InferenceSession; ep: EpChoice }> {
  const threads = opts.threads ?? defaultThreads()
  const { try: candidates, skipped } = acceleratorCandidates(opts)
  const attempts: EpAttempt[] = [...skipped]
  for (const ep of candidates) {
    let session: ort.InferenceSession
    try {
      session = await ort.InferenceSession.create(modelPath, sessionOptions(ep, threads))
    } catch (e) {
      attempts.push({ name: ep, chosen: false, reason: `session failed on ${LABEL[ep]}: ${firstLine(e)}` })
      continue
    }
    try {
      check?.(session)
    } catch (e) {
      await session.release()
      throw e
    }
    const reason = `${LABEL[ep]} provider opened the model`
    attempts.push({ name: ep, chosen: true, reason })
    return { session, ep: { name: ep, reason, attempts: order(attempts), threads } }
  }
  const session = await ort.InferenceSession.create(modelPath, sessionOptions('cpu', threads))
  try {
    check?.(session)
  } catch (e) {
    await session.release()
    throw e
  }
  const why = opts.forceCpu || forceCpuFromEnv() ? 'CPU forced by setting' : `no accelerator available (${attempts.map((a) => `${LABEL[a.name]}: ${a.reason}`).join('; ')})`
  attempts.push({ name: 'cpu', chosen: true, reason: `${threads} thread(s)` })
  return { session, ep: { name: 'cpu', reason: why, attempts: order(attempts), threads } }
}

/** Turns the worker's attempts (accelerators, then CPU) into the recorded choice. */
export function choiceFromAttempts(skipped: EpAttempt[], tried: { name: EpName; ok: boolean; error?: string }[], threads: number, forced: boolean): EpChoice {
  const attempts: EpAttempt[] = [...skipped]
  let chosen: EpName = 'cpu'
  for (const t of tried) {
    if (t.ok) chosen = t.name
    attempts.push({ name: t.name, chosen: t.ok, reason: t.ok ? (t.name === 'cpu' ? `${threads} thread(s)` : `${LABEL[t.name]} provider opened the model`) : `session failed on ${LABEL[t.name]}: ${t.error ?? 'unknown error'}` })
  }
  const failed = order(attempts).filter((a) => !a.chosen)
  const reason = chosen !== 'cpu'
    ? `${LABEL[chosen]} provider opened the model`
    : forced ? 'CPU forced by setting' : `no accelerator available (${failed.map((a) => `${LABEL[a.name]}: ${a.reason}`).join('; ')})`
  return { name: chosen, reason, attempts: order(attempts), threads }
}

const ORDER: EpName[] = ['cuda', 'dml', 'coreml', 'cpu']
function order(a: EpAttempt[]): EpAttempt[] {
  return [...a].sort((x, y) => ORDER.indexOf(x.name) - ORDER.indexOf(y.name))
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300)
}
