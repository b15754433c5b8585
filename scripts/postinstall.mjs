// Rebuild better-sqlite3 for Electron's ABI, but only where that can work: when the Electron
// binary is present (it is fetched on first launch, so offline machines never have it). On every
// other machine this is a no-op, so `npm ci` stays offline-safe and the Node build is kept for the
// CLI, the browser-mode server and the tests.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { findElectronBinary } from './electronBinary.mjs'

const bin = findElectronBinary()
if (!bin || process.env.TWINLIGHT_SKIP_ELECTRON_REBUILD) {
  console.log('twinlight: no Electron binary yet; keeping the Node build of better-sqlite3 (browser mode, CLI, tests).')
  process.exit(0)
}
console.log('twinlight: Electron binary found; rebuilding better-sqlite3 for Electron (see docs/setup.md).')
const r = spawnSync(process.execPath, [fileURLToPath(new URL('./electron-rebuild.mjs', import.meta.url))], { stdio: 'inherit' })
if (r.status !== 0) console.warn('twinlight: Electron rebuild failed (offline?). Browser mode still works; run `npm run rebuild:electron` when online.')
process.exit(0)
