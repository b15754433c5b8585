import { shallowReactive } from 'vue'

/**
 * Commands as data: every user action is `{id, label, keybinding, when, run}`. Toolbar buttons,
 * the shortcut sheet, the keyboard (and the Electron menu, through the same ids) dispatch by id.
 */
export interface Command {
  id: string
  label: string
  /** e.g. 'Ctrl+Z', 'Ctrl+Shift+Z', 'Space', '[', '1'; several keys allowed. */
  keybinding?: string | string[]
  /** Grouping for the shortcut sheet. */
  group: string
  /** The command is available (key active, button enabled) only when this returns true. */
  when?: () => boolean
  run: () => unknown
}

/** Opens the import dialog (File → Import in the menu, the image browser's Import button). */
export const FILE_IMPORT = 'file.import'

// Shallow: buttons re-render when commands come and go, but entries stay the objects registered
// (a deep proxy would break the identity check in the unregister function).
const table = shallowReactive(new Map<string, Command>())

/** Registers a set of commands (a screen's); returns the function that removes them again. */
export function registerCommands(list: Command[]): () => void {
  for (const c of list) table.set(c.id, c)
  return () => list.forEach((c) => table.get(c.id) === c && table.delete(c.id))
}

export function allCommands(): Command[] {
  return [...table.values()]
}

export function getCommand(id: string): Command | undefined {
  return table.get(id)
}

export function isEnabled(id: string): boolean {
  const c = table.get(id)
  return !!c && (!c.when || c.when())
}

/** Runs a command by id if it exists and its `when` holds; returns whether it ran. */
export function runCommand(id: string): boolean {
  const c = table.get(id)
  if (!c || (c.when && !c.when())) return false
  void c.run()
  return true
}

/** The event as a keybinding string, e.g. 'Ctrl+Shift+Z', '?', 'Space'. */
export function keyOf(e: KeyboardEvent): string {
  let key = e.key === ' ' ? 'Space' : e.key
  if (key.length === 1) key = key.toUpperCase()
  const mods: string[] = []
  if (e.ctrlKey || e.metaKey) mods.push('Ctrl')
  if (e.altKey) mods.push('Alt')
  // Shift is part of the character for symbols ('?', '{'); it only counts for letters and named keys.
  if (e.shiftKey && (key.length > 1 || /[A-Z]/.test(key))) mods.push('Shift')
  return [...mods, key].join('+')
}

function normalise(binding: string): string {
  const parts = binding.split('+')
  const key = parts.pop()!
  return [...parts, key.length === 1 ? key.toUpperCase() : key].join('+')
}

/** Typing into a text field must never trigger a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  if (target instanceof HTMLInputElement) return !['range', 'checkbox', 'radio', 'button', 'submit', 'color'].includes(target.type)
  return false
}

/** One window-level key handler that dispatches to the command table. */
export function installKeyboard(): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (isTyping(e.target)) return
    const k = keyOf(e)
    for (const c of table.values()) {
      const keys = c.keybinding === undefined ? [] : Array.isArray(c.keybinding) ? c.keybinding : [c.keybinding]
      if (keys.some((b) => normalise(b) === k) && (!c.when || c.when())) {
        e.preventDefault()
        void c.run()
        return
      }
    }
  }
  window.addEventListener('keydown', onKey)
  return () => window.removeEventListener('keydown', onKey)
}
