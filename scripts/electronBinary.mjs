// Where the Electron binary is, without `require('electron')`: since Electron 42 that require
// downloads the binary on first use, which must not happen from postinstall (offline installs).
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { spawnSync } from 'node:child_process'

const require = createRequire(import.meta.url)

function electronDir() {
  try {
    return dirname(require.resolve('electron/package.json'))
  } catch {
    return null
  }
}

/** The binary's path if it is present, else null. Never downloads. */
export function findElectronBinary() {
  const dir = electronDir()
  if (!dir) return null
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const exe = readFileSync(pathFile, 'utf8').trim()
  const base = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(dir, 'dist')
  const full = join(base, exe)
  return existsSync(full) ? full : null
}

/** Tries Electron's own download once, quietly; returns the binary path or null (offline). */
export function tryDownloadElectron(timeoutMs = 120_000) {
  const dir = electronDir()
  if (!dir || !existsSync(join(dir, 'install.js'))) return null
  const r = spawnSync(process.execPath, [join(dir, 'install.js')], { cwd: dir, stdio: 'pipe', timeout: timeoutMs })
  return r.status === 0 ? findElectronBinary() : null
}
