import { readFileSync, writeFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'

export interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

const DEFAULT: WindowState = { width: 1440, height: 900, maximized: false }

/** Window bounds survive restarts (kept in userData/window-state.json). */
export function loadWindowState(dir: string): WindowState {
  try {
    const s = JSON.parse(readFileSync(join(dir, 'window-state.json'), 'utf8')) as WindowState
    if (typeof s.width === 'number' && typeof s.height === 'number') return { ...DEFAULT, ...s }
  } catch {
    /* first start or unreadable: defaults */
  }
  return DEFAULT
}

export function saveWindowState(dir: string, s: WindowState): void {
  const file = join(dir, 'window-state.json')
  writeFileSync(file + '.tmp', JSON.stringify(s))
  renameSync(file + '.tmp', file)
}
