/**
 * Parity of the embedded package: the ONNX backbone run through onnxruntime-node (CPU EP, the
 * app's code path) against the PyTorch reference outputs stored in the package by
 * model/export_package.py, on the same image. Also: an all-zero adapter leaves logits unchanged.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadModelPackage, type LoadedModelPackage } from '../../src/main/core/models/package/packageLoader'
import { openBackboneSession } from '../../src/main/core/models/runtime/ort'
import { applyAdapter, maxAbsDiff, normaliseInputs, randomArray, readF32, TINY_PACKAGE_DIR } from './helpers'

interface ParityMeta {
  files: { rawU8: string; logits: string; features: string }
  shapes: { rawU8: number[]; logits: number[]; features: number[] }
  tolerance: number
}

let pkg: LoadedModelPackage
let session: ort.InferenceSession
let meta: ParityMeta
let logits: Float32Array
let features: Float32Array

beforeAll(async () => {
  pkg = await loadModelPackage(TINY_PACKAGE_DIR)
  session = await openBackboneSession(pkg, { threads: 1 })
  const pdir = join(pkg.dir, 'parity')
  meta = JSON.parse(readFileSync(pkg.parityPath!, 'utf8')) as ParityMeta
  const raw = new Uint8Array(readFileSync(join(pdir, meta.files.rawU8)))
  const { rgb, thermal } = normaliseInputs(raw, pkg.manifest)
  const { inputs, outputs } = pkg.manifest.tensors
  const res = await session.run({
    [inputs.rgb.name]: new ort.Tensor('float32', rgb, inputs.rgb.shape),
    [inputs.thermal.name]: new ort.Tensor('float32', thermal, inputs.thermal.shape)
  })
  logits = res[outputs.logits.name].data as Float32Array
  features = res[outputs.features.name].data as Float32Array
  expect(res[outputs.logits.name].dims).toEqual(outputs.logits.shape)
  expect(res[outputs.features.name].dims).toEqual(outputs.features.shape)
})

afterAll(async () => { await session?.release() })

describe('tiny-sartm parity (onnxruntime-node vs PyTorch reference)', () => {
  it('logits match the PyTorch reference within 1e-4', () => {
    const ref = readF32(join(pkg.dir, 'parity', meta.files.logits))
    expect(ref.length).toBe(meta.shapes.logits.reduce((a, b) => a * b, 1))
    const d = maxAbsDiff(logits, ref)
    console.log(`parity: max |logits_ort - logits_torch| = ${d.toExponential(3)} over ${ref.length} values`)
    expect(d).toBeLessThanOrEqual(1e-4)
    expect(meta.tolerance).toBeLessThanOrEqual(1e-4)
  })

  it('features match the PyTorch reference within 1e-4', () => {
    const ref = readF32(join(pkg.dir, 'parity', meta.files.features))
    const d = maxAbsDiff(features, ref)
    console.log(`parity: max |features_ort - features_torch| = ${d.toExponential(3)}`)
    expect(d).toBeLessThanOrEqual(1e-4)
  })

  it('the fixture image is segmented, not constant (argmax covers several classes)', () => {
    const [, C, h, w] = pkg.manifest.tensors.outputs.logits.shape
    const seen = new Set<number>()
    for (let p = 0; p < h * w; p++) {
      let best = 0
      for (let c = 1; c < C; c++) if (logits[c * h * w + p] > logits[best * h * w + p]) best = c
      seen.add(best)
    }
    expect(seen.size).toBeGreaterThanOrEqual(3)
  })
})

describe('adapter over features: Δlogits = B·A·features', () => {
  it('an all-zero B (fresh LoRA) leaves logits exactly unchanged', () => {
    const [, C, h, w] = pkg.manifest.tensors.outputs.logits.shape
    const D = pkg.manifest.tensors.outputs.features.shape[1]
    const rank = 4
    const out = applyAdapter(logits, features, C, D, h * w, { rank, A: randomArray(rank * D, 7, 0.5), B: new Float32Array(C * rank) })
    expect(maxAbsDiff(out, logits)).toBe(0)
  })

  it('a non-zero adapter changes logits by B·A·features at every pixel', () => {
    const [, C, h, w] = pkg.manifest.tensors.outputs.logits.shape
    const D = pkg.manifest.tensors.outputs.features.shape[1]
    const hw = h * w
    const rank = 2
    const A = randomArray(rank * D, 11, 0.3)
    const B = randomArray(C * rank, 13, 0.3)
    const out = applyAdapter(logits, features, C, D, hw, { rank, A, B })
    let maxErr = 0
    let maxDelta = 0
    for (const p of [0, 1234, hw - 1]) {
      for (let c = 0; c < C; c++) {
        let delta = 0 // direct per-pixel sum, independent of the helper's loop order
        for (let k = 0; k < rank; k++) for (let d = 0; d < D; d++) delta += B[c * rank + k] * A[k * D + d] * features[d * hw + p]
        maxErr = Math.max(maxErr, Math.abs(out[c * hw + p] - logits[c * hw + p] - delta))
        maxDelta = Math.max(maxDelta, Math.abs(delta))
      }
    }
    expect(maxDelta).toBeGreaterThan(1e-3)
    expect(maxErr).toBeLessThan(1e-4)
  })
})

describe('checkParity (src/main/core/models/package/parityCheck.ts, used by the LoRA tier)', () => {
  it('passes on the embedded package within its tolerance', async () => {
    const { checkParity } = await import('../../src/main/core/models/package/parityCheck')
    const r = await checkParity(pkg)
    expect(r.ok).toBe(true)
    expect(r.logitsMaxAbs).toBeLessThanOrEqual(1e-4)
    expect(r.tolerance).toBeLessThanOrEqual(1e-4)
  })
})
