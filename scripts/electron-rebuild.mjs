// Builds a second copy of better-sqlite3 against Electron's ABI (headers downloaded by node-gyp),
// beside the Node build, so the CLI, the browser-mode server and the tests keep working:
// node_modules/.twinlight-electron/better-sqlite3/build/Release/better_sqlite3.node, which the
// Electron main process passes to better-sqlite3 as `nativeBinding`.
// Run automatically by postinstall when the Electron binary exists; `npm run rebuild:electron` by hand.
import { spawnSync } from 'node:child_process'
import { cpSync, rmSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const version = require('electron/package.json').version
const src = dirname(require.resolve('better-sqlite3/package.json'))
const dest = join(root, 'node_modules', '.twinlight-electron', 'better-sqlite3')

const npmDir = process.env.npm_execpath ? dirname(dirname(process.env.npm_execpath)) : '/usr/lib/node_modules/npm'
const gyp = join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
if (!existsSync(gyp)) {
  console.error(`twinlight: node-gyp not found at ${gyp}; cannot build better-sqlite3 for Electron.`)
  process.exit(1)
}
rmSync(dest, { recursive: true, force: true })
cpSync(src, dest, { recursive: true, filter: (p) => !p.includes(`${src}/build`) })
const r = spawnSync(process.execPath, [gyp, 'rebuild', '--release', `--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], { cwd: dest, stdio: 'inherit' })
process.exit(r.status ?? 1)
