/**
 * Prompt embeddings, cached twice: an in-memory LRU (default 10, as X-AnyLabeling) holding
 * float32 tensors ready for the decoder, and a capped on-disk LRU (files touched on read, oldest
 * evicted first) so an embedding computed in the background — or in an earlier session — makes
 * the first click on an image as fast as the tenth.
 *
 * Key: content hash of the image + prompt model id + encoder source + registration. File format
 * (`<key>.pemb`): "PEMB" u32 headerLength, JSON header {format, frame, dtype, tensors:[{name,dims}]},
 * then the tensors back to back as float16 (default, half the disk) or float32.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeHalf, encodeHalf } from '../models/pixels/fp16'
import type { Embedding, EmbeddingTensor } from './promptModel'

const EXT = '.pemb'
const MAGIC = 0x424d4550 // "PEMB" little endian

export function embeddingKey(contentHash: string, modelId: string, source: string, reg: { dx: number; dy: number }): string {
  return createHash('sha256').update(`${contentHash}|${modelId}|${source}|${reg.dx},${reg.dy}`).digest('hex').slice(0, 40)
}

export interface EmbeddingCacheOptions {
  dir: string
  capBytes: number
  memoryItems?: number
  dtype?: 'f16' | 'f32'
}

export class EmbeddingCache {
  private readonly memory = new Map<string, Embedding>()
  private index: Map<string, { bytes: number; used: number }> | null = null
  private diskBytes = 0
  readonly stats = { memoryHits: 0, diskHits: 0, misses: 0, writes: 0, evictions: 0 }

  constructor(private readonly o: EmbeddingCacheOptions) {}

  /** Memory first, then disk (promoted to memory); null when absent. */
  get(key: string): Embedding | null {
    const m = this.memory.get(key)
    if (m) {
      this.memory.delete(key)
      this.memory.set(key, m)
      this.stats.memoryHits++
      return m
    }
    const d = this.readDisk(key)
    if (d) {
      this.stats.diskHits++
      this.remember(key, d)
      return d
    }
    this.stats.misses++
    return null
  }

  /** Present in memory or on disk (no read). */
  has(key: string): boolean {
    return this.memory.has(key) || this.load().has(key)
  }

  inMemory(key: string): boolean {
    return this.memory.has(key)
  }

  /** Keeps it in memory now; the disk copy is written asynchronously (resolves when durable). */
  async put(key: string, e: Embedding): Promise<void> {
    this.remember(key, e)
    await this.writeDisk(key, e)
  }

  get diskUsage(): { files: number; bytes: number } {
    return { files: this.load().size, bytes: this.diskBytes }
  }

  private remember(key: string, e: Embedding): void {
    this.memory.delete(key)
    this.memory.set(key, e)
    while (this.memory.size > (this.o.memoryItems ?? 10)) this.memory.delete(this.memory.keys().next().value!)
  }

  private load(): Map<string, { bytes: number; used: number }> {
    if (this.index) return this.index
    mkdirSync(this.o.dir, { recursive: true })
    const idx = new Map<string, { bytes: number; used: number }>()
    this.diskBytes = 0
    for (const f of readdirSync(this.o.dir)) {
      const p = join(this.o.dir, f)
      if (f.endsWith('.tmp')) {
        try { unlinkSync(p) } catch { /* another process owns it */ }
        continue
      }
      if (!f.endsWith(EXT)) continue
      const st = statSync(p)
      idx.set(f.slice(0, -EXT.length), { bytes: st.size, used: st.mtimeMs })
      this.diskBytes += st.size
    }
    this.index = idx
    return idx
  }

  private file(key: string): string {
    return join(this.o.dir, key + EXT)
  }

  private async writeDisk(key: string, e: Embedding): Promise<void> {
    const idx = this.load()
    const dtype = this.o.dtype ?? 'f16'
    const names = Object.keys(e.tensors)
    const header = Buffer.from(JSON.stringify({ format: e.format, frame: e.frame, dtype, tensors: names.map((n) => ({ name: n, dims: e.tensors[n]!.dims })) }))
    const pre = Buffer.alloc(8)
    pre.writeUInt32LE(MAGIC, 0)
    pre.writeUInt32LE(header.length, 4)
    const parts: Uint8Array[] = [pre, header]
    for (const n of names) {
      const data = e.tensors[n]!.data
      const body = dtype === 'f16' ? encodeHalf(data) : data
      parts.push(new Uint8Array(body.buffer, body.byteOffset, body.byteLength))
    }
    const size = parts.reduce((s, p) => s + p.byteLength, 0)
    if (size > this.o.capBytes) return
    const tmp = `${this.file(key)}.${process.pid}.${this.stats.writes++}.tmp`
    await writeFile(tmp, Buffer.concat(parts))
    renameSync(tmp, this.file(key))
    const old = idx.get(key)
    if (old) this.diskBytes -= old.bytes
    idx.set(key, { bytes: size, used: Date.now() })
    this.diskBytes += size
    this.evict(key)
  }

  private evict(keep: string): void {
    const idx = this.load()
    if (this.diskBytes <= this.o.capBytes) return
    const byAge = [...idx.entries()].filter(([k]) => k !== keep).sort((a, b) => a[1].used - b[1].used)
    for (const [k, v] of byAge) {
      if (this.diskBytes <= this.o.capBytes) break
      try { unlinkSync(this.file(k)) } catch { /* already gone */ }
      idx.delete(k)
      this.diskBytes -= v.bytes
      this.stats.evictions++
    }
  }

  private readDisk(key: string): Embedding | null {
    const idx = this.load()
    const entry = idx.get(key)
    if (!entry) return null
    let buf: Buffer
    try {
      buf = readFileSync(this.file(key))
    } catch {
      idx.delete(key)
      this.diskBytes -= entry.bytes
      return null
    }
    const e = parse(buf)
    if (!e) {
      try { unlinkSync(this.file(key)) } catch { /* gone */ }
      idx.delete(key)
      this.diskBytes -= entry.bytes
      return null
    }
    const now = Date.now()
    entry.used = now
    try { utimesSync(this.file(key), now / 1000, now / 1000) } catch { /* best effort */ }
    return e
  }
}

/** Parses a cache file; null when it is truncated or not one of ours. */
function parse(buf: Buffer): Embedding | null {
  if (buf.length < 8 || buf.readUInt32LE(0) !== MAGIC) return null
  const hl = buf.readUInt32LE(4)
  if (8 + hl > buf.length) return null
  let head: { format: Embedding['format']; frame: Embedding['frame']; dtype: 'f16' | 'f32'; tensors: { name: string; dims: number[] }[] }
  try {
    head = JSON.parse(buf.subarray(8, 8 + hl).toString('utf8'))
  } catch {
    return null
  }
  const bytesPer = head.dtype === 'f16' ? 2 : 4
  let off = 8 + hl
  const tensors: Record<string, EmbeddingTensor> = {}
  for (const t of head.tensors) {
    const n = t.dims.reduce((a, b) => a * b, 1)
    if (off + n * bytesPer > buf.length) return null
    // copy into an aligned buffer (the file offset need not be a multiple of 2 or 4)
    const raw = new Uint8Array(n * bytesPer)
    raw.set(buf.subarray(off, off + n * bytesPer))
    off += n * bytesPer
    tensors[t.name] = { dims: t.dims, data: head.dtype === 'f16' ? decodeHalf(new Uint16Array(raw.buffer)) : new Float32Array(raw.buffer) }
  }
  if (off !== buf.length) return null
  return { format: head.format, frame: head.frame, tensors }
}
