/**
 * How to start a worker thread whose entry is a TypeScript module (relative to the caller's `here`), in every way
 * the app runs: from TypeScript sources (vitest, tsx, the CLI, benches) the entry is a tiny eval'd
 * bootstrap that registers tsx's ESM loader (with the repository's tsconfig, for the @shared
 * alias) and imports the .ts file — Node 20 resolves a worker's main script before `--import`
 * hooks run, so `execArgv: ['--import', 'tsx']` cannot load .ts. In the electron-vite build the
 * entry is a bundle of its own next to the main bundle (electron.vite.config.ts names it).
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'

export type StageWorkerEntry = { kind: 'file'; url: URL } | { kind: 'eval'; code: string }

/**
 * The entry for `tsModule` (relative to `here`, the caller's import.meta.url) or for the built `bundleName`.js; null when
 * neither exists (callers then do the work on the main thread).
 */
export function stageWorkerEntry(tsModule: string, bundleName: string, here: string = import.meta.url): StageWorkerEntry | null {
  if (/\.ts($|\?)/.test(here)) {
    const tsxDir = dirname(createRequire(here).resolve('tsx/package.json'))
    const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href
    const tsconfig = findUp(dirname(fileURLToPath(here)), 'tsconfig.json')
    const options = tsconfig ? { tsconfig } : {}
    const target = new URL(tsModule, here).href
    return { kind: 'eval', code: `import(${JSON.stringify(api)}).then((m) => { m.register(${JSON.stringify(options)}); return import(${JSON.stringify(target)}) })` }
  }
  for (const rel of [`./${bundleName}.js`, `../${bundleName}.js`, `./${bundleName}.mjs`]) {
    const url = new URL(rel, here)
    if (existsSync(fileURLToPath(url))) return { kind: 'file', url }
  }
  return null
}

export function startWorker(entry: StageWorkerEntry, options: WorkerOptions = {}): Worker {
  return entry.kind === 'file' ? new Worker(entry.url, options) : new Worker(entry.code, { ...options, eval: true })
}

/** The nearest `name` in `dir` or a folder above it (the repository's tsconfig, for the @shared alias). */
function findUp(dir: string, name: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, name))) return join(d, name)
    if (dirname(d) === d) return null
  }
}
