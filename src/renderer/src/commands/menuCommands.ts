/**
 * The File and Model commands the native menu sends (ids and keys from @shared/appCommands), so the
 * menu, the toolbar, the keys and the shortcut sheet run one implementation each. Commands whose
 * screen registers them itself (model.prefill, model.finetune in the image browser, model.models in
 * the models dialog) are left to it.
 */
import { APP_COMMANDS, type AppCommandId } from '@shared/appCommands'
import { useAppStore } from '../stores/app'
import { getCommand, registerCommands, type Command } from './registry'

export interface MenuCommandActions {
  openExport: () => void
  openImport: () => void
}

/** Registered by the screen that owns them (the image browser); only their keys are shared here. */
const OWNED_ELSEWHERE: readonly AppCommandId[] = ['model.prefill', 'model.finetune', 'model.models']

export function registerMenuCommands(actions: MenuCommandActions): () => void {
  const app = useAppStore()
  const run: Partial<Record<AppCommandId, Pick<Command, 'run' | 'when'>>> = {
    'file.new': { run: () => app.showStart('new') },
    'file.open': { run: () => app.showStart('open') },
    'file.recent': { run: () => app.showStart('open') },
    'file.import': { when: () => !!app.project, run: actions.openImport },
    'file.export': { when: () => !!app.project, run: actions.openExport }
  }
  const list: Command[] = APP_COMMANDS.filter((c) => !OWNED_ELSEWHERE.includes(c.id) && !getCommand(c.id)).map((c) => ({
    id: c.id,
    label: c.label,
    keybinding: c.key,
    group: c.menu,
    ...run[c.id]!
  }))
  return registerCommands(list)
}
