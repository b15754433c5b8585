/**
 * Preprocessing details: Pillow-exact resampling for shrinking and enlarging (one channel, and
 * four interleaved ones equal to each alone), 16-bit thermal
 * windowing, the registration shift of thermal, and the interleaved (MFNet) path equal to the
 * split path.
 */
import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { useTmp } from '../helpers/tmp'
import { resize8 } from '../../src/main/core/models/pixels/resample'
import { allocSlot, Preprocessor, splitPair, type InterleavedPair } from '../../src/main/core/models/pixels/preprocess'
import type { ModelManifest } from '@shared/modelPackage'

const tmp = useTmp()

/** Pillow's BILINEAR resize of an L image, run in Python on the same bytes. */
function pillowResize(dir: string, src: Uint8Array, w: number, h: number, ow: number, oh: number): Uint8Array {
  writeFileSync(join(dir, 'in.bin'), src)
  const py = `import numpy as np\nfrom PIL import Image\na = np.fromfile('${join(dir, 'in.bin')}', np.uint8).reshape(${h}, ${w})\nnp.asarray(Image.fromarray(a).resize((${ow}, ${oh}), Image.BILINEAR)).tofile('${join(dir, 'out.bin')}')\n`
  execFileSync('/usr/bin/python3', ['-c', py])
  return new Uint8Array(readFileSync(join(dir, 'out.bin')))
}

