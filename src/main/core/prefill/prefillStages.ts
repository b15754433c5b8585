/**
 * The pre-fill job's per-image work outside the model, as two plain functions over plain data so
 * the same code runs on the main thread (fallback, tests) and in the stage worker threads
 * (prefillWorker.ts): `prepareImage` (read + decode + preprocess into an input slot) and
 * `finishImage` (labels + confidence + regions, and the features' float16 encoding for the
 * cache). Neither touches the DB; whoever calls them commits the results.
 */
import type { ModelManifest } from '@shared/modelPackage'
import { decodeForModel, ImagingError, type ModelImageSource } from '../models/pixels/imageInput'
import { Preprocessor, type InputSlot } from '../models/pixels/preprocess'
import { labelsFromLogits, type LabelBuffers } from '../models/pixels/postprocess'
import { regionTable } from './regions'
import { encodeHalf } from '../models/pixels/fp16'
import type { Frame } from '../models/pixels/geometry'
import type { OutputShapes } from '../models/package/outputShapes'
import type { Region } from '../store/proposalsRepo'

export interface PreparedImage {
  frame: Frame
  contentHash: string
  registration: { dx: number; dy: number }
}

/** An image that could not be read: reported and skipped, never fatal. */
export interface ImageProblem {
  file: string
  reason: string
}

export type PrepareOutcome = { ok: true; image: PreparedImage } | { ok: false; problem: ImageProblem }

/** One Preprocessor per manifest id (its tables and scratch buffers are reused image after image). */
export class PreprocessorSet {
  private readonly byId = new Map<string, Preprocessor>()
  get(m: ModelManifest): Preprocessor {
    let p = this.byId.get(m.id)
    if (!p) {
      if (this.byId.size >= 4) this.byId.clear()
      this.byId.set(m.id, (p = new Preprocessor(m)))
    }
    return p
  }
}

/** Reads, decodes and preprocesses one image into `slot`. Unreadable files become a problem. */
export async function prepareImage(pre: Preprocessor, src: ModelImageSource, slot: InputSlot): Promise<PrepareOutcome> {
  try {
    const img = await decodeForModel(src)
    const frame = pre.fill(img.pair, img.registration, slot)
    return { ok: true, image: { frame, contentHash: img.contentHash, registration: img.registration } }
  } catch (e) {
    if (e instanceof ImagingError) return { ok: false, problem: { file: e.file, reason: e.reason } }
    throw e
  }
}

export interface FinishInput {
  /** Adapter already applied, when the version has one. */
  logits: Float32Array
  shapes: OutputShapes
  frame: Frame
  classMap: Uint8Array | null
  skipClasses: readonly number[]
  /** Features to encode to float16 for the feature cache, or null when not caching. */
  features: Float32Array | null
}

export interface FinishedImage {
  labels: Uint8Array
  confidence: Uint8Array
  meanConfidence: number
  regions: Region[]
  /** encodeHalf(features), when features were given. */
  half: Uint16Array | null
}

/** Post-processing of one image; `into` lets a caller that keeps no results reuse buffers. */
export function finishImage(t: FinishInput, into?: LabelBuffers): FinishedImage {
  const r = labelsFromLogits(t.logits, t.shapes, t.frame, t.classMap ?? undefined, into)
  const regions = regionTable(r.labels, r.confidence, t.frame.imageW, t.frame.imageH, t.skipClasses)
  return { labels: r.labels, confidence: r.confidence, meanConfidence: r.meanConfidence, regions, half: t.features ? encodeHalf(t.features) : null }
}
