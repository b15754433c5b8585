import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron'
import { EVENT_CHANNEL } from './windowOptions'

/**
 * Native menu entries dispatch the renderer's command ids (the same ids its toolbar and keys use),
 * so there is one implementation of each action.
 */
export function buildMenu(win: () => BrowserWindow | null): Menu {
  const command = (id: string, label: string, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    // Shown, not registered: the renderer's key handler owns keys (and leaves them alone in text fields).
    ...(accelerator ? { accelerator, registerAccelerator: false } : {}),
    click: () => win()?.webContents.send(EVENT_CHANNEL, 'command.run', { id })
  })
  const template: MenuItemConstructorOptions[] = [
    { label: 'File', submenu: [command('project.new', 'New Project…'), command('project.open', 'Open Project…'), command('project.close', 'Close Project'), { type: 'separator' }, { role: 'quit' }] },
    { label: 'Edit', submenu: [command('history.undo', 'Undo', 'CmdOrCtrl+Z'), command('history.redo', 'Redo', 'CmdOrCtrl+Shift+Z')] },
    { label: 'Image', submenu: [command('image.accept', 'Accept Image', 'Enter'), command('image.nextUnreviewed', 'Next Unreviewed', 'N')] },
    { label: 'View', submenu: [command('view.flip', 'Flip RGB/Thermal'), command('view.fit', 'Fit'), { type: 'separator' }, { role: 'toggleDevTools' }] },
    { label: 'Help', submenu: [command('help.shortcuts', 'Keyboard Shortcuts', 'Shift+/')] }
  ]
  return Menu.buildFromTemplate(template)
}
