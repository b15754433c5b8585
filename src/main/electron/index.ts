import { app, BrowserWindow, ipcMain, Menu, protocol, session, shell } from 'electron'
import { join } from 'node:path'
import { createWorkstation } from '../core/app'
import { createDispatcher } from '../core/api/dispatcher'
import { allHandlers } from '../core/api/handlers'
import { handleMedia } from '../core/media/media'
import { methodNames } from '@shared/contract/methods'
import { EVENT_CHANNEL, IPC_PREFIX, isAppUrl, secureWebPreferences } from './windowOptions'
import { loadWindowState, saveWindowState } from './windowState'
import { buildMenu } from './menu'
import { registerNativeBridge } from './nativeBridge'
import { registerPickFolder } from './pickFolder'

// Media (images, thermal) is served through a private scheme so the page never gets file:// access.
protocol.registerSchemesAsPrivileged([{ scheme: 'twinlight-media', privileges: { standard: true, secure: true, supportFetchAPI: true } }])

let win: BrowserWindow | null = null
const devUrl = process.env.ELECTRON_RENDERER_URL

function createWindow(userData: string): void {
  const state = loadWindowState(userData)
  win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    show: false,
    backgroundColor: '#16181d',
    title: 'Twinlight',
    webPreferences: secureWebPreferences(join(__dirname, '../preload/index.cjs'))
  })
  if (state.maximized) win.maximize()
  win.once('ready-to-show', () => win?.show())
  win.on('close', () => {
    if (!win) return
    saveWindowState(userData, { ...win.getNormalBounds(), maximized: win.isMaximized() })
  })
  // No navigation away from the app, no new windows; external links open in the OS browser.
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url, devUrl)) e.preventDefault()
  })
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  if (devUrl) void win.loadURL(devUrl)
  else void win.loadFile(join(__dirname, '../renderer/index.html'))
}

app.whenReady().then(() => {
  const userData = app.getPath('userData')
  const ws = createWorkstation({ dataDir: userData, transport: 'ipc' })
  const dispatcher = createDispatcher(allHandlers(ws))
  // One channel per contract method; every call is validated by the dispatcher, and only frames
  // showing the app's own page may call.
  for (const name of methodNames) {
    ipcMain.handle(IPC_PREFIX + name, (event, args) => {
      const url = event.senderFrame?.url ?? ''
      if (!isAppUrl(url, devUrl)) return { ok: false, error: { code: 'forbidden', message: 'Calls are accepted only from the app page.' } }
      return dispatcher.call(name, args)
    })
  }
  registerPickFolder(() => win, devUrl)
  ws.hub.subscribe((event, payload) => win?.webContents.send(EVENT_CHANNEL, event, payload))
  protocol.handle('twinlight-media', async (req) => {
    const url = new URL(req.url)
    const m = await handleMedia(ws, url.pathname, url.searchParams)
    return new Response(new Uint8Array(m.body), { status: m.status, headers: m.headers })
  })
  // Nothing the page asks for (camera, notifications, …) is granted.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, cb) => cb(false))
  Menu.setApplicationMenu(buildMenu(() => win))
  registerNativeBridge(() => win, devUrl)
  createWindow(userData)
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(userData)
  })
  app.on('before-quit', () => void ws.dispose())
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
