/**
 * Parity of the app's inference path with the package's PyTorch reference: preprocessing
 * (normalisation, Pillow-exact resize, padding), the ONNX run in the inference worker, and the
 * inverse (crop padding, bilinear resize to the image). Runs on generated packages and, when it is
 * in the checkout, on the embedded tiny model's own parity fixture.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { makePackage, readF32 } from './helpers'
import { ModelEngine } from '../../src/main/core/models/runtime/engine'
import { allocSlot, Preprocessor, type DecodedPair } from '../../src/main/core/models/pixels/preprocess'
import { frameFor, validOutputExtent } from '../../src/main/core/models/pixels/geometry'
import { labelsFromLogits, upsampleLogits } from '../../src/main/core/models/pixels/postprocess'
import { embeddedPackageDir } from '../../src/main/core/models/versions/modelVersions'

function maxAbs(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

/** HWC RGBT uint8 → the decoded pair the preprocessor reads. */
function pairFromRgbt(raw: Uint8Array, w: number, h: number): DecodedPair {
  const rgb = new Uint8Array(w * h * 3)
  const thermal = new Uint8Array(w * h)
  for (let i = 0; i < w * h; i++) {
    rgb.set(raw.subarray(i * 4, i * 4 + 3), i * 3)
    thermal[i] = raw[i * 4 + 3]!
  }
  return { width: w, height: h, rgb, thermal, thermalBits: 8 }
}

const engines: ModelEngine[] = []
afterAll(async () => { await Promise.all(engines.map((e) => e.release())) })

async function parityAtInputSize(dir: string): Promise<{ logits: number; features: number }> {
  const engine = await ModelEngine.open(dir, { threads: 1 })
  engines.push(engine)
  const meta = JSON.parse(readFileSync(join(dir, 'parity', 'parity.json'), 'utf8'))
  const [h, w] = meta.shapes.rawU8 as number[]
  const raw = new Uint8Array(readFileSync(join(dir, 'parity', meta.files.rawU8)))
  const slot = allocSlot(engine.manifest)
  new Preprocessor(engine.manifest).fill(pairFromRgbt(raw, w!, h!), { dx: 0, dy: 0 }, slot)
  const out = await engine.run(slot)
  return {
    logits: maxAbs(out.logits, readF32(join(dir, 'parity', meta.files.logits))),
    features: maxAbs(out.features, readF32(join(dir, 'parity', meta.files.features)))
  }
}

