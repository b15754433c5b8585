// Undo across clients: undo is per image (one shared history), so an undo or redo by one window
// must reach every other window as `annotation.changed` over the event socket, naming who did it.
import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import WebSocket from 'ws'
import { testWorkstation } from '../helpers/workstation'
import { startServer, type RunningServer } from '../../src/main/server/server'
import { deflateLabels } from '../../src/main/core/store/labelCodec'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()
let srv: RunningServer | null = null
afterEach(async () => {
  await srv?.close()
  srv = null
})

type Changed = { imageId: number; headSeq: number; by: string | null; action: string }

async function boot() {
  const dir = tmp()
  const ws = testWorkstation(join(dir, 'data'))
  srv = await startServer(ws, { port: 0, staticDir: join(dir, 'no-renderer') })
  const call = async (method: string, body: unknown) => {
    const r = await fetch(`http://127.0.0.1:${srv!.port}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twinlight-token': srv!.token }, body: JSON.stringify(body) })
    return { status: r.status, body: (await r.json()) as Record<string, unknown> }
  }
  await call('createProject', { path: join(dir, 'p') })
  const imageId = ws.project.images.insert({ name: 'a', split: 'train', rgbPath: 'a.png', thermalPath: 'a.png', width: 8, height: 6, thermalBits: 8 })
  return { call, imageId }
}

/** A second window's event socket, collecting `annotation.changed`. */
async function listen(): Promise<{ got: Changed[]; next: () => Promise<Changed>; close: () => void }> {
  const sock = new WebSocket(`ws://127.0.0.1:${srv!.port}/events?token=${srv!.token}`)
  await new Promise((r) => sock.on('open', r))
  const got: Changed[] = []
  let wake: (() => void) | null = null
  sock.on('message', (m) => {
    const { event, payload } = JSON.parse(String(m)) as { event: string; payload: Changed }
    if (event !== 'annotation.changed') return
    got.push(payload)
    wake?.()
  })
  let read = 0
  const next = async () => {
    while (got.length <= read) await new Promise<void>((r) => (wake = r))
    return got[read++]!
  }
  return { got, next, close: () => sock.close() }
}

const edit = (v: number) => ({ label: `Brush ${v}`, rect: { x: 0, y: 0, w: 2, h: 2 }, data: deflateLabels(new Uint8Array(4).fill(v)).toString('base64') })

describe('undo across clients', () => {
  it('pushes annotation.changed to the other window on edit, undo and redo, naming the client', async () => {
    const { call, imageId } = await boot()
    const b = await listen()
    expect((await call('applyEdit', { imageId, baseSeq: 0, clientId: 'win-A', ...edit(1) })).status).toBe(200)
    expect(await b.next()).toEqual({ imageId, headSeq: 1, by: 'win-A', action: 'edit' })
    expect((await call('applyEdit', { imageId, baseSeq: 1, clientId: 'win-B', ...edit(2) })).status).toBe(200)
    expect(await b.next()).toEqual({ imageId, headSeq: 2, by: 'win-B', action: 'edit' })

    // A's undo removes B's newer edit (shared history); B hears of it at once, not from a 409 later.
    const u = await call('undo', { imageId, clientId: 'win-A' })
    expect(u.status).toBe(200)
    expect(await b.next()).toEqual({ imageId, headSeq: 1, by: 'win-A', action: 'undo' })
    expect((await call('redo', { imageId, clientId: 'win-A' })).status).toBe(200)
    expect(await b.next()).toEqual({ imageId, headSeq: 2, by: 'win-A', action: 'redo' })

    // Nothing left to redo: no change, no event. A client without an id is reported as null.
    await call('redo', { imageId, clientId: 'win-A' })
    await call('undo', { imageId })
    expect(await b.next()).toEqual({ imageId, headSeq: 1, by: null, action: 'undo' })
    expect(b.got).toHaveLength(5)
    b.close()
  })
})
