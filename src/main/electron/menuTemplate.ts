/**
 * The native menu as plain data, with no Electron import, so a unit test can check its items,
 * accelerators and command ids. Every action item carries a renderer command id; menu.ts turns
 * the entries into Electron menu items that send that id to the page.
 */
import { acceleratorOf, APP_COMMANDS, type AppCommandId } from '@shared/appCommands'

export type MenuEntry =
  | { kind: 'command'; label: string; command: string; accelerator?: string }
  | { kind: 'separator' }
  | { kind: 'role'; role: 'quit' | 'toggleDevTools' }

export interface MenuSection {
  label: string
  items: MenuEntry[]
}

const SEPARATOR: MenuEntry = { kind: 'separator' }

function command(id: string, label: string, accelerator?: string): MenuEntry {
  return { kind: 'command', label, command: id, ...(accelerator ? { accelerator } : {}) }
}

function shared(id: AppCommandId): MenuEntry {
  const c = APP_COMMANDS.find((x) => x.id === id)!
  return command(c.id, c.label, c.key ? acceleratorOf(c.key) : undefined)
}

export function menuTemplate(): MenuSection[] {
  return [
    {
      label: 'File',
      items: [shared('file.new'), shared('file.open'), shared('file.recent'), SEPARATOR, shared('file.import'), shared('file.export'), SEPARATOR, command('project.close', 'Close Project'), SEPARATOR, { kind: 'role', role: 'quit' }]
    },
    { label: 'Edit', items: [command('history.undo', 'Undo', 'CmdOrCtrl+Z'), command('history.redo', 'Redo', 'CmdOrCtrl+Shift+Z')] },
    { label: 'Image', items: [command('image.accept', 'Accept Image', 'Enter'), command('image.nextUnreviewed', 'Next Unreviewed', 'N')] },
    { label: 'Model', items: [shared('model.prefill'), shared('model.finetune'), shared('model.models')] },
    { label: 'View', items: [command('view.flip', 'Flip RGB/Thermal'), command('view.fit', 'Fit'), SEPARATOR, { kind: 'role', role: 'toggleDevTools' }] },
    { label: 'Help', items: [command('help.shortcuts', 'Keyboard Shortcuts', 'Shift+/')] }
  ]
}
