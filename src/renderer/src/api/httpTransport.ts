import { ApiError, isApiErrorBody, type Transport } from '@shared/contract'

const TOKEN_KEY = 'twinlight.token'

/**
 * Reads the access token once from `?token=` (the URL `twinlight serve` prints), keeps it in
 * sessionStorage so a reload still works, and removes it from the address bar so it is not left
 * in history or screenshots.
 */
export function takeToken(): string | null {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return sessionStorage.getItem(TOKEN_KEY)
}

/** Turns a non-2xx response into the typed error the server sent (or a generic one). */
async function errorFrom(res: Response, method: string): Promise<ApiError> {
  let body: unknown = null
  try {
    body = await res.json()
  } catch {
    /* not JSON: fall through to a generic message */
  }
  const err = (body as { error?: unknown } | null)?.error
  if (isApiErrorBody(err)) return ApiError.fromBody(err)
  if (res.status === 401) return new ApiError('unauthorized', 'The access token was refused: open the full address printed in the terminal where Twinlight was started.')
  return new ApiError('internal', `${method} failed with HTTP ${res.status}`)
}

type Listener = (event: string, payload: unknown) => void

/** Browser mode: calls are `POST /api/<method>`, events come over one WebSocket that reconnects. */
export function createHttpTransport(token: string): Transport {
  const listeners = new Set<Listener>()
  let socket: WebSocket | null = null
  let retryMs = 250
  let retryTimer: ReturnType<typeof setTimeout> | null = null

  function connect(): void {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws'
    const ws = new WebSocket(`${proto}://${location.host}/events?token=${encodeURIComponent(token)}`)
    socket = ws
    ws.onopen = () => (retryMs = 250)
    ws.onmessage = (m) => {
      let msg: { event?: unknown; payload?: unknown }
      try {
        msg = JSON.parse(String(m.data))
      } catch {
        return
      }
      if (typeof msg.event === 'string') listeners.forEach((l) => l(msg.event as string, msg.payload))
    }
    ws.onclose = () => {
      socket = null
      if (listeners.size === 0 || retryTimer) return
      // Exponential backoff up to 10 s: a restarted server is picked up without a page reload.
      retryTimer = setTimeout(() => {
        retryTimer = null
        if (listeners.size > 0) connect()
      }, retryMs)
      retryMs = Math.min(retryMs * 2, 10_000)
    }
  }

  return {
    kind: 'http',
    async call(method, args) {
      let res: Response
      try {
        res = await fetch(`/api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-twinlight-token': token },
          body: JSON.stringify(args ?? {})
        })
      } catch (e) {
        throw new ApiError('internal', `Cannot reach the Twinlight server (${(e as Error).message}). Is the terminal that started Twinlight still running it?`)
      }
      if (!res.ok) throw await errorFrom(res, method)
      return res.json()
    },
    subscribe(listener) {
      listeners.add(listener)
      if (!socket) connect()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && socket) socket.close()
      }
    },
    mediaUrl(path) {
      return `${path}${path.includes('?') ? '&' : '?'}t=${encodeURIComponent(token)}`
    }
  }
}
