import { deflateSync, inflateSync, constants } from 'node:zlib'
import type { LabelMapPayload } from '@shared/contract/types'
import { ApiError } from '@shared/contract/errors'

/** Label maps compress ~50-200x; level 1 keeps a 1280x720 save well under a millisecond. */
export function deflateLabels(data: Uint8Array): Buffer {
  return deflateSync(data, { level: 1, strategy: constants.Z_RLE })
}

/**
 * Inflates at most `expectedLength` bytes: a small body that would inflate to gigabytes (a
 * deflate bomb) is refused as soon as it passes the size its rect or map allows.
 */
export function inflateLabels(blob: Uint8Array, expectedLength: number, what: string): Uint8Array {
  let out: Buffer
  try {
    out = inflateSync(blob, { maxOutputLength: Math.max(1, expectedLength) })
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ApiError('bad_input', `${what}: compressed data inflates to more than the ${expectedLength} bytes expected.`)
    }
    throw new ApiError('bad_input', `${what}: compressed data is corrupt (${(e as Error).message}).`)
  }
  if (out.length !== expectedLength) {
    throw new ApiError('bad_input', `${what}: expected ${expectedLength} bytes after decompression, got ${out.length}.`)
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length)
}

export function toPayload(width: number, height: number, deflated: Uint8Array): LabelMapPayload {
  return { width, height, encoding: 'deflate-base64', data: Buffer.from(deflated).toString('base64') }
}

export function fromBase64Deflated(data: string, expectedLength: number, what: string): Uint8Array {
  return inflateLabels(Buffer.from(data, 'base64'), expectedLength, what)
}

/** Copies rect out of a row-major map. */
export function readRect(map: Uint8Array, width: number, r: { x: number; y: number; w: number; h: number }): Uint8Array {
  const out = new Uint8Array(r.w * r.h)
  for (let j = 0; j < r.h; j++) {
    const src = (r.y + j) * width + r.x
    out.set(map.subarray(src, src + r.w), j * r.w)
  }
  return out
}

/** Writes values into rect of a row-major map; returns how many pixels changed. */
export function writeRect(map: Uint8Array, width: number, r: { x: number; y: number; w: number; h: number }, values: Uint8Array): number {
  let changed = 0
  for (let j = 0; j < r.h; j++) {
    const dst = (r.y + j) * width + r.x
    for (let i = 0; i < r.w; i++) {
      const v = values[j * r.w + i]!
      if (map[dst + i] !== v) {
        map[dst + i] = v
        changed++
      }
    }
  }
  return changed
}
