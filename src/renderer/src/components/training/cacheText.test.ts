import { describe, expect, it } from 'vitest'
import type { CacheInfo } from '@shared/contract/methods/models'
import { fitLine, fmtBytes } from './cacheText'

const info = (fit: number, n: number): CacheInfo => ({ dir: '/c', entries: 0, bytes: 0, capBytes: 2 * 1024 ** 3, hits: 0, misses: 0, writes: 0, evictions: 0, perImage: { model: 'm', c: 5, d: 64, h: 320, w: 320, bytes: 24 + 4 * 5 * 320 * 320 + 2 * 64 * 320 * 320 }, projectImages: n, fitImages: fit })

describe('feature cache lines', () => {
  it('says how many images fit when the project does not', () => {
    expect(fitLine(info(141, 900))).toBe('features for 141 of 900 images fit the 2.0 GB cap; the rest are recomputed when needed')
    expect(fitLine(info(12, 12))).toBe('features of all 12 images fit the 2.0 GB cap')
  })
  it('formats the SARTM entry size', () => {
    expect(fmtBytes(24 + 4 * 5 * 320 * 320 + 2 * 64 * 320 * 320)).toBe('14.5 MB')
  })
})
