import { homedir } from 'node:os'
import { join } from 'node:path'

/** App state folder when not given: $TWINLIGHT_HOME, else ~/.config/twinlight (as Electron's userData on Linux). */
export function defaultDataDir(): string {
  if (process.env.TWINLIGHT_HOME) return process.env.TWINLIGHT_HOME
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config')
  return join(base, 'twinlight')
}
