/**
 * On-disk cache of backbone outputs per (image content hash, model id, registration): features in
 * float16 (what adapter training and the prompt decoder read) and the base logits in float32 (so
 * cached outputs give the same labels as a fresh run). One file per entry, written to a temp name
 * and renamed; capped in bytes with least-recently-used eviction (a hit touches the file's mtime,
 * so the order survives restarts).
 *
 *   file: "TLFC" | u32 version=1 | u32 C | u32 D | u32 h | u32 w | f32 logits[C*h*w] | f16 features[D*h*w]
 */
import { createHash } from 'node:crypto'
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs'
import { open, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeHalf, encodeHalf } from '../pixels/fp16'
import type { FeatureCacheStats } from '@shared/contract/methods/models'

const MAGIC = 0x4346_4c54 // "TLFC" little-endian
const HEADER = 24
const EXT = '.tlfc'

export interface CachedOutputs {
  c: number
  d: number
  h: number
  w: number
  logits: Float32Array
  features: Float32Array
}

/** Bytes of one cache entry: header + float32 logits [C·h·w] + float16 features [D·h·w]. */
export function entryBytes(s: { c: number; d: number; h: number; w: number }): number {
  return HEADER + 4 * s.c * s.h * s.w + 2 * s.d * s.h * s.w
}

/** What the contract's getCacheStats returns. */
export type CacheStats = FeatureCacheStats

export function featureCacheKey(contentHash: string, modelId: string, reg: { dx: number; dy: number }): string {
  return createHash('sha256').update(`${contentHash}|${modelId}|${reg.dx},${reg.dy}`).digest('hex').slice(0, 40)
}

export class FeatureCache {
  private index: Map<string, { bytes: number; used: number }> | null = null
  private bytes = 0
  private hits = 0
  private misses = 0
  private writes = 0
  private evictions = 0

  constructor(readonly dir: string, private cap: number) {}

  get capBytes(): number {
    return this.cap
  }

  /** Changes the cap (the Model panel's setting); entries over it are evicted, oldest first. */
  setCap(bytes: number): void {
    if (!(bytes > 0)) throw new Error(`feature cache: cap must be positive, got ${bytes}`)
    this.cap = bytes
    this.load()
    this.evict()
  }

  private load(): Map<string, { bytes: number; used: number }> {
    if (this.index) return this.index
    mkdirSync(this.dir, { recursive: true })
    const idx = new Map<string, { bytes: number; used: number }>()
    this.bytes = 0
    for (const f of readdirSync(this.dir)) {
      const p = join(this.dir, f)
      if (!f.endsWith(EXT)) {
        if (f.endsWith('.tmp')) try { unlinkSync(p) } catch { /* another process */ }
        continue
      }
      const st = statSync(p)
      idx.set(f.slice(0, -EXT.length), { bytes: st.size, used: st.mtimeMs })
      this.bytes += st.size
    }
    this.index = idx
    return idx
  }

  private file(key: string): string {
    return join(this.dir, key + EXT)
  }

  get(key: string): CachedOutputs | null {
    const idx = this.load()
    const e = idx.get(key)
    if (!e) {
      this.misses++
      return null
    }
    let buf: Buffer
    try {
      buf = readFileSync(this.file(key))
    } catch {
      this.drop(key)
      this.misses++
      return null
    }
    const out = parse(buf)
    if (!out) {
      this.drop(key)
      this.misses++
      return null
    }
    const now = Date.now()
    e.used = now
    try { utimesSync(this.file(key), now / 1000, now / 1000) } catch { /* best effort */ }
    this.hits++
    return out
  }

  put(key: string, o: CachedOutputs): void {
    this.check(o)
    this.putEncoded(key, o, o.logits, encodeHalf(o.features))
  }

  /** put with the features already in float16. */
  putEncoded(key: string, shape: { c: number; d: number; h: number; w: number }, logits: Float32Array, half: Uint16Array): void {
    const idx = this.load()
    const size = entryBytes(shape)
    if (logits.length !== shape.c * shape.h * shape.w || half.length !== shape.d * shape.h * shape.w) throw new Error(`feature cache: outputs do not match ${shape.c}x${shape.d}x${shape.h}x${shape.w}`)
    if (size > this.capBytes) return
    const head = this.header(shape)
    const tmp = `${this.file(key)}.${process.pid}.tmp`
    const fd = openSync(tmp, 'w')
    try {
      writeSync(fd, head)
      writeSync(fd, new Uint8Array(logits.buffer, logits.byteOffset, logits.byteLength))
      writeSync(fd, new Uint8Array(half.buffer, half.byteOffset, half.byteLength))
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, this.file(key))
    this.writes++
    this.add(idx, key, size)
  }

