/**
 * Prompt engine of a Twinlight model package that ships `parts.promptDecoder` (the tiny SARTM
 * package's click decoder, SAM2 interface). The package's own backbone is the encoder: it reads
 * RGB and thermal together, so the rgb/thermal/blend source setting does not apply; its embedding
 * outputs feed the decoder inputs named in `promptDecoder.embeddings`. Coordinates are pixels of
 * the backbone's input frame (manifest input policy), pixel-centre aligned as model/train_prompt.py
 * feeds them; masks are logits over that frame.
 */
import * as ort from 'onnxruntime-node'
import type { PromptSource } from '@shared/contract/methods/prompt'
import { openSession, type EpOptions } from '../models/runtime/ep'
import { frameFor } from '../models/pixels/geometry'
import { loadModelPackage } from '../models/package/packageLoader'
import { allocSlot, Preprocessor } from '../models/pixels/preprocess'
import { checkPackageDecoder, PromptModelError } from './formats'
import type { PromptFrame } from './geometry'
import type { PromptImage } from './imageSource'
import { decodeWith, type DecodeResult, type Embedding, type EmbeddingTensor, type PromptBox, type PromptPoint } from './promptModel'
import type { PromptEngine } from './promptEngine'

export class PackagePromptEngine implements PromptEngine {
  private constructor(
    readonly id: string,
    private readonly backbone: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    private readonly pre: Preprocessor,
    private readonly m: Awaited<ReturnType<typeof loadModelPackage>>['manifest']
  ) {}

  static async open(id: string, dir: string, opts: EpOptions = {}): Promise<PackagePromptEngine> {
    const pkg = await loadModelPackage(dir)
    const spec = pkg.manifest.parts.promptDecoder
    if (!spec || !pkg.promptDecoderPath) throw new PromptModelError(`Model package "${pkg.manifest.name}" has no prompt decoder (manifest parts.promptDecoder).`)
    const dec = await openSession(pkg.promptDecoderPath, opts, (s) => {
      checkPackageDecoder(spec.format, s.inputNames, Object.keys(spec.embeddings), `decoder of package "${pkg.manifest.name}"`)
    })
    const outs = Object.values(spec.embeddings)
    let bb: Awaited<ReturnType<typeof openSession>>
    try {
      bb = await openSession(pkg.backbonePath, opts, (s) => {
        const missing = outs.filter((o) => !s.outputNames.includes(o))
        if (missing.length) throw new PromptModelError(`Package "${pkg.manifest.name}": backbone lacks embedding output(s) ${missing.join(', ')}.`)
      })
    } catch (e) {
      await dec.session.release()
      throw e
    }
    return new PackagePromptEngine(id, bb.session, dec.session, new Preprocessor(pkg.manifest), pkg.manifest)
  }

  async encode(img: PromptImage, _source: PromptSource): Promise<Embedding> {
    const m = this.m
    const slot = allocSlot(m)
    // img.thermal is already registered onto RGB
    this.pre.fill({ width: img.width, height: img.height, rgb: img.rgb, thermal: img.thermal, thermalBits: img.thermalBits }, { dx: 0, dy: 0 }, slot)
    const t = m.tensors.inputs
    const spec = m.parts.promptDecoder!
    const out = await this.backbone.run(
      { [t.rgb.name]: new ort.Tensor('float32', slot.rgb, t.rgb.shape), [t.thermal.name]: new ort.Tensor('float32', slot.thermal, t.thermal.shape) },
      Object.values(spec.embeddings)
    )
    const tensors: Record<string, EmbeddingTensor> = {}
    for (const [input, output] of Object.entries(spec.embeddings)) {
      const v = out[output]!
      tensors[input] = { dims: [...v.dims], data: v.data as Float32Array }
    }
    const fr = frameFor(m, img.width, img.height)
    const frame: PromptFrame = { imageW: img.width, imageH: img.height, frameW: fr.inW, frameH: fr.inH, validW: fr.scaledW, validH: fr.scaledH, centreAligned: true }
    return { format: spec.format, frame, tensors }
  }

  decode(emb: Embedding, points: readonly PromptPoint[], box?: PromptBox, prev?: Float32Array): Promise<DecodeResult> {
    // best by predicted IoU, as model/train_prompt.py evaluates it (no SAM token-0 rule)
    return decodeWith(this.decoder, emb, points, box, { maskSize: this.m.parts.promptDecoder!.maskSize, samTokenRule: false, prev })
  }

  async release(): Promise<void> {
    await Promise.allSettled([this.backbone.release(), this.decoder.release()])
  }
}