function manifest(over: { thermal?: Partial<ModelManifest['normalisation']['thermal']>; replicate?: boolean } = {}): ModelManifest {
  const tch = over.replicate === false ? 1 : 3
  return {
    format: 'twinlight-model-package', formatVersion: 1, id: 'm@1', name: 'm', version: '1',
    classes: [{ index: 0, name: 'a', color: [0, 0, 0], ignore: false }, { index: 1, name: 'b', color: [1, 1, 1], ignore: false }],
    input: { width: 8, height: 6, policy: 'resize', padValue: 0, resizeKernel: 'bilinear' },
    normalisation: {
      rgb: { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      thermal: { bits: 8, scale: 1 / 255, mean: 0, std: 1, replicateTo3: tch === 3, ...over.thermal }
    },
    tensors: { inputs: { rgb: { name: 'rgb', shape: [1, 3, 6, 8] }, thermal: { name: 'thermal', shape: [1, tch, 6, 8] } }, outputs: { logits: { name: 'logits', shape: [1, 2, 3, 4] }, features: { name: 'features', shape: [1, 4, 3, 4] } } },
    parts: { backbone: 'backbone.onnx' }, opset: 17,
    provenance: { trainedOn: 'x', command: 'x', seed: null, heldOutMiou: null, perClassIou: [], date: 'x', torchVersion: 'x' }
  }
}

/** The interleaved (MFNet) path fills the same tensors, bit for bit, as the split path. */
function expectInterleavedLikeSplit(m: ModelManifest, inter: InterleavedPair): void {
  const a = allocSlot(m)
  const b = allocSlot(m)
  new Preprocessor(m).fill(inter, { dx: 0, dy: 0 }, a)
  new Preprocessor(m).fill(splitPair(inter), { dx: 0, dy: 0 }, b)
  expect(Buffer.from(a.rgb.buffer).equals(Buffer.from(b.rgb.buffer)), `${inter.width}x${inter.height} rgb`).toBe(true)
  expect(Buffer.from(a.thermal.buffer).equals(Buffer.from(b.thermal.buffer)), `${inter.width}x${inter.height} thermal`).toBe(true)
}

describe('resampling', () => {
  it('matches Pillow BILINEAR bit for bit when shrinking and enlarging', () => {
    const dir = tmp()
    const cases: [number, number, number, number][] = [[640, 480, 512, 384], [97, 53, 31, 20], [30, 20, 77, 61], [64, 48, 64, 17]]
    for (const [w, h, ow, oh] of cases) {
      const src = Uint8Array.from({ length: w * h }, (_, i) => (i * 2654435761) >>> 24)
      const out = new Uint8Array(ow * oh)
      resize8(src, w, h, 1, ow, oh, out, new Uint8Array(h * ow))
      const ref = pillowResize(dir, src, w, h, ow, oh)
      let diff = 0
      for (let i = 0; i < out.length; i++) if (out[i] !== ref[i]) diff++
      expect(diff, `${w}x${h} → ${ow}x${oh}`).toBe(0)
    }
  })

  it('4 interleaved channels (read as 32-bit words when aligned) equal each channel resized alone', () => {
    const cases: [number, number, number, number][] = [[640, 480, 512, 384], [61, 45, 37, 23], [30, 20, 77, 61], [64, 48, 64, 17]]
    for (const [w, h, ow, oh] of cases) {
      for (const offset of [0, 1]) { // offset 1: an unaligned view takes the byte-wise path
        const src = new Uint8Array(w * h * 4 + offset).subarray(offset)
        for (let i = 0; i < src.length; i++) src[i] = (i * 2654435761) >>> 24
        const out = new Uint8Array(ow * oh * 4 + offset).subarray(offset)
        resize8(src, w, h, 4, ow, oh, out, new Uint8Array(h * ow * 4))
        for (let c = 0; c < 4; c++) {
          const plane = Uint8Array.from({ length: w * h }, (_, i) => src[i * 4 + c]!)
          const want = new Uint8Array(ow * oh)
          resize8(plane, w, h, 1, ow, oh, want, new Uint8Array(h * ow))
          let diff = 0
          for (let i = 0; i < want.length; i++) if (out[i * 4 + c] !== want[i]) diff++
          expect(diff, `${w}x${h} → ${ow}x${oh}, channel ${c}, offset ${offset}`).toBe(0)
        }
      }
    }
  })
})

describe('thermal', () => {
  it('16-bit thermal is windowed: clamp((raw - min) / (max - min), 0, 1), then (x - mean) / std', () => {
    const m = manifest({ thermal: { bits: 16, window: { min: 1000, max: 3000 }, mean: 0.5, std: 0.25 }, replicate: false })
    const pre = new Preprocessor(m)
    const slot = allocSlot(m)
    const thermal = new Uint16Array(48)
    thermal.set([500, 1000, 2000, 3000, 60000])
    pre.fill({ width: 8, height: 6, rgb: new Uint8Array(48 * 3), thermal, thermalBits: 16 }, { dx: 0, dy: 0 }, slot)
    expect([...slot.thermal.subarray(0, 5)]).toEqual([-2, -2, 0, 2, 2])
  })

  it('registration moves thermal by (dx, dy) onto RGB; uncovered pixels get the pad value', () => {
    const m = manifest()
    const pre = new Preprocessor(m)
    const slot = allocSlot(m)
    const thermal = Uint8Array.from({ length: 48 }, (_, i) => i + 1)
    pre.fill({ width: 8, height: 6, rgb: new Uint8Array(48 * 3), thermal, thermalBits: 8 }, { dx: 2, dy: 1 }, slot)
    const f = Math.fround
    const v = (raw: number): number => f(f(raw * f(1 / 255)) - 0) / 1
    expect(slot.thermal[0]).toBe(v(0)) // row 0 uncovered
    expect(slot.thermal[8 + 1]).toBe(v(0)) // x < dx uncovered
    expect(slot.thermal[8 + 2]).toBe(v(thermal[0]!)) // T'(2,1) = T(0,0)
    expect(slot.thermal[5 * 8 + 7]).toBe(v(thermal[4 * 8 + 5]!))
    expect(slot.thermal[48 + 8 + 2]).toBe(v(thermal[0]!)) // replicated channel
  })

  it('the interleaved MFNet path gives the same tensors as the split path', () => {
    const m = manifest()
    m.input.width = 37
    m.input.height = 23
    m.tensors.inputs.rgb.shape = [1, 3, 23, 37]
    m.tensors.inputs.thermal.shape = [1, 3, 23, 37]
    const w = 61, h = 45
    const data = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i * 40503) & 255)
    expectInterleavedLikeSplit(m, { kind: 'rgbt', width: w, height: h, data, channels: 4, thermalChannel: 3, thermalBits: 8 })
  })

  it('the interleaved path pads like the split path (pad-bottom-right: padded columns, padded rows)', () => {
    const m = manifest()
    m.input = { ...m.input, width: 37, height: 23, policy: 'pad-bottom-right', padValue: 7 }
    m.tensors.inputs.rgb.shape = [1, 3, 23, 37]
    m.tensors.inputs.thermal.shape = [1, 3, 23, 37]
    for (const [w, h] of [[61, 45], [61, 20], [20, 10]]) {
      const data = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i * 40503) & 255)
      expectInterleavedLikeSplit(m, { kind: 'rgbt', width: w, height: h, data, channels: 4, thermalChannel: 3, thermalBits: 8 })
    }
  })
})
