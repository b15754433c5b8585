// `npm start`: the desktop app where Electron can run, browser mode everywhere else.
// Electron ≥ 42 fetches its binary on first launch; offline that fails, so we check first and say so
// in one line instead of failing with a download stack.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, statSync, readdirSync } from 'node:fs'
import { findElectronBinary, tryDownloadElectron } from './electronBinary.mjs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
function newestMtime(dir) {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return t
}

/** The renderer bundle is stale when any source under src/ is newer than out/renderer/index.html. */
function buildIsStale() {
  const index = join(root, 'out', 'renderer', 'index.html')
  if (!existsSync(index)) return true
  return newestMtime(join(root, 'src')) > statSync(index).mtimeMs
}

const viteBin = join(root, 'node_modules', '.bin', 'electron-vite')
// The binary is fetched on first launch; offline that fails fast and we fall back to browser mode.
const bin = process.env.TWINLIGHT_BROWSER ? null : (findElectronBinary() ?? tryDownloadElectron())
if (bin) {
  if (!existsSync(join(root, 'node_modules', '.twinlight-electron'))) spawnSync(process.execPath, [join(root, 'scripts', 'electron-rebuild.mjs')], { cwd: root, stdio: 'inherit' })
  const r = spawnSync(viteBin, ['preview'], { cwd: root, stdio: 'inherit' })
  process.exit(r.status ?? 1)
}

console.log('Electron binary not available (offline or not yet downloaded): starting browser mode instead.')
const args = [join(root, 'bin', 'twinlight'), 'serve', ...process.argv.slice(2)]
const server = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' })
if (buildIsStale()) {
  console.log('Building the UI (first start or sources changed); the page shows a notice and reloads itself when this finishes…')
  const b = spawn(viteBin, ['build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  b.on('exit', (code) => console.log(code === 0 ? 'UI built: the page reloads itself.' : 'UI build failed; see the errors above.'))
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig))
server.on('exit', (code) => process.exit(code ?? 0))
