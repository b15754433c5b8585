import { contextBridge, ipcRenderer } from 'electron'
import { methodNames } from '@shared/contract/methods'

const IPC_PREFIX = 'twinlight:'
const EVENT_CHANNEL = 'twinlight:event'
/** Same string as PICK_FOLDER_CHANNEL in src/main/electron/pickFolder.ts (the preload may not import main). */
const PICK_FOLDER_CHANNEL = 'twinlight-dialog:pickFolder'

/**
 * The only thing the page gets from Electron: a `call` limited to the contract's method names,
 * an event subscription, the native folder dialog and the media scheme. No ipcRenderer, no Node.
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
  /** The native folder dialog; resolves to the chosen folder, or null when cancelled. */
  pickFolder(title?: string): Promise<string | null> {
    return ipcRenderer.invoke(PICK_FOLDER_CHANNEL, typeof title === 'string' ? title : undefined) as Promise<string | null>
  },
  mediaScheme: 'twinlight-media'
})
