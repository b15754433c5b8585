/**
 * The native folder dialog for the import dialog: one named IPC channel behind the preload's
 * `pickFolder()`. Only the app page may ask; the answer is a folder path or null (cancelled).
 */
import { dialog, ipcMain, type BrowserWindow } from 'electron'
import { isAppUrl } from './windowOptions'

/** Not a contract method: the preload's `call` never reaches it, only `pickFolder()` does. */
export const PICK_FOLDER_CHANNEL = 'twinlight-dialog:pickFolder'

export function registerPickFolder(getWindow: () => BrowserWindow | null, devUrl: string | undefined): void {
  ipcMain.handle(PICK_FOLDER_CHANNEL, async (event, title: unknown) => {
    if (!isAppUrl(event.senderFrame?.url ?? '', devUrl)) return null
    const win = getWindow()
    const options = {
      title: typeof title === 'string' && title.length <= 200 ? title : 'Choose a folder',
      properties: ['openDirectory' as const, 'dontAddToRecent' as const]
    }
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
    return r.canceled || !r.filePaths[0] ? null : r.filePaths[0]
  })
}
