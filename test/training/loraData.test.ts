/**
 * The LoRA worker's data.bin image bytes are exactly what the app's preprocessor would feed the
 * backbone: rawInputFrame (training/lora/loraData.ts) normalised by the parity check's
 * normaliseRawU8 equals Preprocessor.fill bit for bit, for resize and pad policies, a registration
 * shift, and interleaved and split images; labels land in the same frame with 255 in the padding.
 */
import { describe, expect, it } from 'vitest'
import type { ModelManifest } from '@shared/modelPackage'
import { allocSlot, Preprocessor, type DecodedPair } from '../../src/main/core/models/pixels/preprocess'
import { normaliseRawU8 } from '../../src/main/core/models/package/parityCheck'
import { channelLut, labelsInFrame, rawInputFrame, recencyWeights } from '../../src/main/core/training/lora/loraData'
import { frameFor } from '../../src/main/core/models/pixels/geometry'

function manifest(policy: 'resize' | 'pad-bottom-right', padValue = 0): ModelManifest {
  return {
    format: 'twinlight-model-package', formatVersion: 1, id: 'm@1', name: 'm', version: '1',
    classes: [{ index: 0, name: 'a', color: [0, 0, 0], ignore: false }, { index: 1, name: 'b', color: [1, 1, 1], ignore: false }],
    input: { width: 16, height: 12, policy, padValue, resizeKernel: 'bilinear' },
    normalisation: { rgb: { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }, thermal: { bits: 8, scale: 1 / 255, mean: 0.2, std: 0.7, replicateTo3: true } },
    tensors: { inputs: { rgb: { name: 'rgb', shape: [1, 3, 12, 16] }, thermal: { name: 'thermal', shape: [1, 3, 12, 16] } }, outputs: { logits: { name: 'logits', shape: [1, 2, 3, 4] }, features: { name: 'features', shape: [1, 4, 3, 4] } } },
    parts: { backbone: 'backbone.onnx' }, opset: 17,
    provenance: { trainedOn: 'x', command: 'x', seed: null, heldOutMiou: null, perClassIou: [], date: 'x', torchVersion: 'x' }
  } as ModelManifest
}

function image(w: number, h: number, interleaved: boolean): DecodedPair {
  const data = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i * 37 + (i >> 3) * 11) & 255)
  if (interleaved) return { kind: 'rgbt', width: w, height: h, data, channels: 4, thermalChannel: 3, thermalBits: 8 }
  const rgb = new Uint8Array(w * h * 3)
  const thermal = new Uint8Array(w * h)
  for (let p = 0; p < w * h; p++) {
    rgb.set(data.subarray(p * 4, p * 4 + 3), p * 3)
    thermal[p] = data[p * 4 + 3]!
  }
  return { width: w, height: h, rgb, thermal, thermalBits: 8 }
}

describe('data.bin frames', () => {
  for (const policy of ['resize', 'pad-bottom-right'] as const)
    for (const reg of [{ dx: 0, dy: 0 }, { dx: 3, dy: -2 }])
      for (const interleaved of [true, false])
        it(`equal the preprocessor's input (${policy}, shift ${reg.dx},${reg.dy}, ${interleaved ? 'interleaved' : 'split'})`, () => {
          const m = manifest(policy, policy === 'resize' ? 0 : 7)
          const img = image(40, 20, interleaved)
          const slot = allocSlot(m)
          new Preprocessor(m).fill(img, reg, slot)
          const { raw } = rawInputFrame(img, reg, m)
          const mine = normaliseRawU8(raw, m)
          expect(Buffer.from(mine.rgb.buffer).equals(Buffer.from(slot.rgb.buffer))).toBe(true)
          expect(Buffer.from(mine.thermal.buffer).equals(Buffer.from(slot.thermal.buffer))).toBe(true)
        })

  it('labels: channel indices in the frame, 255 for padding and classes without a channel', () => {
    const m = manifest('pad-bottom-right')
    const frame = frameFor(m, 32, 12) // scaled 16x6 inside 16x12
    const labels = new Uint8Array(32 * 12).map((_, i) => (i % 32 < 16 ? 2 : 5))
    const out = labelsInFrame(labels, frame, channelLut(Uint8Array.of(0, 2)))
    expect(out[0]).toBe(1)
    expect(out[15]).toBe(255) // class 5 has no channel
    expect(out[6 * 16]).toBe(255) // padding row
    expect(recencyWeights(3)).toEqual([1, 1.5, 2])
    expect(recencyWeights(1)).toEqual([1])
  })
})
