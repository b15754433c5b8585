/** Pure pieces of the inference layer: region table, adapter format and math, fp16, EP choice. */
import { describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { regionSkipClasses, regionTable } from '../../src/main/core/prefill/regions'
import { applyAdapter, decodeAdapter, encodeAdapter, zeroAdapter } from '@shared/adapter'
import { decodeHalf, encodeHalf, toHalfBits } from '../../src/main/core/models/pixels/fp16'
import { acceleratorCandidates, choiceFromAttempts } from '../../src/main/core/models/runtime/ep'
import { classPreset } from '../../src/main/core/classPresets'
import { labelsFromLogits, upsampleLogits } from '../../src/main/core/models/pixels/postprocess'
import { frameFor } from '../../src/main/core/models/pixels/geometry'

describe('region table', () => {
  it('splits classes into 4-connected components with area, bbox and mean confidence', () => {
    // 6x4 map: two separate blobs of class 1, one blob of class 2, class 0 background (skipped).
    const W = 6, H = 4
    const labels = Uint8Array.from([
      1, 1, 0, 0, 2, 2,
      1, 0, 0, 0, 2, 2,
      0, 0, 1, 0, 0, 0,
      0, 0, 1, 1, 0, 0
    ])
    const conf = new Uint8Array(W * H).fill(255)
    conf[0] = 0 // first blob: confidences 0, 255, 255 → mean 2/3
    const skip = regionSkipClasses(classPreset('mfnet'))
    expect(skip).toEqual([0])
    const regions = regionTable(labels, conf, W, H, skip)
    expect(regions).toEqual([
      { id: 1, classIndex: 1, area: 3, meanConfidence: 0.667, bbox: [0, 0, 2, 2] },
      { id: 2, classIndex: 2, area: 4, meanConfidence: 1, bbox: [4, 0, 2, 2] },
      { id: 3, classIndex: 1, area: 3, meanConfidence: 1, bbox: [2, 2, 2, 2] }
    ])
  })

  it('diagonal neighbours are separate regions (4-connectivity, as the review UI)', () => {
    const labels = Uint8Array.from([1, 0, 0, 1])
    const r = regionTable(labels, new Uint8Array(4).fill(128), 2, 2, [0])
    expect(r.map((x) => x.area)).toEqual([1, 1])
  })
})

describe('adapter', () => {
  it('encodes and decodes the documented layout', () => {
    const a = Float32Array.from({ length: 2 * 3 }, (_, i) => i / 7)
    const b = Float32Array.from({ length: 4 * 2 }, (_, i) => -i / 3)
    const bytes = encodeAdapter({ rank: 2, d: 3, c: 4, scale: 0.5, a, b })
    expect(bytes.length).toBe(24 + 4 * (6 + 8))
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('TLAD')
    const back = decodeAdapter(bytes)
    expect(back).toMatchObject({ rank: 2, d: 3, c: 4, scale: 0.5 })
    expect([...back.a]).toEqual([...a])
    expect([...back.b]).toEqual([...b])
    expect(() => decodeAdapter(bytes.subarray(0, 30))).toThrow(/expected/)
    const bad = bytes.slice()
    bad[0] = 0x58
    expect(() => decodeAdapter(bad)).toThrow(/magic/)
  })

  it('an all-zero B leaves logits bit-identical; a non-zero one adds scale·B·A·features', () => {
    const shape = { c: 3, d: 4, h: 2, w: 5 }
    const P = shape.h * shape.w
    const features = Float32Array.from({ length: shape.d * P }, (_, i) => Math.sin(i) * 3)
    const base = Float32Array.from({ length: shape.c * P }, (_, i) => Math.cos(i) * 2)
    const A = Float32Array.from({ length: 2 * shape.d }, (_, i) => (i % 3) - 1 + i / 10)
    const logits = base.slice()
    applyAdapter(logits, features, shape, zeroAdapter(2, shape.d, shape.c, A))
    expect(Buffer.from(logits.buffer).equals(Buffer.from(base.buffer))).toBe(true)
    const B = Float32Array.from({ length: shape.c * 2 }, (_, i) => i - 2.5)
    const ad = decodeAdapter(encodeAdapter({ rank: 2, d: shape.d, c: shape.c, scale: 0.25, a: A, b: B }))
    const got = base.slice()
    applyAdapter(got, features, shape, ad)
    for (let c = 0; c < shape.c; c++) {
      for (let p = 0; p < P; p++) {
        let delta = 0
        for (let k = 0; k < 2; k++) for (let d = 0; d < shape.d; d++) delta += 0.25 * B[c * 2 + k]! * A[k * shape.d + d]! * features[d * P + p]!
        expect(got[c * P + p]).toBeCloseTo(base[c * P + p]! + delta, 4)
      }
    }
    expect(() => applyAdapter(got, features, { ...shape, c: 5 }, ad)).toThrow(/C=3/)
  })
})

describe('fp16', () => {
  it('rounds to nearest even and round-trips representable values exactly', () => {
    expect(toHalfBits(1)).toBe(0x3c00)
    expect(toHalfBits(-2)).toBe(0xc000)
    expect(toHalfBits(65504)).toBe(0x7bff)
    expect(toHalfBits(1e6)).toBe(0x7c00)
    expect(toHalfBits(2 ** -24)).toBe(0x0001) // smallest subnormal
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00) // tie → even
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02) // tie → even (up)
    const v = Float32Array.from([0, 1, -1, 0.5, 1024, 3.140625, 2 ** -20, -65504])
    expect([...decodeHalf(encodeHalf(v))]).toEqual([...v])
    const r = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 50)
    const back = decodeHalf(encodeHalf(r))
    for (let i = 0; i < r.length; i++) expect(Math.abs(back[i]! - r[i]!)).toBeLessThanOrEqual(Math.abs(r[i]!) * 2 ** -11 + 1e-7)
  })
})

