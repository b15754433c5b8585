import { z } from 'zod'
import { method } from '../define'
import { id } from './common'

/** Which image the prompt encoder sees: RGB, thermal as grey (replicated to 3 channels), or a 50/50 blend. */
export const promptSource = z.enum(['rgb', 'thermal', 'blend'])
export type PromptSource = z.infer<typeof promptSource>

/** A mask returned by a click tool: the bbox crop of a 0/1 mask, deflated, in image pixels. */
export interface ClickMask {
  /** Bounding box of the mask; w = h = 0 (and data empty) when nothing was selected. */
  bbox: { x: number; y: number; w: number; h: number }
  area: number
  encoding: 'deflate-base64'
  /** bbox.w * bbox.h uint8 values, 1 inside; commit with applyEdit over the same rect. */
  data: string
}

export interface WandResultDto extends ClickMask {
  /** Thermal value the tolerance was measured from (raw units). */
  seed: number
  /** True when maxArea cut the region short. */
  truncated: boolean
  thermalBits: 8 | 16
  ms: number
}

export interface PromptSegmentResult extends ClickMask {
  /** The decoder's predicted IoU of the chosen mask. */
  score: number
  /** Whether the embedding was already computed (memory or disk cache) when the call came. */
  cached: boolean
  ms: { encode: number; decode: number; total: number }
}

export type EmbeddingState = 'ready' | 'computing' | 'queued' | 'absent'

export interface PromptModelInfo {
  name: string
  /** Decoder interface detected from the graph's input names. */
  format: 'sam' | 'sam2'
  /** Stable id (content hash of the ONNX files) used in embedding cache keys. */
  id: string
  source: PromptSource
  encoder: string
  decoder: string
}

const point = z.object({ x: z.number().min(0).max(65535), y: z.number().min(0).max(65535), label: z.union([z.literal(0), z.literal(1)]) }).strict()
const box = z.object({ x0: z.number().min(0).max(65535), y0: z.number().min(0).max(65535), x1: z.number().min(0).max(65535), y1: z.number().min(0).max(65535) }).strict()

export const promptMethods = {
  /**
   * Thermal wand: region grown from (x, y) over thermal intensity within `tolerance` (display grey
   * levels 0..255, scaled to the raw range of 16-bit thermal; or a fraction of the seed value in
   * 'relative' mode), RGB edges (Sobel magnitude ≥ edgeThreshold) acting as a barrier. No model.
   */
  wandSelect: method<WandResultDto>()(
    z
      .object({
        imageId: id,
        x: z.number().int().min(0).max(65535),
        y: z.number().int().min(0).max(65535),
        tolerance: z.number().min(0).max(65535).default(24),
        toleranceMode: z.enum(['absolute', 'relative']).default('absolute'),
        useRgbEdges: z.boolean().default(true),
        edgeThreshold: z.number().int().min(1).max(255).default(60),
        maxArea: z.number().int().positive().optional()
      })
      .strict(),
    'Thermal wand: the region grown from a click over thermal intensity, RGB edges as barrier.'
  ),
  /** The project's prompt (SAM/SAM2) model, or null when none is registered (twinlight add-model). */
  getPromptModel: method<PromptModelInfo | null>()(z.object({}).strict(), 'The registered prompt model of the project, or null.'),
  setPromptSource: method<PromptModelInfo>()(
    z.object({ source: promptSource }).strict(),
    'Which image the prompt encoder sees (rgb, thermal or blend); embeddings are cached per source.'
  ),
  /** Queue embeddings (current image first, then the next ones in browser order); returns at once. */
  prepareEmbeddings: method<{ queued: number; states: { imageId: number; state: EmbeddingState }[] }>()(
    z.object({ imageIds: z.array(id).min(1).max(64) }).strict(),
    'Compute prompt embeddings in the background for these images, in this order (replaces the previous queue).'
  ),
  getEmbeddingStatus: method<{ imageId: number; state: EmbeddingState }>()(
    z.object({ imageId: id }).strict(),
    'Whether the prompt embedding of an image is ready (memory or disk), being computed, queued or absent.'
  ),
  /** Positive/negative points and an optional box → one mask (decoder logits > 0) at image size. */
  promptSegment: method<PromptSegmentResult>()(
    z
      .object({
        imageId: id,
        points: z.array(point).max(64).default([]),
        box: box.optional()
      })
      .strict()
      .refine((a) => a.points.length > 0 || a.box !== undefined, 'give at least one point or a box'),
    'Click/box segmentation with the project prompt model; the embedding comes from the cache when ready.'
  )
}
