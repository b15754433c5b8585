import { contextBridge, ipcRenderer } from 'electron'
import { methodNames } from '@shared/contract/methods'

const IPC_PREFIX = 'twinlight:'
const EVENT_CHANNEL = 'twinlight:event'

/**
 * The only thing the page gets from Electron: a `call` limited to the contract's method names,
 * an event subscription and the media scheme. No ipcRenderer, no Node.
 */
const allowed = new Set<string>(methodNames)

contextBridge.exposeInMainWorld('twinlight', {
  call(method: string, args: unknown): Promise<unknown> {
    if (typeof method !== 'string' || !allowed.has(method)) return Promise.resolve({ ok: false, error: { code: 'not_found', message: `Unknown method: ${String(method)}` } })
    return ipcRenderer.invoke(IPC_PREFIX + method, args)
  },
  onEvent(listener: (event: string, payload: unknown) => void): () => void {
    const wrapped = (_e: unknown, event: string, payload: unknown) => listener(event, payload)
    ipcRenderer.on(EVENT_CHANNEL, wrapped)
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, wrapped)
    }
  },
  mediaScheme: 'twinlight-media'
})
