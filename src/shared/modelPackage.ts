/**
 * Model package manifest (manifest.json beside the ONNX files): schema, types, parser.
 *
 * A package is a folder holding manifest.json, `backbone.onnx` ((rgb, thermal) → logits, features)
 * and optional parts. Tensors are float32, NCHW, batch 1. Documented in docs/model-package.md.
 * Pure TypeScript: no Node, DOM or Electron import.
 */
import { z } from 'zod'

const rgbTriple = z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)])
const dim = z.number().int().positive()

/** A named graph tensor and its static shape (NCHW, batch 1). */
export const tensorSpecSchema = z.object({
  name: z.string().min(1),
  shape: z.array(dim).min(1)
})

export const classSpecSchema = z.object({
  index: z.number().int().min(0).max(255),
  name: z.string().min(1),
  color: rgbTriple,
  /** True for a class the model never predicts on purpose and training/evaluation skip. */
  ignore: z.boolean()
})

export const inputSpecSchema = z.object({
  /** Size of the frame the encoder sees, after the policy below. */
  width: dim,
  height: dim,
  /**
   * resize: stretch the image to width x height (aspect not kept); outputs are resized back.
   * pad-bottom-right: scale by min(width/w, height/h) (1 when the image already fits at that size),
   * pad bottom/right with padValue; outputs are cropped to the valid region, then resized back.
   */
  policy: z.enum(['resize', 'pad-bottom-right']),
  /** Raw pixel value (before normalisation) written into padding. */
  padValue: z.number(),
  /** Kernel the model was trained with for the input resize (antialiased when shrinking). */
  resizeKernel: z.enum(['bilinear', 'nearest']).default('bilinear')
})

/** RGB: x = (raw * scale - mean[c]) / std[c], channels R, G, B. */
export const rgbNormSchema = z.object({
  scale: z.number().positive(),
  mean: z.tuple([z.number(), z.number(), z.number()]),
  std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()])
})

/**
 * Thermal: bits is the depth of the raw values the model expects. 8-bit: x = raw * scale.
 * 16-bit: x = clamp((raw - window.min) / (window.max - window.min), 0, 1). Then (x - mean) / std.
 * replicateTo3: the single thermal channel is repeated into a 3-channel input tensor (SARTM).
 */
export const thermalNormSchema = z.object({
  bits: z.union([z.literal(8), z.literal(16)]),
  window: z.object({ min: z.number(), max: z.number() }).refine((w) => w.max > w.min, 'window.max must exceed window.min').optional(),
  scale: z.number().positive(),
  mean: z.number(),
  std: z.number().positive(),
  replicateTo3: z.boolean()
})

/**
 * Click/box decoder (issue 8). Inputs follow SAM (image_embeddings, point_coords, point_labels,
 * mask_input, has_mask_input, orig_im_size) or SAM2/samexporter (image_embed, high_res_feats_0/1,
 * point_coords, point_labels, mask_input, has_mask_input) naming; `embeddings` maps each decoder
 * embedding input to the backbone output that feeds it (the decoder may read a subset of the
 * format's embedding inputs, but every one it reads is mapped). point_coords are pixels in
 * `coordinateFrame` (the encoder input frame, after the input policy).
 */
export const promptDecoderSpecSchema = z.object({
  file: z.string().min(1),
  format: z.enum(['sam', 'sam2']),
  embeddings: z.record(z.string().min(1), z.string().min(1)),
  coordinateFrame: z.object({ width: dim, height: dim }),
  /** Masks per call (SAM's multimask output); pick by iou_predictions. */
  multimask: z.number().int().positive(),
  /** [h, w] of mask_input and of the output masks (low-res logits, > 0 is inside). */
  maskSize: z.tuple([dim, dim]),
  parity: z.string().optional()
})

export const provenanceSchema = z.object({
  trainedOn: z.string().min(1),
  command: z.string().min(1),
  seed: z.number().int().nullable(),
  heldOutMiou: z.number().min(0).max(1).nullable(),
  perClassIou: z.array(z.object({ index: z.number().int(), name: z.string(), iou: z.number().min(0).max(1).nullable() })),
  date: z.string().min(1),
  torchVersion: z.string().min(1),
  notes: z.string().optional()
}).passthrough()

