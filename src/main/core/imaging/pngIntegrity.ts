/**
 * PNG container integrity check: signature, chunk boundaries, every chunk's CRC-32, IHDR first,
 * at least one IDAT, IEND present. It decodes nothing (pixels stay sharp's job); it exists
 * because a full decode of every image at import time costs ~4x more than everything else the
 * importer does, while truncation and flipped bytes — the corruptions that happen to files on
 * disk — are exactly what chunk CRCs catch. The only thing it cannot see is a PNG written by a
 * broken encoder with valid CRCs over invalid zlib data; `pixelCheck: 'decode'` covers that.
 */
import { crc32 } from 'node:zlib'

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

export function isPng(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false
  for (let i = 0; i < 8; i++) if (bytes[i] !== SIGNATURE[i]) return false
  return true
}

/** null when the container is intact, else a short reason. */
export function pngIntegrityProblem(bytes: Buffer): string | null {
  if (!isPng(bytes)) return 'not a PNG file (bad signature)'
  let pos = 8
  let first = true
  let sawIdat = false
  while (pos < bytes.length) {
    if (pos + 12 > bytes.length) return `truncated PNG (chunk header at byte ${pos} cut off)`
    const len = bytes.readUInt32BE(pos)
    const type = bytes.toString('latin1', pos + 4, pos + 8)
    const end = pos + 12 + len
    if (len > 0x7fffffff || end > bytes.length) return `truncated PNG (${type} chunk at byte ${pos} needs ${len} bytes, file ends at ${bytes.length})`
    const stored = bytes.readUInt32BE(pos + 8 + len)
    if (crc32(bytes.subarray(pos + 4, pos + 8 + len)) !== stored) return `corrupt PNG (CRC mismatch in ${type} chunk at byte ${pos})`
    if (first && type !== 'IHDR') return 'corrupt PNG (first chunk is not IHDR)'
    first = false
    if (type === 'IDAT') sawIdat = true
    if (type === 'IEND') return sawIdat ? null : 'corrupt PNG (no image data)'
    pos = end
  }
  return 'truncated PNG (no IEND chunk)'
}

export interface PngHeader { width: number; height: number; bitDepth: number; colourType: number; channels: number; palette: boolean }

/**
 * Reads IHDR (bytes 8..33) without decoding: saves a sharp metadata round trip per file.
 * Channels are those of the decoded image (palette → 3, expanded by every decoder).
 */
export function readPngHeader(bytes: Buffer): PngHeader | null {
  if (!isPng(bytes) || bytes.length < 33 || bytes.toString('latin1', 12, 16) !== 'IHDR') return null
  const colourType = bytes[25]
  const channels = ({ 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 } as Record<number, number>)[colourType]
  if (channels === undefined) return null
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), bitDepth: bytes[24], colourType, channels, palette: colourType === 3 }
}
