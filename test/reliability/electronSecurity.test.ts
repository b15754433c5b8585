import { afterAll, describe, expect, it, vi } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// A recording stand-in for Electron: the real main-process module runs against it, so the test
// sees exactly the window options, IPC channels and handlers the app registers.
const rec = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, args: unknown) => unknown>(),
  windows: [] as { options: Record<string, unknown>; listeners: Map<string, (...a: unknown[]) => void>; openHandler?: (d: { url: string }) => unknown }[],
  permission: null as null | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
  exposed: new Map<string, Record<string, unknown>>(),
  invoked: [] as { channel: string; args: unknown }[],
  revealed: [] as string[],
  dialogs: 0,
  folderDialogs: [] as Record<string, unknown>[],
  userData: ''
}))

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: Record<string, unknown>
    constructor(options: Record<string, unknown>) {
      const listeners = new Map<string, (...a: unknown[]) => void>()
      const entry: (typeof rec.windows)[number] = { options, listeners }
      this.webContents = {
        on: (ev: string, fn: (...a: unknown[]) => void) => listeners.set(ev, fn),
        setWindowOpenHandler: (fn: (d: { url: string }) => unknown) => (entry.openHandler = fn),
        send: () => {}
      }
      rec.windows.push(entry)
    }
    static getAllWindows = () => []
    once() {}
    on() {}
    maximize() {}
    loadFile() {}
    loadURL() {}
  }
  const api = {
    app: { whenReady: () => Promise.resolve(), getPath: () => rec.userData, on: () => {}, quit: () => {} },
    BrowserWindow,
    ipcMain: { handle: (ch: string, fn: (e: unknown, a: unknown) => unknown) => rec.handlers.set(ch, fn) },
    ipcRenderer: { invoke: (channel: string, args: unknown) => (rec.invoked.push({ channel, args }), Promise.resolve({ ok: true, result: null })), on: () => {}, removeListener: () => {} },
    contextBridge: { exposeInMainWorld: (key: string, value: Record<string, unknown>) => rec.exposed.set(key, value) },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => {} },
    protocol: { registerSchemesAsPrivileged: () => {}, handle: () => {} },
    session: { defaultSession: { setPermissionRequestHandler: (fn: typeof rec.permission) => (rec.permission = fn) } },
    shell: { openExternal: () => Promise.resolve(), showItemInFolder: (p: string) => rec.revealed.push(p) },
    dialog: {
      // the export picker (nativeBridge.ts) and the import folder dialog (pickFolder.ts), told apart by title
      showOpenDialog: (...a: unknown[]) => {
        const o = a[a.length - 1] as Record<string, unknown>
        if (o?.title === 'Export into folder') return (rec.dialogs++, Promise.resolve({ canceled: false, filePaths: ['/picked/out'] }))
        rec.folderDialogs.push(o)
        return Promise.resolve({ canceled: false, filePaths: ['/data/pst900'] })
      }
    },
    webUtils: { getPathForFile: () => '/dropped/folder' }
  }
  return { ...api, default: api }
})

rec.userData = mkdtempSync(join(tmpdir(), 'twinlight-sec-'))
afterAll(() => rmSync(rec.userData, { recursive: true, force: true }))

