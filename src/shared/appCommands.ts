/**
 * The app-level commands that the Electron menu, the browser toolbar and the shortcut sheet share:
 * one table of ids, labels and keys, so the menu's accelerators and the renderer's keybindings
 * cannot drift apart. Keys use the renderer's notation ('Ctrl' means Cmd on macOS).
 */
export interface AppCommand {
  id: string
  label: string
  /** Menu group: 'File' or 'Model'. */
  menu: 'File' | 'Model'
  key?: string
}

export const APP_COMMANDS = [
  { id: 'file.new', label: 'New Project…', menu: 'File', key: 'Ctrl+N' },
  { id: 'file.open', label: 'Open Project…', menu: 'File', key: 'Ctrl+O' },
  { id: 'file.recent', label: 'Open Recent…', menu: 'File', key: 'Ctrl+Shift+O' },
  { id: 'file.import', label: 'Import Dataset…', menu: 'File', key: 'Ctrl+I' },
  { id: 'file.export', label: 'Export Dataset…', menu: 'File', key: 'Ctrl+E' },
  { id: 'model.prefill', label: 'Pre-fill Unreviewed Images', menu: 'Model', key: 'P' },
  { id: 'model.finetune', label: 'Fine-tune…', menu: 'Model', key: 'Ctrl+Shift+F' },
  { id: 'model.models', label: 'Models…', menu: 'Model', key: 'Ctrl+Shift+M' }
] as const satisfies readonly AppCommand[]

export type AppCommandId = (typeof APP_COMMANDS)[number]['id']

export function appCommand(id: AppCommandId): AppCommand {
  return APP_COMMANDS.find((c) => c.id === id)!
}

/** Electron's accelerator for a renderer key: 'Ctrl+E' → 'CmdOrCtrl+E'. */
export function acceleratorOf(key: string): string {
  return key.replace(/^Ctrl\+/, 'CmdOrCtrl+')
}
