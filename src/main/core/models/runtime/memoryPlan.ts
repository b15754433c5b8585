/**
 * Memory-safe ONNX Runtime settings for a model package (issue #21 item 2). A 1280x1280 SARTM
 * backbone (309 MB of weights) was OOM-killed above 23 GB with graph optimisation 'basic' or
 * 'extended' and the CPU arena on; with optimisation 'disabled', no arena and no memory pattern it
 * opened in 34 s and ran one image with a 15.4 GB peak (bench/results/sartm.json). So the plan is chosen from the package size, the input size and the
 * free memory, and a package that cannot fit is refused with the numbers before any work starts.
 */
import { freemem } from 'node:os'
import { readFileSync, statSync } from 'node:fs'
import { ModelPackageError } from '@shared/modelPackage'
import type { LoadedModelPackage } from '../package/packageLoader'

export type GraphOptLevel = 'disabled' | 'basic' | 'extended' | 'all'

export interface MemoryPlanInput {
  /** Size of the ONNX file(s) the session loads, bytes. */
  modelBytes: number
  /** Model input height x width (pixels of one modality). */
  inputPixels: number
  /** Memory the process may still use, bytes (MemAvailable on Linux). */
  freeBytes: number
  /** Threads asked for (setting / env); the plan never goes above it. */
  threads: number
  /** Package name, for the refusal sentence. */
  name?: string
}

export interface MemoryPlan {
  /** 'small': the fast defaults; 'lean': memory-first settings for large packages. */
  kind: 'small' | 'lean'
  graphOptimizationLevel: GraphOptLevel
  enableCpuMemArena: boolean
  enableMemPattern: boolean
  threads: number
  /** Estimated peak resident bytes of one session running one image. */
  estimatedPeakBytes: number
  /** Why these settings, in a sentence (logged and shown by `twinlight models`). */
  reason: string
}

export class MemoryRefusal extends Error {
  /** `detail`: the sentence after the package's name ("needs about ... is free; ..."). */
  constructor(name: string | undefined, readonly detail: string, readonly neededBytes: number, readonly freeBytes: number) {
    super(`${name ? `Model package "${name}"` : 'This model package'} ${detail}`)
    this.name = 'MemoryRefusal'
  }
}

/** Packages above this load with the lean settings (the tiny and embedded ones are far below). */
export const LEAN_MODEL_BYTES = 100 * 1024 * 1024
/**
 * Peak model: weights held about twice while loading (protobuf + initialisers) plus activations in
 * proportion to the input pixels. The lean factor is the 1280 SARTM package's bare onnxruntime-node
 * session (15.4 GB peak RSS, bench/results/sartm.json). With optimisation, arena and memory
 * pattern on, the estimate is SMALL_OVER_LEAN times that (never below the lean one).
 * Activations per pixel scale with the network's width, and so roughly with its weight bytes: a
 * model smaller than the calibration package gets that share of LEAN_BYTES_PER_PIXEL (without it
 * the 2 MB embedded model was estimated at ~2 GB and refused on a machine with 2.5 GB free).
 */
export const WEIGHT_FACTOR = 2
export const LEAN_BYTES_PER_PIXEL = 9500
/** backbone.onnx of the 1280 SARTM package the per-pixel factor was measured on. */
export const CALIBRATION_MODEL_BYTES = 309 * 1024 * 1024
export const SMALL_OVER_LEAN = 1.5
/** Memory kept free for the app itself, the image decoders and the feature cache. */
export const HEADROOM_BYTES = 1024 * 1024 * 1024

const gb = (b: number): string => (b / 1024 ** 3).toFixed(1)
const mb = (b: number): string => (b / 1024 ** 2).toFixed(0)

export function estimatePeakBytes(modelBytes: number, inputPixels: number, kind: 'small' | 'lean'): number {
  const perPixel = LEAN_BYTES_PER_PIXEL * Math.min(1, modelBytes / CALIBRATION_MODEL_BYTES)
  const lean = WEIGHT_FACTOR * modelBytes + inputPixels * perPixel
  return kind === 'lean' ? lean : SMALL_OVER_LEAN * lean
}

/** Settings for one session, or a MemoryRefusal naming what it needs and what is free. */
export function planMemory(input: MemoryPlanInput): MemoryPlan {
  const threads = Math.max(1, Math.floor(input.threads))
  const small = estimatePeakBytes(input.modelBytes, input.inputPixels, 'small')
  if (input.modelBytes < LEAN_MODEL_BYTES && small + HEADROOM_BYTES <= input.freeBytes) {
    return {
      kind: 'small', graphOptimizationLevel: 'extended', enableCpuMemArena: true, enableMemPattern: true, threads,
      estimatedPeakBytes: small,
      reason: `${mb(input.modelBytes)} MB model, about ${gb(small)} GB of ${gb(input.freeBytes)} GB free: full optimisation`
    }
  }
  const lean = estimatePeakBytes(input.modelBytes, input.inputPixels, 'lean')
  if (lean + HEADROOM_BYTES > input.freeBytes) {
    const side = Math.round(Math.sqrt(input.inputPixels))
    throw new MemoryRefusal(input.name,
      `needs about ${gb(lean + HEADROOM_BYTES)} GB of memory ` +
      `(${mb(input.modelBytes)} MB of weights at ${side}x${side} input, even with graph optimisation, arena and memory pattern off), ` +
      `but only ${gb(input.freeBytes)} GB is free; close other programs or choose a smaller package.`,
      lean + HEADROOM_BYTES, input.freeBytes)
  }
  return {
    kind: 'lean', graphOptimizationLevel: 'disabled', enableCpuMemArena: false, enableMemPattern: false, threads,
    estimatedPeakBytes: lean,
    reason: `${mb(input.modelBytes)} MB model, about ${gb(lean)} GB of ${gb(input.freeBytes)} GB free: ` +
      'graph optimisation, CPU arena and memory pattern off (optimised loading of this size was OOM-killed above 23 GB)'
  }
}

/** ORT session options of a plan (CPU EP; accelerators take the same memory flags). */
export function planSessionOptions(plan: MemoryPlan): Record<string, unknown> {
  return {
    intraOpNumThreads: plan.threads, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: plan.graphOptimizationLevel,
    enableCpuMemArena: plan.enableCpuMemArena, enableMemPattern: plan.enableMemPattern
  }
}

/**
 * Free memory for a new session: TWINLIGHT_FREE_MEMORY_BYTES when set (tests, or a user capping what
 * the app may take), else MemAvailable on Linux (page cache counts as free), else os.freemem().
 */
export function availableMemoryBytes(meminfo = '/proc/meminfo'): number {
  const env = Number(process.env.TWINLIGHT_FREE_MEMORY_BYTES)
  if (Number.isFinite(env) && env > 0) return env
  try {
    const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync(meminfo, 'utf8'))
    if (m) return Number(m[1]) * 1024
  } catch { /* not Linux */ }
  return freemem()
}

/** The plan for a package's backbone; a refusal becomes the package's error (nothing opened yet). */
export function planForPackage(pkg: LoadedModelPackage, threads: number, freeBytes = availableMemoryBytes()): MemoryPlan {
  const m = pkg.manifest
  try {
    return planMemory({ modelBytes: statSync(pkg.backbonePath).size, inputPixels: m.input.width * m.input.height, freeBytes, threads, name: m.name })
  } catch (e) {
    if (e instanceof MemoryRefusal) throw new ModelPackageError(m.name, e.detail)
    throw e
  }
}