export const modelManifestSchema = z.object({
  format: z.literal('twinlight-model-package'),
  formatVersion: z.literal(1),
  /** Stable identity used in caches and model versions, e.g. "tiny-sartm@0.1.0". */
  id: z.string().min(1),
  name: z.string().min(1),
  version: z.string().min(1),
  description: z.string().optional(),
  classes: z.array(classSpecSchema).min(2),
  input: inputSpecSchema,
  normalisation: z.object({ rgb: rgbNormSchema, thermal: thermalNormSchema }),
  tensors: z.object({
    inputs: z.object({ rgb: tensorSpecSchema, thermal: tensorSpecSchema }),
    outputs: z.object({
      /** [1, C, h, w]: class scores before softmax, at the features' resolution. */
      logits: tensorSpecSchema,
      /** [1, D, h, w]: the per-pixel vectors the final classifier reads (adapter input). */
      features: tensorSpecSchema,
      extra: z.array(tensorSpecSchema).optional()
    })
  }),
  parts: z.object({
    backbone: z.string().min(1),
    promptDecoder: promptDecoderSpecSchema.optional()
  }),
  opset: z.number().int().min(7),
  /** Relative path of a parity fixture (parity.json + .bin tensors) made by model/export_package.py. */
  parity: z.string().optional(),
  provenance: provenanceSchema
}).superRefine((m, ctx) => {
  const issue = (path: (string | number)[], message: string): void => { ctx.addIssue({ code: 'custom', path, message }) }
  m.classes.forEach((c, i) => { if (c.index !== i) issue(['classes', i, 'index'], `must be ${i} (classes are listed in index order, 0..C-1)`) })
  const C = m.classes.length
  const { rgb, thermal } = m.tensors.inputs
  const { logits, features } = m.tensors.outputs
  const wantIn = (spec: z.infer<typeof tensorSpecSchema>, ch: number, key: string): void => {
    const want = [1, ch, m.input.height, m.input.width]
    if (spec.shape.join(',') !== want.join(',')) issue(['tensors', 'inputs', key, 'shape'], `must be [${want.join(',')}] (input size and channels), got [${spec.shape.join(',')}]`)
  }
  wantIn(rgb, 3, 'rgb')
  wantIn(thermal, m.normalisation.thermal.replicateTo3 ? 3 : 1, 'thermal')
  if (logits.shape.length !== 4 || logits.shape[0] !== 1 || logits.shape[1] !== C) issue(['tensors', 'outputs', 'logits', 'shape'], `must be [1, ${C}, h, w] (${C} classes), got [${logits.shape.join(',')}]`)
  if (features.shape.length !== 4 || features.shape[0] !== 1) issue(['tensors', 'outputs', 'features', 'shape'], `must be [1, D, h, w], got [${features.shape.join(',')}]`)
  else if (logits.shape.length === 4 && (features.shape[2] !== logits.shape[2] || features.shape[3] !== logits.shape[3])) {
    issue(['tensors', 'outputs', 'features', 'shape'], `h,w must equal the logits' (${logits.shape[2]}x${logits.shape[3]}), got ${features.shape[2]}x${features.shape[3]}`)
  }
  if (m.normalisation.thermal.bits === 16 && !m.normalisation.thermal.window) issue(['normalisation', 'thermal', 'window'], 'is required when bits is 16')
  const names = [rgb.name, thermal.name, logits.name, features.name, ...(m.tensors.outputs.extra ?? []).map((t) => t.name)]
  if (new Set(names).size !== names.length) issue(['tensors'], `tensor names must be distinct, got ${names.join(', ')}`)
  const pd = m.parts.promptDecoder
  // an embedding may be any declared backbone output (the tiny package feeds its features too)
  const outputs = [features.name, logits.name, ...(m.tensors.outputs.extra ?? []).map((t) => t.name)]
  for (const [input, output] of Object.entries(pd?.embeddings ?? {})) {
    if (!outputs.includes(output)) issue(['parts', 'promptDecoder', 'embeddings', input], `"${output}" is not a backbone output of tensors.outputs (features, logits or extra)`)
  }
})

export type TensorSpec = z.infer<typeof tensorSpecSchema>
export type ClassSpec = z.infer<typeof classSpecSchema>
export type ModelManifest = z.infer<typeof modelManifestSchema>

/** Thrown for any manifest or package problem; the message names the package and the field. */
export class ModelPackageError extends Error {
  constructor(readonly packageName: string, readonly problem: string) {
    super(`Model package "${packageName}": ${problem}`)
    this.name = 'ModelPackageError'
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || '(root)'
}

/** Validate parsed manifest JSON. Throws ModelPackageError naming the package and the first bad fields. */
export function parseManifest(json: unknown, packageName: string): ModelManifest {
  const r = modelManifestSchema.safeParse(json)
  if (r.success) return r.data
  const problems = r.error.issues.slice(0, 5).map((i) => `manifest.json field "${fieldPath(i.path)}" ${i.message}`)
  const more = r.error.issues.length > 5 ? ` (and ${r.error.issues.length - 5} more)` : ''
  throw new ModelPackageError(packageName, problems.join('; ') + more)
}
