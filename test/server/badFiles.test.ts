/**
 * Bad input over HTTP answers 4xx with a sentence, never 500 (issue #17 item 4): a path with a
 * broken percent-encoding, and media and wandSelect on a truncated PNG, JPEG bytes named .png and
 * a symlink to a system file; promptSegment on them too.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { testWorkstation } from '../helpers/workstation'
import type { Workstation } from '../../src/main/core/workstation'
import { classPreset } from '../../src/main/core/classPresets'
import { encodeMfnet4Png } from '../../src/main/core/imaging/png'
import { startServer, type RunningServer } from '../../src/main/server/server'
import { writePromptConfig } from '../../src/main/core/click/config'
import { releasePrompt } from '../../src/main/core/click/service'
import { useTmp } from '../helpers/tmp'
import { makeSamGraphs } from '../click/helpers'

const tmp = useTmp()
let srv: RunningServer | null = null
let ws: Workstation | null = null
afterEach(async () => {
  if (ws) await releasePrompt(ws)
  await srv?.close()
  await ws?.closeProject()
  srv = null
  ws = null
})

const W = 32
const H = 24

async function boot() {
  const dir = tmp()
  ws = testWorkstation(join(dir, 'data'))
  srv = await startServer(ws, { port: 0, staticDir: join(dir, 'no-renderer') })
  await ws.createProject(join(dir, 'p.twinlight'), 'p', classPreset('mfnet'))
  const png = await encodeMfnet4Png(new Uint8Array(W * H * 3).fill(90), new Uint8Array(W * H).fill(40), W, H)
  const files = {
    truncated: join(dir, 'truncated.png'),
    jpeg: join(dir, 'jpeg.png'),
    passwd: join(dir, 'passwd.png')
  }
  writeFileSync(files.truncated, png.subarray(0, Math.floor(png.length / 2)))
  writeFileSync(files.jpeg, await sharp(Buffer.alloc(W * H * 3, 90), { raw: { width: W, height: H, channels: 3 } }).jpeg().toBuffer())
  symlinkSync('/etc/passwd', files.passwd)
  const store = ws.project
  const ids = Object.fromEntries(Object.entries(files).map(([name, file]) => [name, store.images.insert({ name, split: 'train', rgbPath: store.toStoredPath(file), thermalPath: store.toStoredPath(file), thermalChannel: 3, width: W, height: H, thermalBits: 8 })]))
  const base = `http://127.0.0.1:${srv.port}`
  const call = (method: string, body: unknown) =>
    fetch(`${base}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twinlight-token': srv!.token }, body: JSON.stringify(body) })
  const media = (kind: string, id: number) => fetch(`${base}/media/${kind}/${id}?t=${srv!.token}`)
  return { base, files, ids: ids as Record<keyof typeof files, number>, call, media }
}

const errorOf = async (r: Response) => ((await r.json()) as { error: { code: string; message: string } }).error

describe('bad input over HTTP', () => {
  it('answers a broken percent-encoding with 400 and a sentence', async () => {
    const { base } = await boot()
    for (const path of ['/%', '/%zz', '/a%E0%A4%A']) {
      const r = await fetch(`${base}${path}`)
      expect(r.status, path).toBe(400)
      expect(await errorOf(r)).toEqual({ code: 'invalid_argument', message: `The path ${path} has a bad percent-encoding.` })
    }
  })

  it('serves media of a truncated PNG or a symlink to /etc/passwd as 422 naming the file', async () => {
    const { files, ids, media } = await boot()
    for (const name of ['truncated', 'passwd'] as const) {
      for (const kind of ['rgb', 'thermal', 'thermal-raw', 'thumb']) {
        const r = await media(kind, ids[name])
        expect(r.status, `${kind} ${name}`).toBe(422)
        const e = await errorOf(r)
        expect(e.code).toBe('bad_input')
        expect(e.message).toContain(`${files[name]} cannot be decoded as an image (`)
      }
    }
  })

  it('answers wandSelect on a truncated PNG, JPEG bytes named .png or a symlink to /etc/passwd with 422 naming the file', async () => {
    const { files, ids, call } = await boot()
    const expected = {
      truncated: /truncated\.png: corrupt or truncated image/,
      jpeg: /jpeg\.png: thermal channel 3 requested but the image has 3 channel\(s\)/,
      passwd: /passwd\.png: (corrupt or truncated image|cannot read image header)/
    }
    for (const name of ['truncated', 'jpeg', 'passwd'] as const) {
      const r = await call('wandSelect', { imageId: ids[name], x: 1, y: 1 })
      expect(r.status, name).toBe(422)
      const e = await errorOf(r)
      expect(e.code).toBe('bad_input')
      expect(e.message).toMatch(expected[name])
      expect(e.message).toContain(files[name])
    }
  })

  it('answers promptSegment on a truncated PNG or a symlink to /etc/passwd with 422 naming the file', async () => {
    const { files, ids, call } = await boot()
    const g = makeSamGraphs(join(tmp(), 'graphs'))
    writePromptConfig(ws!.project, { name: 'test SAM', kind: 'onnx-pair', format: 'sam', id: 'test-sam-bad', encoder: g.samEncoder, decoder: g.samDecoder, source: 'rgb', addedAt: new Date().toISOString() })
    for (const name of ['truncated', 'passwd'] as const) {
      const r = await call('promptSegment', { imageId: ids[name], points: [{ x: 1, y: 1, label: 1 }] })
      expect(r.status, name).toBe(422)
      const e = await errorOf(r)
      expect(e.code).toBe('bad_input')
      expect(e.message).toContain(files[name])
    }
  })
})
