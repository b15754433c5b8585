// The engine interface the prompt service drives; its own file so engines (packageEngine) need not
// import the service that opens them (a cycle service -> packageEngine -> service).
import type { PromptSource } from '@shared/contract/methods/prompt'
import type { PromptImage } from './imageSource'
import type { DecodeResult, Embedding, PromptBox, PromptPoint } from './promptModel'

/** What the service needs of a prompt model (an ONNX SAM/SAM2 pair, or a model package's decoder). */
export interface PromptEngine {
  readonly id: string
  encode(img: PromptImage, source: PromptSource): Promise<Embedding>
  /** `prev`: a low-res mask logit from an earlier decode (mask_input), see RefineMemory. */
  decode(emb: Embedding, points: readonly PromptPoint[], box?: PromptBox, prev?: Float32Array): Promise<DecodeResult>
  release(): Promise<void>
}
