// The native menu is built from plain data (menuTemplate.ts), so its items, accelerators and
// command ids are checked here without Electron; the renderer's keys come from the same table.
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { menuTemplate, type MenuEntry } from '../../src/main/electron/menuTemplate'
import { acceleratorOf, APP_COMMANDS } from '@shared/appCommands'

const commands = (items: MenuEntry[]) => items.flatMap((e) => (e.kind === 'command' ? [{ id: e.command, label: e.label, accelerator: e.accelerator }] : []))
const section = (label: string) => menuTemplate().find((s) => s.label === label)!.items

/** `{ id: 'x', … keybinding: 'K' }` registrations in the renderer source, as [id, key] pairs. */
function rendererKeybindings(): [string, string][] {
  const root = join(process.cwd(), 'src/renderer/src')
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|vue)$/.test(f) && !f.endsWith('.test.ts'))
  const out: [string, string][] = []
  for (const f of files) {
    const text = readFileSync(join(root, f), 'utf8')
    for (const m of text.matchAll(/id: '([^']+)'[^\n]*?keybinding: (\[[^\]]*\]|'[^']*')/g)) for (const k of m[2]!.matchAll(/'([^']+)'/g)) out.push([m[1]!, k[1]!])
  }
  return out
}

describe('native menu template', () => {
  it('File: New, Open, Recent, Import, Export (then Close, Quit) with the usual accelerators', () => {
    expect(commands(section('File'))).toEqual([
      { id: 'file.new', label: 'New Project…', accelerator: 'CmdOrCtrl+N' },
      { id: 'file.open', label: 'Open Project…', accelerator: 'CmdOrCtrl+O' },
      { id: 'file.recent', label: 'Open Recent…', accelerator: 'CmdOrCtrl+Shift+O' },
      { id: 'file.import', label: 'Import Dataset…', accelerator: 'CmdOrCtrl+I' },
      { id: 'file.export', label: 'Export Dataset…', accelerator: 'CmdOrCtrl+E' },
      { id: 'project.close', label: 'Close Project', accelerator: undefined }
    ])
    expect(section('File').at(-1)).toEqual({ kind: 'role', role: 'quit' })
  })

  it('Model: Pre-fill, Fine-tune, Models', () => {
    expect(commands(section('Model'))).toEqual([
      { id: 'model.prefill', label: 'Pre-fill Unreviewed Images', accelerator: 'P' },
      { id: 'model.finetune', label: 'Fine-tune…', accelerator: 'CmdOrCtrl+Shift+F' },
      { id: 'model.models', label: 'Models…', accelerator: 'CmdOrCtrl+Shift+M' }
    ])
  })

  it('every shared command is in the menu with the accelerator of its renderer key, and no accelerator is used twice', () => {
    const all = menuTemplate().flatMap((s) => commands(s.items))
    for (const c of APP_COMMANDS) expect(all.find((m) => m.id === c.id)?.accelerator, c.id).toBe(acceleratorOf(c.key))
    const accels = all.flatMap((m) => (m.accelerator ? [m.accelerator] : []))
    expect(new Set(accels).size).toBe(accels.length)
  })

  it("the shared keys collide with none of the annotator's or browser's keys", () => {
    const bindings = rendererKeybindings()
    expect(bindings.length).toBeGreaterThan(30) // the scan found the annotator's table
    for (const c of APP_COMMANDS) {
      const others = bindings.filter(([id, key]) => key.toUpperCase() === c.key.toUpperCase() && id !== c.id)
      expect(others, c.id).toEqual([])
    }
  })
})
