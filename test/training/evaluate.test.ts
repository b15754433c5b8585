import { describe, expect, it } from 'vitest'
import { argmaxAtImageSize, accumulate, iouTable, newConfusion } from '../../src/main/core/training/evaluate'
import { labelsFromLogits } from '../../src/main/core/models/pixels/postprocess'
import { Prng } from '../../src/main/core/training/prng'

describe('evaluation', () => {
  it('labels at image size equal the inference post-processing (resize and padded frames, class map)', () => {
    const rng = new Prng(3)
    const shape = { c: 5, h: 12, w: 16 }
    const maps = [0, 1].map(() => Float32Array.from({ length: 5 * 12 * 16 }, () => rng.normal()))
    const frames = [
      { imageW: 80, imageH: 61, inW: 64, inH: 48, scaledW: 64, scaledH: 48 },
      { imageW: 70, imageH: 33, inW: 64, inH: 48, scaledW: 64, scaledH: 30 }
    ]
    const classMap = Uint8Array.from([4, 3, 2, 1, 0])
    for (const frame of frames)
      for (const cm of [undefined, classMap]) {
        const ours = argmaxAtImageSize(maps, shape, frame, cm)
        maps.forEach((m, i) => expect(Array.from(ours[i]!)).toEqual(Array.from(labelsFromLogits(m, shape, frame, cm).labels)))
      }
  })

  it('per-class IoU and mIoU over scored classes present in truth or prediction', () => {
    const scored = new Uint8Array(256)
    scored[0] = scored[1] = scored[2] = 1 // class 3 not scored (ignore)
    const conf = newConfusion(4, scored)
    // truth: 0 0 1 1 2 3 ; pred: 0 1 1 1 0 2
    accumulate(conf, Uint8Array.from([0, 1, 1, 1, 0, 2]), Uint8Array.from([0, 0, 1, 1, 2, 3]))
    const t = iouTable(conf)
    // class 0: tp 1, fn 1 (→1), fp 1 (2→0) → 1/3; class 1: tp 2, fp 1 → 2/3; class 2: tp 0, fn 1 → 0; class 3 skipped.
    expect(t.perClass[0]).toBeCloseTo(1 / 3, 12)
    expect(t.perClass[1]).toBeCloseTo(2 / 3, 12)
    expect(t.perClass[2]).toBe(0)
    expect(t.perClass[3]).toBeNull()
    expect(t.mIoU).toBeCloseTo((1 / 3 + 2 / 3 + 0) / 3, 12)
  })
})
