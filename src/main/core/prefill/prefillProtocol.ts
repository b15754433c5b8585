/**
 * Messages between the pre-fill stage pool (prefillPool.ts) and its worker threads
 * (prefillWorker.ts), and which buffers each one transfers (never copies).
 */
import type { ModelManifest } from '@shared/modelPackage'
import type { ModelImageSource } from '../models/pixels/imageInput'
import type { InputSlot } from '../models/pixels/preprocess'
import type { FinishedImage, FinishInput, PrepareOutcome } from './prefillStages'

export type StageRequest =
  | { id: number; type: 'prepare'; manifest: ModelManifest; source: ModelImageSource; slot: InputSlot }
  | { id: number; type: 'finish'; input: FinishInput }

export type StageReply =
  | { id: number; ok: true; type: 'prepare'; outcome: PrepareOutcome; slot: InputSlot }
  /** `logits` come back untouched (the caller writes them to the feature cache). */
  | { id: number; ok: true; type: 'finish'; result: FinishedImage; logits: Float32Array }
  /** The slot comes back with a failed prepare so the caller can reuse it. */
  | { id: number; ok: false; error: string; slot?: InputSlot }

function buffers(arrays: (ArrayBufferView | null | undefined)[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>()
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer && a.buffer.byteLength) out.add(a.buffer)
  return [...out]
}

export function stageRequestTransferList(m: StageRequest): ArrayBuffer[] {
  return m.type === 'prepare' ? buffers([m.slot.rgb, m.slot.thermal]) : buffers([m.input.logits, m.input.features])
}

export function stageTransferList(r: StageReply): ArrayBuffer[] {
  if (!r.ok) return buffers([r.slot?.rgb, r.slot?.thermal])
  if (r.type === 'prepare') return buffers([r.slot.rgb, r.slot.thermal])
  return buffers([r.result.labels, r.result.confidence, r.result.half, r.logits])
}
