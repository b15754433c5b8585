/**
 * Embedding cache: memory LRU size, disk round trip (fp16 within half precision, fp32 exact),
 * disk LRU eviction under the byte cap (least recently read first), damaged files dropped.
 */
import { describe, expect, it } from 'vitest'
import { readdirSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { EmbeddingCache, embeddingKey } from '../../src/main/core/click/embeddingCache'
import type { Embedding } from '../../src/main/core/click/promptModel'
import { useTmp } from '../helpers/tmp'

const frame = { imageW: 64, imageH: 48, frameW: 1024, frameH: 1024, validW: 1024, validH: 768 }
function emb(seed: number, n = 4096): Embedding {
  const data = new Float32Array(n)
  for (let i = 0; i < n; i++) data[i] = Math.sin(seed * 100 + i) * 3
  return { format: 'sam', frame, tensors: { image_embeddings: { dims: [1, 1, 64, n / 64], data } } }
}

describe('embedding cache', () => {
  const tmp = useTmp()

  it('keys differ by image, model, source and registration', () => {
    const k = embeddingKey('h', 'm', 'rgb', { dx: 0, dy: 0 })
    expect(new Set([k, embeddingKey('h2', 'm', 'rgb', { dx: 0, dy: 0 }), embeddingKey('h', 'm2', 'rgb', { dx: 0, dy: 0 }), embeddingKey('h', 'm', 'thermal', { dx: 0, dy: 0 }), embeddingKey('h', 'm', 'rgb', { dx: 1, dy: 0 })]).size).toBe(5)
  })

  it('round-trips through disk as fp16 (half precision) and fp32 (exact)', async () => {
    for (const dtype of ['f16', 'f32'] as const) {
      const dir = tmp()
      const a = new EmbeddingCache({ dir, capBytes: 1 << 30, dtype })
      const e = emb(1)
      await a.put('k1', e)
      const b = new EmbeddingCache({ dir, capBytes: 1 << 30, dtype }) // a fresh process: disk only
      expect(b.inMemory('k1')).toBe(false)
      const r = b.get('k1')!
      expect(r.frame).toEqual(frame)
      const got = r.tensors.image_embeddings!
      expect(got.dims).toEqual([1, 1, 64, 64])
      let maxErr = 0
      for (let i = 0; i < got.data.length; i++) maxErr = Math.max(maxErr, Math.abs(got.data[i]! - e.tensors.image_embeddings!.data[i]!))
      if (dtype === 'f32') expect(maxErr).toBe(0)
      else expect(maxErr).toBeLessThan(3 * 2 ** -10)
      expect(b.stats.diskHits).toBe(1)
      expect(b.inMemory('k1')).toBe(true)
    }
  })

  it('memory keeps the N most recent; disk evicts the least recently used beyond the cap', async () => {
    const dir = tmp()
    const one = 8 + 200 + 4096 * 2 // header + fp16 payload, roughly
    const c = new EmbeddingCache({ dir, capBytes: Math.floor(one * 2.5), memoryItems: 2 })
    await c.put('a', emb(1))
    await new Promise((r) => setTimeout(r, 15))
    await c.put('b', emb(2))
    await new Promise((r) => setTimeout(r, 15))
    expect(new EmbeddingCache({ dir, capBytes: 1 << 30 }).get('a')).not.toBeNull() // touching 'a' on disk
    const c2 = new EmbeddingCache({ dir, capBytes: Math.floor(one * 2.5), memoryItems: 2 })
    c2.get('a') // 'a' is now more recent than 'b'
    await c2.put('c', emb(3))
    const files = readdirSync(dir).filter((f) => f.endsWith('.pemb')).sort()
    expect(files).toEqual(['a.pemb', 'c.pemb'])
    expect(c2.stats.evictions).toBe(1)
    // memory: this instance put a, b, then d with room for 2 → a dropped, b and d kept
    await c.put('d', emb(4))
    expect([c.inMemory('a'), c.inMemory('b'), c.inMemory('d')]).toEqual([false, true, true])
  })

  it('a truncated file is dropped, not returned', async () => {
    const dir = tmp()
    const c = new EmbeddingCache({ dir, capBytes: 1 << 30 })
    await c.put('x', emb(5))
    truncateSync(join(dir, 'x.pemb'), 100)
    const d = new EmbeddingCache({ dir, capBytes: 1 << 30 })
    expect(d.get('x')).toBeNull()
    expect(readdirSync(dir).filter((f) => f.endsWith('.pemb'))).toEqual([])
  })
})
