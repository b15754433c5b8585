/**
 * A SAM or SAM2 prompt model: encoder + decoder ONNX pair, format detected from the decoder's input
 * names. encode() turns one image (as the chosen source) into the embedding tensors the decoder
 * reads; decode() turns points/box + embedding into one binary mask at image size.
 */
import * as ort from 'onnxruntime-node'
import { openSession, type EpChoice, type EpOptions } from '../models/runtime/ep'
import { checkEncoder, detectDecoderFormat, EMBEDDING_INPUTS, PromptModelError, type DecoderFormat } from './formats'
import { encoderInput, maskFromLogits, promptFrame, sourceImage, thermalTo8, toFrame, type EncoderSource, type MaskResult, type PromptFrame } from './geometry'
import { canvasEncoderInput, canvasFrame, XANYLABELING_CANVAS } from './hwcEncoder'

export interface EmbeddingTensor {
  dims: number[]
  data: Float32Array
}

/** What the decoder needs of one image: its tensors by decoder input name and the frame geometry. */
export interface Embedding {
  format: DecoderFormat
  frame: PromptFrame
  tensors: Record<string, EmbeddingTensor>
}

export interface PromptPoint {
  x: number
  y: number
  /** 1 = positive (inside), 0 = negative (outside). */
  label: 0 | 1
}

export interface PromptBox {
  x0: number
  y0: number
  x1: number
  y1: number
}

export interface DecodeResult {
  mask: MaskResult
  score: number
  /**
   * The chosen mask's low-res logits (the decoder's mask_input size), fed back as mask_input when
   * the next prompt adds a click to this one; absent when the graph returns no low-res masks.
   */
  lowRes?: Float32Array
}

export interface ImagePlanes {
  width: number
  height: number
  rgb: Uint8Array
  thermal: Uint8Array | Uint16Array
}

/** Opens and checks the decoder; used by add-model to validate files before registering them. */
export async function inspectDecoder(decoderPath: string): Promise<{ format: DecoderFormat; inputs: string[]; outputs: string[] }> {
  let s: ort.InferenceSession
  try {
    s = await ort.InferenceSession.create(decoderPath, { executionProviders: ['cpu'] })
  } catch (e) {
    throw new PromptModelError(`The decoder ${decoderPath} cannot be opened by ONNX Runtime: ${(e as Error).message.split('\n')[0]}`)
  }
  try {
    return { format: detectDecoderFormat(s.inputNames, `decoder ${decoderPath}`), inputs: [...s.inputNames], outputs: [...s.outputNames] }
  } finally {
    await s.release()
  }
}

export class PromptModel {
  private constructor(
    readonly id: string,
    readonly format: DecoderFormat,
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    private readonly imageInput: string,
    private readonly inputSize: number,
    readonly ep: EpChoice,
    /** [H, W] of an HWC raw-pixel encoder (X-AnyLabeling's SAM exports); null for NCHW. */
    readonly canvas: readonly [number, number] | null = null
  ) {}

  static async open(id: string, encoderPath: string, decoderPath: string, opts: EpOptions = {}): Promise<PromptModel> {
    let format: DecoderFormat | null = null
    const dec = await openAny(decoderPath, 'decoder', opts, (s) => {
      format = detectDecoderFormat(s.inputNames, `decoder ${decoderPath}`)
    })
    let imageInput = ''
    let enc: Awaited<ReturnType<typeof openAny>>
    try {
      enc = await openAny(encoderPath, 'encoder', opts, (s) => {
        imageInput = checkEncoder(format!, s.inputNames, s.outputNames).imageInput
      })
    } catch (e) {
      await dec.session.release()
      throw e
    }
    const meta = enc.session.inputMetadata.find((m) => m.name === imageInput)
    const shape = meta && meta.isTensor ? meta.shape : []
    const side = typeof shape[3] === 'number' && shape[3] > 0 ? shape[3] : 1024
    // [H, W, 3]: an encoder that takes raw pixels and normalises and pads inside the graph
    const dim = (d: number | string | undefined, dflt: number): number => (typeof d === 'number' && d > 0 ? d : dflt)
    const canvas = format === 'sam' && shape.length === 3 && shape[2] === 3 ? [dim(shape[0], XANYLABELING_CANVAS[0]), dim(shape[1], XANYLABELING_CANVAS[1])] as const : null
    return new PromptModel(id, format!, enc.session, dec.session, imageInput, side, enc.ep, canvas)
  }

  frameFor(width: number, height: number): PromptFrame {
    if (this.canvas) return canvasFrame(width, height, this.canvas[1], this.canvas[0])
    return promptFrame(this.format, width, height, this.inputSize)
  }

  async encode(img: ImagePlanes, source: EncoderSource): Promise<Embedding> {
    const frame = this.frameFor(img.width, img.height)
    const pixels = sourceImage(source, img.rgb, source === 'rgb' ? new Uint8Array(0) : thermalTo8(img.thermal))
    const input = frame.canvasSized
      ? new ort.Tensor('float32', canvasEncoderInput(pixels, frame), [frame.frameH, frame.frameW, 3])
      : new ort.Tensor('float32', encoderInput(this.format, pixels, frame), [1, 3, frame.frameH, frame.frameW])
    const out = await this.encoder.run({ [this.imageInput]: input })
    const tensors: Record<string, EmbeddingTensor> = {}
    const names = EMBEDDING_INPUTS[this.format]
    for (const name of names) {
      const t = out[name] ?? (this.format === 'sam' ? out[this.encoder.outputNames[0]!] : undefined)
      if (!t || t.type !== 'float32') throw new PromptModelError(`The encoder did not return ${name} as float32.`)
      tensors[name] = { dims: [...t.dims], data: t.data as Float32Array }
    }
    return { format: this.format, frame, tensors }
  }

