import type { ArgsOf, ResultOf } from './define'
import type { EventName, EventPayload } from './events'
import { methodNames, type Methods } from './methods'

/** What a transport must provide: a call, an event subscription and a way to address media. */
export interface Transport {
  readonly kind: 'ipc' | 'http'
  call(method: string, args: unknown): Promise<unknown>
  subscribe(listener: (event: string, payload: unknown) => void): () => void
  /** Turns a media path (`/media/...`) into a URL the page may load (token or custom scheme added). */
  mediaUrl(path: string): string
}

export type ApiMethods = {
  [K in keyof Methods]: {} extends ArgsOf<Methods[K]>
    ? (args?: ArgsOf<Methods[K]>) => Promise<ResultOf<Methods[K]>>
    : (args: ArgsOf<Methods[K]>) => Promise<ResultOf<Methods[K]>>
}

export interface Api extends ApiMethods {
  /** Listen to one pushed event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
  mediaUrl(path: string): string
  readonly transport: 'ipc' | 'http'
}

/** Builds the renderer's single `api` object over any transport; the renderer never sees which. */
export function createApi(transport: Transport): Api {
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  let unsubscribe: (() => void) | null = null
  const api: Record<string, unknown> = {
    transport: transport.kind,
    mediaUrl: (path: string) => transport.mediaUrl(path),
    on(event: string, listener: (p: unknown) => void) {
      if (!unsubscribe) {
        unsubscribe = transport.subscribe((name, payload) => listeners.get(name)?.forEach((l) => l(payload)))
      }
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      return () => set!.delete(listener)
    }
  }
  for (const name of methodNames) api[name] = (args?: unknown) => transport.call(name, args ?? {})
  return api as unknown as Api
}
