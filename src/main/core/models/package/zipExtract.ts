/**
 * Safe extraction of a model-package .zip (Models panel): Twinlight reads the central directory
 * itself (stored and deflate entries, node:zlib) so every entry is judged before a byte is written.
 * Refused with a sentence naming the zip and the entry: absolute paths, `..` segments, symlinks,
 * encrypted or zip64 entries, more than MAX_ENTRIES entries, more than MAX_TOTAL bytes unpacked
 * (declared sizes are checked again while inflating, so a lying header cannot grow past them).
 * Everything is written into `dest`, which must not exist yet; on failure it is removed again.
 */
import { closeSync, mkdirSync, openSync, readSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve, sep } from 'node:path'
import { inflateRawSync } from 'node:zlib'
import { ApiError } from '@shared/contract/errors'

export const MAX_ENTRIES = 10_000
export const MAX_TOTAL = 4 * 1024 ** 3
const MAX_ENTRY = 2 * 1024 ** 3 - 1

interface Entry {
  name: string
  method: number
  compressed: number
  size: number
  localOffset: number
  isDir: boolean
}

function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len)
  const n = readSync(fd, b, 0, len, pos)
  return b.subarray(0, n)
}

/** Central directory entries, each checked for a safe name and a supported form. */
function entries(fd: number, size: number, zip: string): Entry[] {
  const tailLen = Math.min(size, 22 + 65535)
  const tail = readAt(fd, size - tailLen, tailLen)
  let eocd = -1
  for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === 0x06054b50) { eocd = i; break }
  if (eocd < 0) throw new ApiError('bad_input', `${zip} is not a zip file (no end-of-central-directory record).`)
  const count = tail.readUInt16LE(eocd + 10)
  const cdSize = tail.readUInt32LE(eocd + 12)
  const cdOffset = tail.readUInt32LE(eocd + 16)
  if (count === 0xffff || cdOffset === 0xffffffff) throw new ApiError('bad_input', `${zip} is a zip64 archive, which Twinlight does not read; zip the package without zip64.`)
  if (count > MAX_ENTRIES) throw new ApiError('bad_input', `${zip} has ${count} entries; a model package may have at most ${MAX_ENTRIES}.`)
  const cd = readAt(fd, cdOffset, cdSize)
  const out: Entry[] = []
  let total = 0
  for (let p = 0, k = 0; k < count; k++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new ApiError('bad_input', `${zip}: the central directory is damaged at entry ${k + 1}.`)
    const flags = cd.readUInt16LE(p + 8)
    const method = cd.readUInt16LE(p + 10)
    const compressed = cd.readUInt32LE(p + 20)
    const sizeU = cd.readUInt32LE(p + 24)
    const nameLen = cd.readUInt16LE(p + 28)
    const extraLen = cd.readUInt16LE(p + 30)
    const commentLen = cd.readUInt16LE(p + 32)
    const mode = cd.readUInt32LE(p + 38) >>> 16
    const localOffset = cd.readUInt32LE(p + 42)
    const name = cd.toString('utf8', p + 46, p + 46 + nameLen)
    p += 46 + nameLen + extraLen + commentLen
    const why = unsafeName(name) ?? ((mode & 0o170000) === 0o120000 ? 'is a symbolic link' : null)
      ?? (flags & 1 ? 'is encrypted' : null) ?? (method !== 0 && method !== 8 ? `uses compression method ${method} (only stored and deflate are read)` : null)
      ?? (sizeU > MAX_ENTRY || compressed === 0xffffffff ? 'is too large for a zip without zip64' : null)
    if (why) throw new ApiError('bad_input', `${zip}: entry "${name}" ${why}; nothing was extracted.`)
    total += sizeU
    if (total > MAX_TOTAL) throw new ApiError('bad_input', `${zip} unpacks to more than ${MAX_TOTAL / 1024 ** 3} GiB; nothing was extracted.`)
    out.push({ name, method, compressed, size: sizeU, localOffset, isDir: name.endsWith('/') })
  }
  return out
}

/** Why an entry name may not be written, or null when it stays inside the target. */
function unsafeName(name: string): string | null {
  if (name.includes('\\')) return 'has a backslash in its path'
  if (name.includes('\0')) return 'has a NUL byte in its name'
  if (isAbsolute(name) || /^[a-zA-Z]:/.test(name)) return 'has an absolute path'
  if (name.split('/').some((s) => s === '..')) return 'points outside the package (a ".." path segment)'
  return null
}

/** Extracts `zip` into the new folder `dest` (created here; removed again on any failure). */
export function extractZip(zip: string, dest: string): string[] {
  if (!existsSync(zip) || !statSync(zip).isFile()) throw new ApiError('not_found', `Zip file not found: ${zip}`)
  if (existsSync(dest)) throw new ApiError('conflict', `${dest} already exists; Twinlight extracts only into a new folder.`)
  const fd = openSync(zip, 'r')
  const root = resolve(dest)
  const written: string[] = []
  try {
    const list = entries(fd, statSync(zip).size, zip)
    mkdirSync(root, { recursive: true })
    for (const e of list) {
      const target = resolve(root, e.name)
      if (target !== root && !target.startsWith(root + sep)) throw new ApiError('bad_input', `${zip}: entry "${e.name}" points outside the package; nothing was extracted.`)
      if (e.isDir) {
        mkdirSync(target, { recursive: true })
        continue
      }
      const local = readAt(fd, e.localOffset, 30)
      if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) throw new ApiError('bad_input', `${zip}: entry "${e.name}" has no local header; the zip is damaged.`)
      const start = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
      const raw = readAt(fd, start, e.compressed)
      let data: Buffer
      try {
        data = e.method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) })
      } catch (err) {
        throw new ApiError('bad_input', `${zip}: entry "${e.name}" cannot be inflated (${(err as Error).message}); the zip is damaged or lies about its sizes.`)
      }
      if (data.length !== e.size) throw new ApiError('bad_input', `${zip}: entry "${e.name}" unpacks to ${data.length} bytes, its header says ${e.size}.`)
      mkdirSync(dirname(target), { recursive: true })
      writeFileSync(target, data, { flag: 'wx' })
      written.push(join(root, e.name))
    }
    return written
  } catch (err) {
    rmSync(root, { recursive: true, force: true })
    throw err
  } finally {
    closeSync(fd)
  }
}
