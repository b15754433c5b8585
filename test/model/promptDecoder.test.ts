/**
 * The tiny package's click/box decoder (SAM2/samexporter interface): its graph has SAM2's prompt
 * inputs and one embedding input, image_embed, fed by the backbone's prompt_embed (the per-image
 * part of the decoder, computed with the other embeddings and cached); and backbone.onnx ->
 * prompt_decoder.onnx through onnxruntime-node reproduces the PyTorch
 * reference masks for the fixture click (≤ 1e-4). Click quality on generated objects is measured
 * by model/train_prompt.py and recorded in the manifest's provenance.promptDecoder.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { loadModelPackage } from '../../src/main/core/models/package/packageLoader'
import { openBackboneSession } from '../../src/main/core/models/runtime/ort'
import { maxAbsDiff, normaliseInputs, readF32, TINY_PACKAGE_DIR } from './helpers'

const DECODER_INPUTS = ['image_embed', 'point_coords', 'point_labels', 'mask_input', 'has_mask_input']

describe('tiny-sartm prompt decoder', () => {
  it('has the SAM2 decoder interface and matches the PyTorch reference through ORT', async () => {
    const pkg = await loadModelPackage(TINY_PACKAGE_DIR)
    const spec = pkg.manifest.parts.promptDecoder
    expect(spec?.format).toBe('sam2')
    expect(spec?.embeddings).toEqual({ image_embed: 'prompt_embed' })
    const dec = await ort.InferenceSession.create(pkg.promptDecoderPath!, { executionProviders: ['cpu'], intraOpNumThreads: 1 })
    const backbone = await openBackboneSession(pkg)
    try {
      expect([...dec.inputNames].sort()).toEqual([...DECODER_INPUTS].sort())
      expect([...dec.outputNames]).toEqual(['masks', 'iou_predictions'])
      const pdir = join(pkg.dir, 'parity')
      const meta = JSON.parse(readFileSync(pkg.parityPath!, 'utf8')) as { files: { rawU8: string } }
      const fx = JSON.parse(readFileSync(join(pkg.dir, spec!.parity!), 'utf8')) as {
        pointCoords: number[][][]; pointLabels: number[][]; files: { masks: string; iou: string }; shapes: { masks: number[] }
      }
      const { rgb, thermal } = normaliseInputs(new Uint8Array(readFileSync(join(pdir, meta.files.rawU8))), pkg.manifest)
      const t = pkg.manifest.tensors
      const emb = await backbone.run({
        [t.inputs.rgb.name]: new ort.Tensor('float32', rgb, t.inputs.rgb.shape),
        [t.inputs.thermal.name]: new ort.Tensor('float32', thermal, t.inputs.thermal.shape)
      }, Object.values(spec!.embeddings))
      const n = fx.pointLabels[0].length
      const [mh, mw] = spec!.maskSize
      const feeds: Record<string, ort.Tensor> = {
        point_coords: new ort.Tensor('float32', Float32Array.from(fx.pointCoords.flat(2)), [1, n, 2]),
        point_labels: new ort.Tensor('float32', Float32Array.from(fx.pointLabels.flat()), [1, n]),
        mask_input: new ort.Tensor('float32', new Float32Array(mh * mw), [1, 1, mh, mw]),
        has_mask_input: new ort.Tensor('float32', new Float32Array(1), [1])
      }
      for (const [input, output] of Object.entries(spec!.embeddings)) feeds[input] = emb[output]
      const out = await dec.run(feeds)
      expect(out.masks.dims).toEqual(fx.shapes.masks)
      expect(out.masks.dims[1]).toBe(spec!.multimask)
      const d = maxAbsDiff(out.masks.data as Float32Array, readF32(join(pdir, fx.files.masks)))
      const di = maxAbsDiff(out.iou_predictions.data as Float32Array, readF32(join(pdir, fx.files.iou)))
      console.log(`prompt decoder parity: max |Δmasks| = ${d.toExponential(3)}, max |Δiou| = ${di.toExponential(3)}`)
      expect(d).toBeLessThanOrEqual(1e-4)
      expect(di).toBeLessThanOrEqual(1e-4)
    } finally {
      await dec.release()
      await backbone.release()
    }
  })
})
