/**
 * The few native services the page may ask for beyond the contract: a folder picker for the
 * export target and "show in folder" for its result. Each is one named IPC channel, accepted only
 * from the app's own page, with its argument checked; nothing else of Electron reaches the page.
 */
import { dialog, ipcMain, shell, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { existsSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { isAppUrl } from './windowOptions'

export const NATIVE_PREFIX = 'twinlight-native:'
export const NATIVE_CHANNELS = ['pickExportFolder', 'showInFolder'] as const

/** A path the page may ask to reveal: an absolute path (≤ 4096 chars) that exists; otherwise null. */
export function revealablePath(p: unknown): string | null {
  if (typeof p !== 'string' || p.length === 0 || p.length > 4096 || p.includes('\0') || !isAbsolute(p)) return null
  return existsSync(p) ? p : null
}

export function registerNativeBridge(win: () => BrowserWindow | null, devUrl: string | undefined): void {
  const fromApp = (e: IpcMainInvokeEvent) => isAppUrl(e.senderFrame?.url ?? '', devUrl)
  ipcMain.handle(NATIVE_PREFIX + 'pickExportFolder', async (e) => {
    const w = win()
    if (!fromApp(e) || !w) return null
    const r = await dialog.showOpenDialog(w, { title: 'Export into folder', buttonLabel: 'Export here', properties: ['openDirectory', 'createDirectory', 'promptToCreate'] })
    return r.canceled ? null : (r.filePaths[0] ?? null)
  })
  ipcMain.handle(NATIVE_PREFIX + 'showInFolder', (e, p: unknown) => {
    const path = revealablePath(p)
    if (!fromApp(e) || !path) return false
    shell.showItemInFolder(path)
    return true
  })
}