  decode(emb: Embedding, points: readonly PromptPoint[], box?: PromptBox, prev?: Float32Array): Promise<DecodeResult> {
    return decodeWith(this.decoder, emb, points, box, { prev })
  }

  async release(): Promise<void> {
    await Promise.allSettled([this.encoder.release(), this.decoder.release()])
  }
}

export interface DecodeOptions {
  /** The decoder's mask_input size [h, w] (SAM and SAM2: 256x256). */
  maskSize?: readonly [number, number]
  /** segment-anything's token-0 rule for 4-mask outputs (pickIndex); off for a package's decoder. */
  samTokenRule?: boolean
  /** A previous low-res mask logit of maskSize (SAM's iterative refinement); ignored if sized otherwise. */
  prev?: Float32Array | undefined
}

/**
 * Runs a SAM/SAM2-interface decoder on an embedding: points (and box corners, labels 2/3; else
 * SAM's padding point, label -1) in the embedding's frame, and mask_input: `prev` when given
 * (has_mask_input 1), else empty.
 */
export async function decodeWith(
  decoder: ort.InferenceSession,
  emb: Embedding,
  points: readonly PromptPoint[],
  box?: PromptBox,
  opts: DecodeOptions = {}
): Promise<DecodeResult> {
  const f = emb.frame
  const [mh, mw] = opts.maskSize ?? [256, 256]
  const coords: number[] = []
  const labels: number[] = []
  for (const p of points) {
    coords.push(...toFrame(f, p.x, p.y))
    labels.push(p.label)
  }
  if (box) {
    coords.push(...toFrame(f, Math.min(box.x0, box.x1), Math.min(box.y0, box.y1)), ...toFrame(f, Math.max(box.x0, box.x1), Math.max(box.y0, box.y1)))
    labels.push(2, 3)
  } else {
    coords.push(0, 0) // SAM's padding point when no box is given
    labels.push(-1)
  }
  const n = labels.length
  const prev = opts.prev?.length === mh * mw ? opts.prev : undefined
  const feeds: Record<string, ort.Tensor> = {
    point_coords: new ort.Tensor('float32', Float32Array.from(coords), [1, n, 2]),
    point_labels: new ort.Tensor('float32', Float32Array.from(labels), [1, n]),
    mask_input: new ort.Tensor('float32', prev ?? new Float32Array(mh * mw), [1, 1, mh, mw]),
    has_mask_input: new ort.Tensor('float32', Float32Array.of(prev ? 1 : 0), [1])
  }
  if (emb.format === 'sam') feeds.orig_im_size = new ort.Tensor('float32', Float32Array.from(f.canvasSized ? [f.frameH, f.frameW] : [f.imageH, f.imageW]), [2])
  for (const [name, t] of Object.entries(emb.tensors)) feeds[name] = new ort.Tensor('float32', t.data, t.dims)
  const wanted = ['masks', 'iou_predictions', ...(decoder.outputNames.includes('low_res_masks') ? ['low_res_masks'] : [])]
  const out = await decoder.run(feeds, wanted)
  const r = pickMask(out.masks!, out.iou_predictions!, f, opts.samTokenRule === false ? 0 : n)
  // segment-anything exports return image-size masks plus low_res_masks; SAM2's are low-res already
  const low = out.low_res_masks ?? out.masks!
  const d = low.dims
  if (d.length === 4 && d[2] === mh && d[3] === mw) {
    const k = Math.min(r.index, d[1]! - 1)
    r.lowRes = (low.data as Float32Array).slice(k * mh * mw, (k + 1) * mh * mw)
  }
  return r
}

/**
 * Which of M masks to use. With 4 masks (SAM's token 0 = single-mask output, 1..3 = multimask),
 * segment-anything's own select_masks rule: one prompt point plus padding (≤ 2 points) → the best
 * of masks 1..3 by predicted IoU (an ambiguous click); more points → mask 0. Otherwise the best
 * by predicted IoU (also when nPoints is 0: the rule is off, e.g. for a package's own decoder).
 */
export function pickIndex(scores: ArrayLike<number>, m: number, nPoints: number): number {
  const n = Math.min(m, scores.length)
  const rule = n === 4 && nPoints > 0
  if (rule && nPoints > 2) return 0
  let best = rule ? 1 : 0
  for (let k = best + 1; k < n; k++) if (scores[k]! > scores[best]!) best = k
  return best
}

/** Chooses a mask (pickIndex) and binarises it at image size. */
export function pickMask(masks: ort.Tensor, iou: ort.Tensor, f: PromptFrame, nPoints = 2): DecodeResult & { index: number } {
  const d = masks.dims
  if (d.length !== 4) throw new PromptModelError(`Decoder output "masks" has shape [${d.join(',')}]; expected [1, M, h, w].`)
  const m = d[1]!, mh = d[2]!, mw = d[3]!
  const scores = iou.data as Float32Array
  const best = pickIndex(scores, m, nPoints)
  const all = masks.data as Float32Array
  const logits = all.subarray(best * mh * mw, (best + 1) * mh * mw)
  const imageSize = mh === f.imageH && mw === f.imageW
  return { mask: maskFromLogits(logits, mw, mh, f, imageSize), score: scores[best] ?? 0, index: best }
}

async function openAny(path: string, what: string, opts: EpOptions, check: (s: ort.InferenceSession) => void): Promise<{ session: ort.InferenceSession; ep: EpChoice }> {
  try {
    return await openSession(path, opts, check)
  } catch (e) {
    if (e instanceof PromptModelError) throw e
    throw new PromptModelError(`The ${what} ${path} cannot be opened by ONNX Runtime: ${(e as Error).message.split('\n')[0]}`)
  }
}
