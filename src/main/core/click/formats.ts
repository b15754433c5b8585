/**
 * Which prompt-decoder interface an ONNX graph has, decided by its input names only:
 *  - 'sam':  segment-anything scripts/export_onnx_model.py (image_embeddings, ..., orig_im_size);
 *  - 'sam2': samexporter's SAM2 decoder (image_embed, high_res_feats_0/1, ...).
 * A graph that matches neither is refused with a message naming the missing tensor(s) of the
 * format it is closest to, so a user who dropped in the wrong file knows what is wrong with it.
 * The encoder is checked against the decoder: each embedding input must be an encoder output.
 * A model package's decoder is checked against its manifest instead (checkPackageDecoder).
 */
import { ApiError } from '@shared/contract/errors'

export type DecoderFormat = 'sam' | 'sam2'

export const DECODER_INPUTS: Record<DecoderFormat, readonly string[]> = {
  sam: ['image_embeddings', 'point_coords', 'point_labels', 'mask_input', 'has_mask_input', 'orig_im_size'],
  sam2: ['image_embed', 'high_res_feats_0', 'high_res_feats_1', 'point_coords', 'point_labels', 'mask_input', 'has_mask_input']
}

/** Decoder inputs that come from the image encoder (the rest are prompts). */
export const EMBEDDING_INPUTS: Record<DecoderFormat, readonly string[]> = {
  sam: ['image_embeddings'],
  sam2: ['image_embed', 'high_res_feats_0', 'high_res_feats_1']
}

/** Names an encoder's image input may have in the exports seen in the wild. */
const IMAGE_INPUT_NAMES = ['image', 'input_image', 'images', 'pixel_values', 'x']

export class PromptModelError extends ApiError {
  constructor(message: string) {
    super('bad_input', message)
    this.name = 'PromptModelError'
  }
}

/** The format of a decoder graph, or a PromptModelError naming what is missing. */
export function detectDecoderFormat(inputNames: readonly string[], what = 'decoder'): DecoderFormat {
  const have = new Set(inputNames)
  const missing = (f: DecoderFormat): string[] => DECODER_INPUTS[f].filter((n) => !have.has(n))
  const ms = missing('sam')
  const m2 = missing('sam2')
  if (ms.length === 0) return 'sam'
  if (m2.length === 0) return 'sam2'
  // Closest format: fewest missing names; SAM2 wins ties only when it has one of its own names.
  const closer: DecoderFormat = m2.length < ms.length ? 'sam2' : 'sam'
  const miss = closer === 'sam' ? ms : m2
  const other = closer === 'sam' ? m2 : ms
  throw new PromptModelError(
    `The ${what} matches neither prompt-decoder format. Closest is ${closer === 'sam' ? 'SAM (segment-anything export)' : 'SAM2 (samexporter)'}; ` +
      `missing tensor${miss.length > 1 ? 's' : ''}: ${miss.join(', ')}. ` +
      `(${closer === 'sam' ? 'SAM2' : 'SAM'} would need: ${other.join(', ')}.) Graph inputs: ${inputNames.join(', ') || '(none)'}.`
  )
}

/**
 * A model package's own decoder, whose manifest declares its format and which backbone output feeds
 * which decoder input (`parts.promptDecoder.embeddings`). Its graph needs the format's prompt inputs
 * and the mapped embedding inputs; it may read fewer embeddings than the format's full set (the tiny
 * package's decoder reads one per-image tensor that its backbone computes), but none unmapped.
 */
export function checkPackageDecoder(format: DecoderFormat, inputNames: readonly string[], mapped: readonly string[], what: string): void {
  const prompts = DECODER_INPUTS[format].filter((n) => !EMBEDDING_INPUTS[format].includes(n))
  const missing = [...prompts, ...mapped].filter((n) => !inputNames.includes(n))
  if (missing.length) {
    throw new PromptModelError(
      `The ${what} lacks input tensor${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: a ${format === 'sam' ? 'SAM' : 'SAM2'} decoder reads ` +
        `${prompts.join(', ')} and the embeddings its manifest maps (${mapped.join(', ') || 'none'}). Graph inputs: ${inputNames.join(', ') || '(none)'}.`
    )
  }
  const unfed = inputNames.filter((n) => !prompts.includes(n) && !mapped.includes(n))
  if (unfed.length) {
    throw new PromptModelError(`The ${what} has input${unfed.length > 1 ? 's' : ''} ${unfed.join(', ')} that no backbone output feeds (manifest parts.promptDecoder.embeddings maps ${mapped.join(', ') || 'none'}).`)
  }
}

/** The encoder's image input name; refuses an encoder that lacks one or misses embedding outputs. */
export function checkEncoder(format: DecoderFormat, inputNames: readonly string[], outputNames: readonly string[]): { imageInput: string } {
  const imageInput = inputNames.length === 1 ? inputNames[0]! : inputNames.find((n) => IMAGE_INPUT_NAMES.includes(n))
  if (!imageInput) {
    throw new PromptModelError(`The encoder needs one image input (e.g. "image" [1,3,1024,1024]); its inputs are: ${inputNames.join(', ') || '(none)'}.`)
  }
  const missing = EMBEDDING_INPUTS[format].filter((n) => !outputNames.includes(n))
  // A SAM encoder with a single, differently named output still feeds image_embeddings.
  if (missing.length && !(format === 'sam' && outputNames.length === 1)) {
    throw new PromptModelError(
      `The encoder does not produce what the ${format === 'sam' ? 'SAM' : 'SAM2'} decoder reads: missing output tensor${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
        `(encoder outputs: ${outputNames.join(', ') || '(none)'}).`
    )
  }
  return { imageInput }
}
