import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Workstation } from '../core/workstation'
import { createDispatcher, type Dispatcher } from '../core/api/dispatcher'
import { allHandlers } from '../core/api/handlers'
import { handleMedia } from '../core/media/media'
import { errorCodes, type ApiErrorBody } from '@shared/contract/errors'
import { CSP, hostAllowed, newToken, originAllowed, tokenMatches } from './security'

export interface ServerOptions {
  port: number
  /** Folder with the built renderer (index.html + assets). */
  staticDir: string
  token?: string
}

export interface RunningServer {
  url: string
  port: number
  token: string
  server: Server
  close(): Promise<void>
}

const MAX_BODY = 16 * 1024 * 1024
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json'
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  res.writeHead(status, { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', ...headers })
  res.end(body)
}

function sendError(res: ServerResponse, error: ApiErrorBody): void {
  send(res, errorCodes[error.code] ?? 500, { 'content-type': 'application/json' }, JSON.stringify({ error }))
}

/**
 * Reads a request body up to MAX_BODY. Past the limit the rest is drained and discarded before the
 * 413 goes out: answering mid-upload would reset the client's connection instead of telling it why.
 */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  let tooLarge = Number(req.headers['content-length'] ?? 0) > MAX_BODY
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) tooLarge = true
    if (!tooLarge) chunks.push(chunk as Buffer)
  }
  if (tooLarge) throw Object.assign(new Error('too large'), { tooLarge: true })
  return Buffer.concat(chunks)
}

/** Discards an unread request body so an early answer reaches the client instead of a reset. */
async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return
  for await (const _chunk of req) {
    /* discard */
  }
}

/**
 * Answered (503) while the renderer is not built yet, e.g. during the first `npm start`: it says so
 * and reloads itself every 2 s (no script needed), so the app appears once the build is done.
 */
export const BUILDING_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>Twinlight — building the UI</title>
<style>body{background:#16181d;color:#d8dbe2;font:14px system-ui,sans-serif;display:grid;place-items:center;height:100vh;margin:0}p{color:#8a909c}</style></head>
<body><main><h1>The Twinlight UI is being built…</h1><p>This is the first start (or the sources changed). This page reloads itself when the build is done.</p>
<p>If it stays here, look at the terminal that runs <code>npm start</code> for build errors.</p></main></body></html>
`

async function serveStatic(res: ServerResponse, staticDir: string, pathname: string): Promise<void> {
  let rel: string
  try {
    rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '')
  } catch {
    // decodeURIComponent throws URIError on `%`, `%zz` or a broken UTF-8 sequence: the client's fault.
    return sendError(res, { code: 'invalid_argument', message: `The path ${pathname.slice(0, 200)} has a bad percent-encoding.` })
  }
  const file = normalize(join(staticDir, rel))
  if (!file.startsWith(normalize(staticDir) + sep)) return send(res, 403, { 'content-type': 'text/plain' }, 'Forbidden')
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file')
    const body = await readFile(file)
    const headers: Record<string, string> = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }
    if (extname(file) === '.html') headers['content-security-policy'] = CSP
    send(res, 200, headers, body)
  } catch {
    if (rel === 'index.html') return send(res, 503, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP, 'retry-after': '2', 'cache-control': 'no-store' }, BUILDING_PAGE)
    send(res, 404, { 'content-type': 'text/plain' }, 'Not found')
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, ws: Workstation, dispatcher: Dispatcher, opts: Required<ServerOptions>): Promise<void> {
  const early = await route(req, res, ws, dispatcher, opts)
  if (early) {
    await drain(req)
    early()
  }
}

/** Answers a request; refusals that never read the body come back as a thunk, sent after draining it. */
async function route(req: IncomingMessage, res: ServerResponse, ws: Workstation, dispatcher: Dispatcher, opts: Required<ServerOptions>): Promise<(() => void) | void> {
  if (!hostAllowed(req, opts.port)) return () => send(res, 421, { 'content-type': 'text/plain' }, 'Misdirected request: unexpected Host header.')
  if (!originAllowed(req, opts.port)) return () => sendError(res, { code: 'forbidden', message: 'Cross-origin requests are refused.' })
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${opts.port}`)
  const { pathname } = url
  if (pathname.startsWith('/api/')) {
    if (!tokenMatches(opts.token, req.headers['x-twinlight-token'] as string | undefined)) return () => sendError(res, { code: 'unauthorized', message: 'Missing or wrong token.' })
    if (req.method !== 'POST') return () => send(res, 405, { allow: 'POST', 'content-type': 'text/plain' }, 'Use POST.')
    let args: unknown = {}
    try {
      const body = await readBody(req)
      if (body.length) args = JSON.parse(body.toString('utf8'))
    } catch (e) {
      if ((e as { tooLarge?: boolean }).tooLarge) return send(res, 413, { 'content-type': 'application/json' }, JSON.stringify({ error: { code: 'invalid_argument', message: `Request body over ${MAX_BODY} bytes.` } }))
      return sendError(res, { code: 'invalid_argument', message: 'Request body is not valid JSON.' })
    }
    const out = await dispatcher.call(pathname.slice(5), args)
    if (out.ok) return send(res, 200, { 'content-type': 'application/json' }, JSON.stringify(out.result))
    return sendError(res, out.error)
  }
  if (pathname.startsWith('/media/')) {
    if (!tokenMatches(opts.token, url.searchParams.get('t'))) return () => sendError(res, { code: 'unauthorized', message: 'Missing or wrong token.' })
    const m = await handleMedia(ws, pathname, url.searchParams)
    return send(res, m.status, m.headers, m.body)
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return () => send(res, 405, { 'content-type': 'text/plain' }, 'Method not allowed')
  return serveStatic(res, opts.staticDir, pathname)
}

/**
 * Browser mode: the same contract over HTTP (calls) and WebSocket (events), bound to loopback only,
 * every call and event stream gated by a random token.
 */
export async function startServer(ws: Workstation, options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? newToken()
  const dispatcher = createDispatcher(allHandlers(ws))
  const opts = { ...options, token }
  const server = createServer((req, res) => {
    handle(req, res, ws, dispatcher, opts).catch((e) => {
      console.error('twinlight: request failed', e)
      if (!res.headersSent) sendError(res, { code: 'internal', message: 'Internal error.' })
      else res.end()
    })
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  const sockets = new Set<WebSocket>()
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname !== '/events' || !hostAllowed(req, opts.port) || !originAllowed(req, opts.port) || !tokenMatches(token, url.searchParams.get('token'))) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (sock) => {
      sockets.add(sock)
      sock.on('close', () => sockets.delete(sock))
      sock.on('error', () => sockets.delete(sock))
    })
  })
  const unsubscribe = ws.hub.subscribe((event, payload) => {
    const msg = JSON.stringify({ event, payload })
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(msg)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as { port: number }).port
  opts.port = port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    server,
    close: async () => {
      unsubscribe()
      for (const s of sockets) s.terminate()
      await new Promise<void>((r) => server.close(() => r()))
    }
  }
}