describe('execution providers', () => {
  it('tries CUDA on linux/x64 only when its provider library is installed', () => {
    const bin = mkdtempSync(join(tmpdir(), 'twinlight-ortbin-'))
    const none = acceleratorCandidates({ platform: 'linux', arch: 'x64', binDir: bin })
    expect(none.try).toEqual([])
    expect(none.skipped.find((s) => s.name === 'cuda')!.reason).toMatch(/libonnxruntime_providers_cuda\.so missing/)
    writeFileSync(join(bin, 'libonnxruntime_providers_cuda.so'), '')
    expect(acceleratorCandidates({ platform: 'linux', arch: 'x64', binDir: bin }).try).toEqual(['cuda'])
    expect(acceleratorCandidates({ platform: 'linux', arch: 'x64', binDir: bin, forceCpu: true }).try).toEqual([])
    expect(acceleratorCandidates({ platform: 'linux', arch: 'arm64', binDir: bin }).try).toEqual([])
  })

  it('DirectML on Windows, CoreML on macOS', () => {
    expect(acceleratorCandidates({ platform: 'win32', arch: 'x64' }).try).toEqual(['dml'])
    expect(acceleratorCandidates({ platform: 'darwin', arch: 'arm64' }).try).toEqual(['coreml'])
    expect(acceleratorCandidates({ platform: 'darwin', arch: 'arm64', forceCpu: true }).skipped.map((s) => s.reason)).toEqual(['CPU forced by setting', 'CPU forced by setting', 'CPU forced by setting'])
  })

  it('records a failed accelerator and falls back to CPU with the reason', () => {
    const c = choiceFromAttempts([], [{ name: 'cuda', ok: false, error: 'libcudart.so.12: cannot open shared object file' }, { name: 'cpu', ok: true }], 4, false)
    expect(c.name).toBe('cpu')
    expect(c.reason).toMatch(/CUDA: session failed on CUDA: libcudart/)
    expect(c.attempts.map((a) => [a.name, a.chosen])).toEqual([['cuda', false], ['cpu', true]])
    const g = choiceFromAttempts([], [{ name: 'cuda', ok: true }], 4, false)
    expect(g).toMatchObject({ name: 'cuda', reason: 'CUDA provider opened the model' })
  })
})

describe('labels and confidence from logits', () => {
  it('equal argmax and rounded max-softmax of the resized logits (confident blocks and boundaries, pad and resize)', () => {
    const C = 5, h = 12, w = 16
    const logits = new Float32Array(C * h * w)
    let seed = 7
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32)
    for (let p = 0; p < h * w; p++) {
      const win = ((((p / w) | 0) >> 2) * 2 + ((p % w) >> 2)) % C
      const gap = p % 5 === 0 ? 1 : 12 // some nodes uncertain, most confident
      for (let c = 0; c < C; c++) logits[c * h * w + p] = (c === win ? gap : 0) + rnd() * 2
    }
    const map = Uint8Array.from([4, 3, 2, 1, 0])
    for (const [policy, W, H] of [['resize', 80, 60], ['pad-bottom-right', 48, 24], ['resize', 33, 71]] as const) {
      const frame = frameFor({ input: { width: 64, height: 48, policy, padValue: 0, resizeKernel: 'bilinear' } }, W, H)
      const r = labelsFromLogits(logits, { c: C, h, w }, frame, map)
      const up = upsampleLogits(logits, { c: C, h, w }, frame)
      let fast = 0
      let sum = 0
      for (let p = 0; p < W * H; p++) {
        let best = 0
        for (let c = 1; c < C; c++) if (up[c * W * H + p]! > up[best * W * H + p]!) best = c
        let z = 0
        for (let c = 0; c < C; c++) z += Math.exp(up[c * W * H + p]! - up[best * W * H + p]!)
        const conf = Math.round(255 / z)
        expect(r.labels[p]).toBe(map[best])
        expect(Math.abs(r.confidence[p]! - conf)).toBeLessThanOrEqual(1)
        if (r.confidence[p] === 255) fast++
        sum += r.confidence[p]!
      }
      expect(fast).toBeGreaterThan(0)
      expect(r.meanConfidence).toBeCloseTo(sum / 255 / (W * H), 12)
    }
  })

  it('confidence is exact across the 255 shortcut: margins swept through the threshold, eight runners-up tied', () => {
    // Class 0 leads every other class by m, m sweeping 6..10 along x (the shortcut's threshold is
    // ~8.31 for 9 classes): with all runners-up tied the exp sum is largest for a given margin.
    const C = 9, h = 2, w = 41
    const logits = new Float32Array(C * h * w)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) logits[y * w + x] = 6 + (4 * x) / (w - 1)
    const W = 820, H = 4
    const frame = frameFor({ input: { width: 164, height: 8, policy: 'resize', padValue: 0, resizeKernel: 'bilinear' } }, W, H)
    const r = labelsFromLogits(logits, { c: C, h, w }, frame)
    const up = upsampleLogits(logits, { c: C, h, w }, frame)
    let checked = 0
    for (let p = 0; p < W * H; p++) {
      expect(r.labels[p]).toBe(0)
      const exact = 255 / (1 + (C - 1) * Math.exp(-up[p]!))
      if (Math.abs(exact - Math.floor(exact) - 0.5) < 0.01) continue // the table's 3e-5 may round either way
      expect(r.confidence[p], `margin ${up[p]}`).toBe(Math.round(exact))
      checked++
    }
    expect(checked).toBeGreaterThan(W * H * 0.9)
  })
})
