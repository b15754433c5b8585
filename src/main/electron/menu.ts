import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron'
import { EVENT_CHANNEL } from './windowOptions'
import { menuTemplate, type MenuEntry } from './menuTemplate'

/**
 * Native menu entries dispatch the renderer's command ids (the same ids its toolbar and keys use),
 * so there is one implementation of each action. The entries themselves are in menuTemplate.ts.
 */
export function buildMenu(win: () => BrowserWindow | null): Menu {
  const item = (e: MenuEntry): MenuItemConstructorOptions => {
    if (e.kind === 'separator') return { type: 'separator' }
    if (e.kind === 'role') return { role: e.role }
    return {
      label: e.label,
      // Shown, not registered: the renderer's key handler owns keys (and leaves them alone in text fields).
      ...(e.accelerator ? { accelerator: e.accelerator, registerAccelerator: false } : {}),
      click: () => win()?.webContents.send(EVENT_CHANNEL, 'command.run', { id: e.command })
    }
  }
  return Menu.buildFromTemplate(menuTemplate().map((s) => ({ label: s.label, submenu: s.items.map(item) })))
}
