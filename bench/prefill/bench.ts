/**
 * Pre-fill benchmark (launcher): `npx tsx bench/prefill/bench.ts [--count 200] [--model DIR]`.
 * Registers tsconfig.node.json (for the @shared alias) and runs run.ts; see there.
 */
import { register } from 'tsx/esm/api'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
register({ tsconfig: join(root, 'tsconfig.node.json') })
await import(pathToFileURL(join(root, 'bench/prefill/run.ts')).href)
