import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import WebSocket from 'ws'
import { testWorkstation } from '../helpers/workstation'
import { startServer, type RunningServer } from '../../src/main/server/server'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()
let srv: RunningServer | null = null
afterEach(async () => {
  await srv?.close()
  srv = null
})

async function boot() {
  const dir = tmp()
  const ws = testWorkstation(join(dir, 'data'))
  srv = await startServer(ws, { port: 0, staticDir: join(dir, 'no-renderer') })
  const base = `http://127.0.0.1:${srv.port}`
  const call = (method: string, body: unknown, headers: Record<string, string> = { 'x-twinlight-token': srv!.token }) =>
    fetch(`${base}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  return { dir, ws, base, call }
}

describe('browser-mode server', () => {
  it('binds to loopback and prints a URL carrying the token', async () => {
    const { base } = await boot()
    expect(srv!.url).toBe(`${base}/?token=${srv!.token}`)
    expect(srv!.token.length).toBeGreaterThanOrEqual(32)
    expect((srv!.server.address() as { address: string }).address).toBe('127.0.0.1')
  })

  it('answers 401 without the token or with a wrong one', async () => {
    const { call } = await boot()
    expect((await call('getAppInfo', {}, {})).status).toBe(401)
    const wrong = await call('getAppInfo', {}, { 'x-twinlight-token': 'nope' })
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toEqual({ error: { code: 'unauthorized', message: 'Missing or wrong token.' } })
  })

  it('answers a malformed argument with a typed 400 and keeps serving', async () => {
    const { call, dir } = await boot()
    const bad = await call('createProject', { path: 42 })
    expect(bad.status).toBe(400)
    const body = (await bad.json()) as { error: { code: string; issues: { path: string }[] } }
    expect(body.error.code).toBe('invalid_argument')
    expect(body.error.issues[0]!.path).toBe('path')
    const extra = await call('createProject', { path: join(dir, 'x'), evil: true })
    expect(extra.status).toBe(400)
    const notJson = await fetch(`http://127.0.0.1:${srv!.port}/api/getAppInfo`, { method: 'POST', headers: { 'x-twinlight-token': srv!.token }, body: '{oops' })
    expect(notJson.status).toBe(400)
    const ok = await call('createProject', { path: join(dir, 'p') })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { path: string }).path).toBe(join(dir, 'p.twinlight'))
  })

  it('maps domain errors to their status: unknown method 404, no project 409', async () => {
    const { call } = await boot()
    expect((await call('dropAllTables', {})).status).toBe(404)
    const r = await call('listImages', {})
    expect(r.status).toBe(409)
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/No project is open/)
  })

  it('refuses cross-origin requests and foreign Host headers', async () => {
    const { call } = await boot()
    const r = await call('getAppInfo', {}, { 'x-twinlight-token': srv!.token, origin: 'http://evil.example' })
    expect(r.status).toBe(403)
    const same = await call('getAppInfo', {}, { 'x-twinlight-token': srv!.token, origin: `http://127.0.0.1:${srv!.port}` })
    expect(same.status).toBe(200)
  })

  it('needs the token on the event stream and pushes events to authorised sockets', async () => {
    const { ws, call, dir } = await boot()
    const denied = await new Promise<string>((resolve) => {
      const s = new WebSocket(`ws://127.0.0.1:${srv!.port}/events?token=wrong`)
      s.on('error', (e) => resolve(String(e.message)))
      s.on('open', () => resolve('opened'))
    })
    expect(denied).toMatch(/401/)
    const sock = new WebSocket(`ws://127.0.0.1:${srv!.port}/events?token=${srv!.token}`)
    await new Promise((r) => sock.on('open', r))
    const got = new Promise<{ event: string; payload: { path: string } }>((r) => sock.on('message', (m) => r(JSON.parse(String(m)))))
    await call('createProject', { path: join(dir, 'ev') })
    expect(await got).toEqual({ event: 'project.changed', payload: { path: join(dir, 'ev.twinlight') } })
    sock.close()
    expect(ws.hasProject).toBe(true)
  })

  it('guards media with the token and never serves files outside the renderer folder', async () => {
    const { base } = await boot()
    expect((await fetch(`${base}/media/rgb/1`)).status).toBe(401)
    expect((await fetch(`${base}/..%2f..%2fetc/passwd`)).status).toBeGreaterThanOrEqual(400)
    expect((await fetch(`${base}/`)).status).toBe(503)
  })
})
