import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { methodNames } from '@shared/contract/methods'

const IPC_PREFIX = 'twinlight:'
const EVENT_CHANNEL = 'twinlight:event'
/** Named native services (main/electron/nativeBridge.ts); each validated on the main side. */
const NATIVE_PREFIX = 'twinlight-native:'
/** Same string as PICK_FOLDER_CHANNEL in src/main/electron/pickFolder.ts (the preload may not import main). */
const PICK_FOLDER_CHANNEL = 'twinlight-dialog:pickFolder'

/**
 * The only thing the page gets from Electron: a `call` limited to the contract's method names,
 * an event subscription, the media scheme and named native helpers (folder dialogs for import and
 * export, show in folder, the path of a dropped file). No ipcRenderer, no Node.
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
  mediaScheme: 'twinlight-media',
  /** The native folder dialog for an export target; null when cancelled. */
  pickExportFolder(): Promise<string | null> {
    return ipcRenderer.invoke(NATIVE_PREFIX + 'pickExportFolder')
  },
  /** Reveals a file or folder in the OS file manager; false when main refused the path. */
  showInFolder(path: string): Promise<boolean> {
    return ipcRenderer.invoke(NATIVE_PREFIX + 'showInFolder', String(path))
  },
  /** The filesystem path of a dropped File (a folder dropped onto the window); '' for anything else. */
  pathForFile(file: File): string {
    if (typeof File === 'undefined' || !(file instanceof File)) return ''
    try {
      const path = webUtils.getPathForFile(file)
      return typeof path === 'string' ? path : ''
    } catch {
      return ''
    }
  },
  /** The native folder dialog; resolves to the chosen folder, or null when cancelled. */
  pickFolder(title?: string): Promise<string | null> {
    return ipcRenderer.invoke(PICK_FOLDER_CHANNEL, typeof title === 'string' ? title : undefined) as Promise<string | null>
  }
})
