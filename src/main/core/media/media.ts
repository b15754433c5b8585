import sharp, { type OutputInfo, type Sharp } from 'sharp'
import { readFile } from 'node:fs/promises'
import { ApiError, errorCodes } from '@shared/contract/errors'
import type { Workstation } from '../workstation'

export interface MediaResponse {
  status: number
  headers: Record<string, string>
  body: Buffer
}

const THUMB = 160
const thumbCache = new Map<string, Buffer>()
const THUMB_CACHE_MAX = 2000

/** Reads one file of an image record, naming the file when it is missing or unreadable. */
async function readImageFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (e) {
    throw new ApiError('not_found', `${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`)
  }
}

/**
 * Runs the decode of one file: a file sharp cannot decode (truncated, not an image, a link to a
 * text file) becomes bad_input naming it, not a 500.
 */
async function decoding<T>(path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (e) {
    if (e instanceof ApiError) throw e
    throw new ApiError('bad_input', `${path} cannot be decoded as an image (${(e as Error).message.split('\n')[0]}).`)
  }
}

/** RGB decoded here, so a broken file fails inside `decoding` (MFNet 4-channel files are split here). */
async function rgbPipeline(ws: Workstation, id: number): Promise<Sharp> {
  const img = ws.project.images.get(id)
  const path = ws.project.resolvePath(img.rgbPath)
  const buf = await readImageFile(path)
  const out: { data: Buffer; info: OutputInfo } = await decoding(path, async () => {
    const s = sharp(buf, { failOn: 'warning' })
    const meta = await s.metadata()
    const p = (meta.channels ?? 3) >= 3 ? s.removeAlpha().toColourspace('srgb') : s.toColourspace('srgb')
    return p.raw().toBuffer({ resolveWithObject: true })
  })
  return sharp(out.data, { raw: { width: out.info.width, height: out.info.height, channels: out.info.channels } })
}

/** Thermal as raw single-channel pixels, 8 or 16 bit, as stored. */
export async function thermalRaw(ws: Workstation, id: number): Promise<{ data: Buffer; width: number; height: number; bits: 8 | 16 }> {
  const img = ws.project.images.get(id)
  const path = ws.project.resolvePath(img.thermalPath)
  const buf = await readImageFile(path)
  return decoding(path, async () => {
    const s = sharp(buf, { failOn: 'warning' })
    const meta = await s.metadata()
    const sixteen = meta.depth === 'ushort'
    const channel = img.thermalChannel ?? 0
    // Without grey16, sharp reduces a 16-bit grey image to 8 bits before extracting the channel.
    const out = await (sixteen ? s.toColourspace('grey16') : s)
      .extractChannel(Math.min(channel, (meta.channels ?? 1) - 1) as 0 | 1 | 2 | 3)
      .raw({ depth: sixteen ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true })
    return { data: out.data, width: out.info.width, height: out.info.height, bits: sixteen ? 16 : 8 as 8 | 16 }
  })
}

async function thermalPng(ws: Workstation, id: number): Promise<Buffer> {
  const t = await thermalRaw(ws, id)
  if (t.bits === 8) return sharp(t.data, { raw: { width: t.width, height: t.height, channels: 1 } }).png({ compressionLevel: 1 }).toBuffer()
  // 16-bit: stretch min..max to 8 bits for display; the renderer windows the raw route itself.
  const src = new Uint16Array(t.data.buffer, t.data.byteOffset, t.data.length / 2)
  let lo = 65535
  let hi = 0
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!
    if (v === 0) continue // reprojection holes stay holes
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  const scale = hi > lo ? 255 / (hi - lo) : 0
  const out = new Uint8Array(src.length)
  for (let i = 0; i < src.length; i++) out[i] = src[i] === 0 ? 0 : Math.round((src[i]! - lo) * scale)
  return sharp(out, { raw: { width: t.width, height: t.height, channels: 1 } }).png({ compressionLevel: 1 }).toBuffer()
}

async function thumb(ws: Workstation, id: number, mode: string): Promise<Buffer> {
  const key = `${ws.project.path}|${id}|${mode}`
  const hit = thumbCache.get(key)
  if (hit) return hit
  let out: Buffer
  if (mode === 'thermal') {
    out = await sharp(await thermalPng(ws, id)).resize(THUMB, THUMB, { fit: 'inside' }).jpeg({ quality: 70 }).toBuffer()
  } else if (mode === 'blend') {
    const rgb = await (await rgbPipeline(ws, id)).resize(THUMB, THUMB, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true })
    const th = await sharp(await thermalPng(ws, id)).resize(rgb.info.width, rgb.info.height, { fit: 'fill' }).raw().toBuffer()
    const px = new Uint8Array(rgb.data.length)
    for (let i = 0, j = 0; i < px.length; i += 3, j++) for (let c = 0; c < 3; c++) px[i + c] = (rgb.data[i + c]! + th[j]!) >> 1
    out = await sharp(px, { raw: { width: rgb.info.width, height: rgb.info.height, channels: 3 } }).jpeg({ quality: 70 }).toBuffer()
  } else {
    out = await (await rgbPipeline(ws, id)).resize(THUMB, THUMB, { fit: 'inside' }).jpeg({ quality: 70 }).toBuffer()
  }
  if (thumbCache.size >= THUMB_CACHE_MAX) thumbCache.delete(thumbCache.keys().next().value!)
  thumbCache.set(key, out)
  return out
}

/**
 * Serves `/media/<kind>/<imageId>` for both transports (HTTP in browser mode, the custom protocol
 * in Electron). Errors come back as JSON with the same shape as API errors.
 */
export async function handleMedia(ws: Workstation, pathname: string, query: URLSearchParams): Promise<MediaResponse> {
  const m = /^\/media\/(rgb|thermal|thermal-raw|thumb)\/(\d{1,12})$/.exec(pathname)
  try {
    if (!m) throw new ApiError('not_found', `No media at ${pathname.slice(0, 200)}`)
    const id = Number(m[2])
    const cache = { 'cache-control': 'private, max-age=60' }
    switch (m[1]) {
      case 'rgb':
        return { status: 200, headers: { 'content-type': 'image/png', ...cache }, body: await (await rgbPipeline(ws, id)).png({ compressionLevel: 1 }).toBuffer() }
      case 'thermal':
        return { status: 200, headers: { 'content-type': 'image/png', ...cache }, body: await thermalPng(ws, id) }
      case 'thermal-raw': {
        const t = await thermalRaw(ws, id)
        return { status: 200, headers: { 'content-type': 'application/octet-stream', 'x-width': String(t.width), 'x-height': String(t.height), 'x-bits': String(t.bits), ...cache }, body: t.data }
      }
      default:
        return { status: 200, headers: { 'content-type': 'image/jpeg', ...cache }, body: await thumb(ws, id, query.get('mode') ?? 'rgb') }
    }
  } catch (e) {
    const err = e instanceof ApiError ? e : new ApiError('internal', (e as Error).message)
    const status = errorCodes[err.code] ?? 500
    return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ error: err.toBody() })) }
  }
}