  /**
   * Same as put, with the file written on the I/O thread pool (the job does not wait for the disk).
   * The entry becomes visible to get() once written; concurrent writes of one key still leave one
   * whole file (each goes to its own temp name, then an atomic rename). `o.logits` is written as
   * is: leave it unchanged until the promise settles.
   */
  async putAsync(key: string, o: CachedOutputs): Promise<void> {
    this.check(o)
    await this.putEncodedAsync(key, o, o.logits, encodeHalf(o.features))
  }

  /**
   * putAsync with the features already in float16 (the pre-fill job encodes them on a stage
   * worker thread). Header and arrays are written with one writev, no concatenated copy, so the
   * arrays must stay unchanged until the promise settles.
   */
  async putEncodedAsync(key: string, shape: { c: number; d: number; h: number; w: number }, logits: Float32Array, half: Uint16Array): Promise<void> {
    const idx = this.load()
    const n1 = shape.c * shape.h * shape.w
    const n2 = shape.d * shape.h * shape.w
    if (logits.length !== n1 || half.length !== n2) throw new Error(`feature cache: outputs do not match ${shape.c}x${shape.d}x${shape.h}x${shape.w}`)
    const size = HEADER + 4 * n1 + 2 * n2
    if (size > this.capBytes) return
    const tmp = `${this.file(key)}.${process.pid}.${this.writes++}.tmp`
    const fh = await open(tmp, 'w')
    try {
      const { bytesWritten } = await fh.writev([this.header(shape), new Uint8Array(logits.buffer, logits.byteOffset, logits.byteLength), new Uint8Array(half.buffer, half.byteOffset, half.byteLength)])
      if (bytesWritten !== size) throw new Error(`feature cache: short write (${bytesWritten} of ${size} bytes)`)
    } finally {
      await fh.close()
    }
    await rename(tmp, this.file(key))
    this.add(idx, key, size)
  }

  private check(o: CachedOutputs): number {
    const n1 = o.c * o.h * o.w
    const n2 = o.d * o.h * o.w
    if (o.logits.length !== n1 || o.features.length !== n2) throw new Error(`feature cache: outputs do not match ${o.c}x${o.d}x${o.h}x${o.w}`)
    return HEADER + 4 * n1 + 2 * n2
  }

  private header(o: { c: number; d: number; h: number; w: number }): Buffer {
    const head = Buffer.alloc(HEADER)
    head.writeUInt32LE(MAGIC, 0)
    head.writeUInt32LE(1, 4)
    head.writeUInt32LE(o.c, 8)
    head.writeUInt32LE(o.d, 12)
    head.writeUInt32LE(o.h, 16)
    head.writeUInt32LE(o.w, 20)
    return head
  }

  private add(idx: Map<string, { bytes: number; used: number }>, key: string, size: number): void {
    const old = idx.get(key)
    if (old) this.bytes -= old.bytes
    idx.set(key, { bytes: size, used: Date.now() })
    this.bytes += size
    this.evict()
  }

  stats(): CacheStats {
    const idx = this.load()
    return { dir: this.dir, entries: idx.size, bytes: this.bytes, capBytes: this.capBytes, hits: this.hits, misses: this.misses, writes: this.writes, evictions: this.evictions }
  }

  clear(): void {
    for (const k of [...this.load().keys()]) this.drop(k)
  }

  private evict(): void {
    if (this.bytes <= this.capBytes) return
    const idx = this.load()
    const byAge = [...idx.entries()].sort((a, b) => a[1].used - b[1].used)
    for (const [k] of byAge) {
      if (this.bytes <= this.capBytes) break
      this.drop(k)
      this.evictions++
    }
  }

  private drop(key: string): void {
    const idx = this.load()
    const e = idx.get(key)
    if (e) this.bytes -= e.bytes
    idx.delete(key)
    try { unlinkSync(this.file(key)) } catch { /* already gone */ }
  }
}

function parse(buf: Buffer): CachedOutputs | null {
  if (buf.length < HEADER || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== 1) return null
  const c = buf.readUInt32LE(8), d = buf.readUInt32LE(12), h = buf.readUInt32LE(16), w = buf.readUInt32LE(20)
  const n1 = c * h * w
  const n2 = d * h * w
  if (buf.length !== HEADER + 4 * n1 + 2 * n2) return null
  // Copy into aligned arrays (the Buffer's offset in its pool need not be a multiple of 4).
  const logits = new Float32Array(n1)
  new Uint8Array(logits.buffer).set(buf.subarray(HEADER, HEADER + 4 * n1))
  const half = new Uint16Array(n2)
  new Uint8Array(half.buffer).set(buf.subarray(HEADER + 4 * n1))
  return { c, d, h, w, logits, features: decodeHalf(half) }
}
