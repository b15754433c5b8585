/**
 * The merged adapter module (src/shared/adapter): the stored format round-trips, a damaged blob is
 * refused with a sentence naming it, and applying an adapter gives exactly what the inference
 * layer's applyAdapter gave before the format, the math and the apply step were one module.
 */
import { describe, expect, it } from 'vitest'
import { ADAPTER_HEADER_BYTES, adapterMatrix, applyAdapter, decodeAdapter, encodeAdapter, unitScale, zeroAdapter, type Adapter } from '@shared/adapter'

const shape = { c: 3, d: 4, h: 2, w: 3 }
const P = shape.h * shape.w
const features = Float32Array.from({ length: shape.d * P }, (_, i) => Math.sin(i + 1) * 2)
const base = Float32Array.from({ length: shape.c * P }, (_, i) => Math.cos(i) - 0.5)
const a = Float32Array.from({ length: 2 * shape.d }, (_, i) => (i % 3) - 1 + i / 10)
const b = Float32Array.from({ length: shape.c * 2 }, (_, i) => i / 4 - 0.6)
const example: Adapter = { rank: 2, d: shape.d, c: shape.c, scale: 0.3, a, b }

/**
 * Logits of decodeAdapter(encodeAdapter(example)) on `base`/`features`, printed by the pre-merge
 * adapterFormat.ts + adapter.ts of src/main/core/models/versions (commit 8721f9f) and pasted here:
 * float32 values, exact.
 */
const BEFORE_MERGE = [
  0.37116262316703796, -0.30486851930618286, -1.1603026390075684, -1.4086575508117676, -0.8215968608856201, 0.06113847345113754,
  0.5960618257522583, 0.45769569277763367, -0.5611714124679565, -1.523797869682312, -1.5451492071151733, -0.6055952310562134,
  0.7444744110107422, 1.1602044105529785, 0.04955015331506729, -1.5663578510284424, -2.201861619949341, -1.272681474685669
]

describe('adapter format', () => {
  it('round-trips every field and re-encodes to the same bytes', () => {
    const bytes = encodeAdapter(example)
    expect(bytes.length).toBe(ADAPTER_HEADER_BYTES + 4 * (a.length + b.length))
    const back = decodeAdapter(bytes)
    expect(back).toMatchObject({ rank: 2, d: 4, c: 3 })
    expect(back.scale).toBe(Math.fround(0.3))
    expect(Array.from(back.a)).toEqual(Array.from(a))
    expect(Array.from(back.b)).toEqual(Array.from(b))
    expect(Buffer.from(encodeAdapter(back)).equals(Buffer.from(bytes))).toBe(true)
  })

  it('a corrupted blob is refused with a sentence naming it', () => {
    const bytes = encodeAdapter(example)
    const what = 'adapter of model version 7'
    expect(() => decodeAdapter(bytes.subarray(0, 10), what)).toThrow(`${what}: 10 bytes is shorter than the 24-byte header`)
    expect(() => decodeAdapter(bytes.subarray(0, bytes.length - 4), what)).toThrow(`${what}: ${bytes.length - 4} bytes, expected ${bytes.length} for r=2, D=4, C=3`)
    const magic = bytes.slice()
    magic[1] = 0x58
    expect(() => decodeAdapter(magic, what)).toThrow(`${what}: not an adapter blob (magic "TXAD")`)
    const version = bytes.slice()
    version[4] = 9
    expect(() => decodeAdapter(version, what)).toThrow(`${what}: format version 9 is not supported (this app reads 1)`)
    const rank = bytes.slice()
    rank[8] = 3 // the header now claims more tensor bytes than the blob holds
    expect(() => decodeAdapter(rank, what)).toThrow(/expected \d+ for r=3, D=4, C=3/)
    expect(() => encodeAdapter({ ...example, b: b.subarray(1) })).toThrow(/Adapter B has 5 values, expected C\*r = 6/)
  })
})

describe('adapter apply', () => {
  it('gives the pre-merge inference result bit for bit on a fixed example', () => {
    const got = base.slice()
    applyAdapter(got, features, shape, decodeAdapter(encodeAdapter(example)))
    expect(Array.from(got)).toEqual(Array.from(Float32Array.from(BEFORE_MERGE)))
  })

  it('scale 1 after unitScale: B carries the scale, the matrix is the same within float32 rounding', () => {
    const u = unitScale(example)
    expect(u.scale).toBe(1)
    expect(u.a).not.toBe(example.a)
    expect(Array.from(u.b)).toEqual(Array.from(Float32Array.from(b, (v) => v * 0.3)))
    const m0 = adapterMatrix(example)
    adapterMatrix(u).forEach((v, i) => expect(v).toBeCloseTo(m0[i]!, 6))
    expect(Array.from(unitScale({ ...example, scale: 1 }).b)).toEqual(Array.from(b))
  })

  it('a zero B changes nothing; a shape mismatch is refused', () => {
    const got = base.slice()
    applyAdapter(got, features, shape, zeroAdapter(2, shape.d, shape.c, a))
    expect(Buffer.from(got.buffer).equals(Buffer.from(base.buffer))).toBe(true)
    expect(() => applyAdapter(got, features, { ...shape, d: 5 }, example)).toThrow('Adapter is for C=3, D=4 but the model gives C=3, D=5.')
  })
})
