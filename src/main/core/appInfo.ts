import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

/** Repository (or app bundle) root: the folder holding package.json and resources/. */
export function appRoot(): string {
  if (process.env.TWINLIGHT_ROOT) return process.env.TWINLIGHT_ROOT
  // src/main/core/appInfo.ts in a checkout, out/main/index.js in a build: walk up to package.json.
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    try {
      readFileSync(join(dir, 'package.json'))
      return dir
    } catch {
      dir = dirname(dir)
    }
  }
  return process.cwd()
}

let cached: string | null = null
export function appVersion(): string {
  if (!cached) cached = (JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version
  return cached
}