describe('parity with the PyTorch reference', () => {
  it('generated package: logits and features at the input size within 1e-4', async () => {
    const d = await parityAtInputSize(makePackage())
    expect(d.logits).toBeLessThanOrEqual(1e-4)
    expect(d.features).toBeLessThanOrEqual(1e-4)
  })

  it('generated package: a full-size image resized like training (Pillow BILINEAR) gives the reference logits', async () => {
    const dir = makePackage()
    const engine = await ModelEngine.open(dir, { threads: 1 })
    engines.push(engine)
    const raw = new Uint8Array(readFileSync(join(dir, 'parity', 'full_u8.bin')))
    const slot = allocSlot(engine.manifest)
    const frame = new Preprocessor(engine.manifest).fill(pairFromRgbt(raw, 80, 60), { dx: 0, dy: 0 }, slot)
    expect(frame).toMatchObject({ imageW: 80, imageH: 60, scaledW: 64, scaledH: 48 })
    const out = await engine.run(slot)
    expect(maxAbs(out.logits, readF32(join(dir, 'parity', 'full_logits.bin')))).toBeLessThanOrEqual(1e-4)
  })

  it('inverse, resize policy: logits resized to the image equal torch bilinear (align_corners=False)', () => {
    const dir = makePackage()
    const ref = readF32(join(dir, 'parity', 'logits.bin'))
    const frame = frameFor({ input: { width: 64, height: 48, policy: 'resize', padValue: 0, resizeKernel: 'bilinear' } }, 80, 60)
    const up = upsampleLogits(ref, { c: 9, h: 12, w: 16 }, frame)
    expect(maxAbs(up, readF32(join(dir, 'parity', 'upsampled.bin')))).toBeLessThanOrEqual(1e-5)
  })

  it('inverse, pad policy: padding cropped before resizing (48x24 image in a 64x48 frame)', () => {
    const dir = makePackage({ policy: 'pad-bottom-right', imageW: 48, imageH: 24, validW: 12, validH: 6 })
    const ref = readF32(join(dir, 'parity', 'logits.bin'))
    const frame = frameFor({ input: { width: 64, height: 48, policy: 'pad-bottom-right', padValue: 0, resizeKernel: 'bilinear' } }, 48, 24)
    expect(frame).toMatchObject({ scaledW: 48, scaledH: 24 })
    const up = upsampleLogits(ref, { c: 9, h: 12, w: 16 }, frame)
    expect(maxAbs(up, readF32(join(dir, 'parity', 'upsampled.bin')))).toBeLessThanOrEqual(1e-5)
    // argmax of the fused path agrees with argmax of the resized reference
    const r = labelsFromLogits(ref, { c: 9, h: 12, w: 16 }, frame)
    const refUp = readF32(join(dir, 'parity', 'upsampled.bin'))
    let agree = 0
    for (let p = 0; p < 48 * 24; p++) {
      let best = 0
      for (let c = 1; c < 9; c++) if (refUp[c * 48 * 24 + p]! > refUp[best * 48 * 24 + p]!) best = c
      if (best === r.labels[p]) agree++
    }
    expect(agree).toBe(48 * 24)
  })

  it('PST900 geometry (1280x720 frame, 1280 pad-bottom-right input): no resize, the valid output is 320x180 whole pixels', () => {
    const frame = frameFor({ input: { width: 1280, height: 1280, policy: 'pad-bottom-right', padValue: 0, resizeKernel: 'bilinear' } }, 1280, 720)
    expect(frame).toMatchObject({ scaledW: 1280, scaledH: 720 })
    expect(validOutputExtent(frame, 320, 320)).toEqual({ w: 320, h: 180 })
  })

  it('PST900 geometry at 1/10 (128x72 frame in a 128x128 pad-bottom-right input): logits equal torch on the cropped 32x18', () => {
    const dir = makePackage({ policy: 'pad-bottom-right', inW: 128, inH: 128, imageW: 128, imageH: 72, validW: 32, validH: 18 })
    const ref = readF32(join(dir, 'parity', 'logits.bin'))
    const frame = frameFor({ input: { width: 128, height: 128, policy: 'pad-bottom-right', padValue: 0, resizeKernel: 'bilinear' } }, 128, 72)
    expect(frame).toMatchObject({ scaledW: 128, scaledH: 72 })
    const up = upsampleLogits(ref, { c: 9, h: 32, w: 32 }, frame)
    expect(maxAbs(up, readF32(join(dir, 'parity', 'upsampled.bin')))).toBeLessThanOrEqual(1e-5)
  })

  it('pad policy: padded pixels carry the normalised pad value, the image keeps its pixels', async () => {
    const dir = makePackage({ policy: 'pad-bottom-right', imageW: 48, imageH: 24, validW: 12, validH: 6 })
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
    const pre = new Preprocessor(m)
    const slot = allocSlot(m)
    const raw = new Uint8Array(48 * 24 * 4).fill(255)
    pre.fill(pairFromRgbt(raw, 48, 24), { dx: 0, dy: 0 }, slot)
    const plane = 64 * 48
    const f = Math.fround
    const padR = f(f(f(0 * f(1 / 255)) - f(0.485)) / f(0.229))
    const fullR = f(f(f(255 * f(1 / 255)) - f(0.485)) / f(0.229))
    expect(slot.rgb[0]).toBe(fullR) // inside
    expect(slot.rgb[47]).toBe(fullR)
    expect(slot.rgb[48]).toBe(padR) // right padding
    expect(slot.rgb[24 * 64]).toBe(padR) // bottom padding
    expect(slot.thermal[plane + 0]).toBe(1) // replicated thermal channel, 255/255
    expect(slot.thermal[2 * plane + 30 * 64]).toBe(0)
  })

  const embedded = embeddedPackageDir()
  it('embedded tiny model: its parity fixture within 1e-4', async () => {
    const d = await parityAtInputSize(embedded)
    expect(d.logits).toBeLessThanOrEqual(1e-4)
    expect(d.features).toBeLessThanOrEqual(1e-4)
  })
})
