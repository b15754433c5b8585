// `npm run test:e2e`: (re)builds the renderer when out/renderer is missing or older than its
// sources, checks that Debian chromium is there (a missing browser fails the suite, it never
// skips), then runs the playwright-core tests in test/e2e with node's test runner (+ tsx).
import { existsSync, readdirSync, statSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
const outIndex = join(root, 'out/renderer/index.html')
export const CHROMIUM = process.env.TWINLIGHT_CHROMIUM ?? '/usr/bin/chromium'

function newestMtime(dir) {
  let newest = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

function rendererStale() {
  if (!existsSync(outIndex)) return true
  const built = statSync(outIndex).mtimeMs
  return ['src/renderer', 'src/shared'].some((d) => newestMtime(join(root, d)) > built) || statSync(join(root, 'electron.vite.config.ts')).mtimeMs > built
}

/** Builds only the renderer, from the renderer section of electron.vite.config.ts. */
async function buildRenderer() {
  const full = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' })
  if (full.status === 0) return
  // The main/preload part may be mid-change; the browser-mode e2e suite needs only the renderer.
  console.warn('e2e: `electron-vite build` failed; building the renderer alone from its config section.')
  const { build, loadConfigFromFile } = await import('vite')
  const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, join(root, 'electron.vite.config.ts'), root)
  const renderer = loaded?.config?.renderer
  if (!renderer) throw new Error('electron.vite.config.ts has no renderer section')
  await build({
    ...renderer,
    configFile: false,
    root: join(root, renderer.root ?? 'src/renderer'),
    base: './',
    build: { ...renderer.build, outDir: join(root, 'out/renderer'), emptyOutDir: true }
  })
}

if (!existsSync(CHROMIUM)) {
  console.error(`e2e: chromium not found at ${CHROMIUM}. Install it with \`apt-get update && apt-get install -y chromium\` (never downloaded by playwright).`)
  console.error('# pass 0\n# fail 1')
  process.exit(1)
}
if (process.env.TWINLIGHT_E2E_NO_BUILD !== '1' && rendererStale()) await buildRenderer()

const files = readdirSync(join(root, 'test/e2e'))
  .filter((f) => f.endsWith('.e2e.ts'))
  .filter((f) => !process.argv[2] || f.includes(process.argv[2]))
  .sort()
  .map((f) => join('test/e2e', f))
if (files.length === 0) {
  console.error('e2e: no test/e2e/*.e2e.ts files matched')
  process.exit(1)
}
// One file at a time: each starts its own server and browser, and this machine has 2 cores.
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=tap', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TWINLIGHT_CHROMIUM: CHROMIUM, TSX_TSCONFIG_PATH: join(root, 'tsconfig.node.json') }
})
process.exit(r.status ?? 1)