describe('Electron hardening', () => {
  it('creates the window with isolation, sandbox and no Node in the page', async () => {
    await import('../../src/main/electron/index')
    await vi.waitFor(() => expect(rec.windows.length).toBe(1))
    const prefs = rec.windows[0]!.options.webPreferences as Record<string, unknown>
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webviewTag: false, webSecurity: true, allowRunningInsecureContent: false })
  })

  it('blocks navigation to remote URLs and new windows, and denies permissions', async () => {
    const w = rec.windows[0]!
    const prevented: string[] = []
    w.listeners.get('will-navigate')!({ preventDefault: () => prevented.push('remote') }, 'https://evil.example/')
    w.listeners.get('will-navigate')!({ preventDefault: () => prevented.push('file') }, 'file:///app/out/renderer/index.html')
    expect(prevented).toEqual(['remote'])
    expect(w.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    let granted: boolean | null = null
    rec.permission!(null, 'media', (ok) => (granted = ok))
    expect(granted).toBe(false)
  })

  it('registers exactly one validated IPC channel per contract method (and the named native ones)', async () => {
    const { methodNames } = await import('@shared/contract/methods')
    const native = ['twinlight-native:pickExportFolder', 'twinlight-native:showInFolder', 'twinlight-dialog:pickFolder']
    expect([...rec.handlers.keys()].sort()).toEqual([...methodNames.map((m) => `twinlight:${m}`), ...native].sort())
    const fromApp = { senderFrame: { url: 'file:///app/out/renderer/index.html' } }
    for (const name of methodNames) {
      // Wrong types for every method: a typed error or a valid answer, never a throw.
      const out = (await rec.handlers.get(`twinlight:${name}`)!(fromApp, { id: 'x', path: 5, imageId: -1, dir: [], unexpected: true })) as { ok: boolean; error?: { code: string } }
      expect(out.ok, name).toBe(false)
      expect(out.error!.code, name).toBe('invalid_argument')
    }
    const fromWeb = { senderFrame: { url: 'https://evil.example/' } }
    const denied = (await rec.handlers.get('twinlight:getAppInfo')!(fromWeb, {})) as { ok: boolean; error: { code: string } }
    expect(denied).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('native channels answer only the app page, and reveal only absolute paths that exist', async () => {
    const fromApp = { senderFrame: { url: 'file:///app/out/renderer/index.html' } }
    const fromWeb = { senderFrame: { url: 'https://evil.example/' } }
    const reveal = rec.handlers.get('twinlight-native:showInFolder')!
    expect(await reveal(fromWeb, rec.userData)).toBe(false)
    for (const bad of ['relative/path', join(rec.userData, 'missing'), 5, { path: rec.userData }, `${rec.userData}\0x`]) expect(await reveal(fromApp, bad)).toBe(false)
    expect(rec.revealed).toEqual([])
    expect(await reveal(fromApp, rec.userData)).toBe(true)
    expect(rec.revealed).toEqual([rec.userData])
    const pick = rec.handlers.get('twinlight-native:pickExportFolder')!
    expect(await pick(fromWeb, undefined)).toBe(null)
    expect(rec.dialogs).toBe(0)
    expect(await pick(fromApp, undefined)).toBe('/picked/out')
  })

  it('the folder dialog answers the app page with the chosen folder and refuses other pages', async () => {
    const pick = rec.handlers.get('twinlight-dialog:pickFolder')!
    expect(await pick({ senderFrame: { url: 'https://evil.example/' } }, 'x')).toBeNull()
    expect(rec.folderDialogs).toEqual([])
    expect(await pick({ senderFrame: { url: 'file:///app/out/renderer/index.html' } }, 'Choose a dataset folder')).toBe('/data/pst900')
    expect(rec.folderDialogs).toEqual([{ title: 'Choose a dataset folder', properties: ['openDirectory', 'dontAddToRecent'] }])
  })

  it('the preload exposes only call/onEvent/mediaScheme and the named native helpers, and call refuses names outside the contract', async () => {
    await import('../../src/preload/index')
    const bridge = rec.exposed.get('twinlight')!
    expect(Object.keys(bridge).sort()).toEqual(['call', 'mediaScheme', 'onEvent', 'pathForFile', 'pickExportFolder', 'pickFolder', 'showInFolder'])
    const out = await (bridge.call as (m: string, a: unknown) => Promise<{ ok: boolean }>)('__proto__', {})
    expect(out.ok).toBe(false)
    await (bridge.call as (m: string, a: unknown) => Promise<unknown>)('getAppInfo', {})
    expect(rec.invoked).toEqual([{ channel: 'twinlight:getAppInfo', args: {} }])
    await (bridge.pickFolder as (t: string) => Promise<unknown>)('Choose a dataset folder')
    expect(rec.invoked[1]).toEqual({ channel: 'twinlight-dialog:pickFolder', args: 'Choose a dataset folder' })
    // pathForFile answers only for a real File; anything else the page passes gets '' (no path, no throw).
    const pathFor = bridge.pathForFile as (f: unknown) => string
    expect(pathFor(new File(['x'], 'dataset'))).toBe('/dropped/folder')
    for (const bad of [undefined, null, '/etc/passwd', { name: 'dataset', path: '/etc' }, new Blob(['x'])]) expect(pathFor(bad)).toBe('')
  })

  it('the page CSP forbids eval and remote scripts', () => {
    const html = readFileSync(join(process.cwd(), 'src/renderer/index.html'), 'utf8')
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).toContain("object-src 'none'")
    expect(csp).toMatch(/default-src 'self'/)
  })
})
