import { inflateSync } from 'node:zlib'
import type { ServeHandle } from './server'

/** Calls the browser-mode HTTP API from the test process (what the page does, minus the page). */
export async function call<T = unknown>(srv: ServeHandle, method: string, args: unknown = {}, token: string | null = srv.token): Promise<{ status: number; body: T }> {
  const res = await fetch(`${srv.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== null ? { 'x-twinlight-token': token } : {}) },
    body: typeof args === 'string' ? args : JSON.stringify(args)
  })
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    /* keep text */
  }
  return { status: res.status, body: body as T }
}

/** Calls and insists on 2xx. */
export async function ok<T = unknown>(srv: ServeHandle, method: string, args: unknown = {}): Promise<T> {
  const r = await call<T>(srv, method, args)
  if (r.status < 200 || r.status > 299) throw new Error(`${method} → ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

export interface LabelMap {
  width: number
  height: number
  data: Uint8Array
}

export async function labelMap(srv: ServeHandle, imageId: number, which: 'current' | 'proposal' | 'confidence' = 'current'): Promise<LabelMap | null> {
  const m = await ok<{ width: number; height: number; data: string } | null>(srv, 'getLabelMap', { imageId, which })
  return m ? { width: m.width, height: m.height, data: new Uint8Array(inflateSync(Buffer.from(m.data, 'base64'))) } : null
}
