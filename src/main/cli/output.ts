import { ApiError } from '@shared/contract/errors'

/** Human-readable by default; `--json` prints one JSON document for scripts. */
export interface Out {
  json: boolean
  print(human: string, data?: unknown): void
  error(e: unknown): number
}

export function makeOut(json: boolean): Out {
  return {
    json,
    print(human, data) {
      if (json) process.stdout.write(JSON.stringify(data ?? { message: human }, null, 2) + '\n')
      else process.stdout.write(human + '\n')
    },
    error(e) {
      const msg = e instanceof ApiError || e instanceof Error ? e.message : String(e)
      const code = e instanceof ApiError ? e.code : 'error'
      if (json) process.stdout.write(JSON.stringify({ error: { code, message: msg } }) + '\n')
      else process.stderr.write(`twinlight: ${msg}\n`)
      return code === 'invalid_argument' ? 2 : 1
    }
  }
}

/** A one-line progress bar on stderr (only on a terminal; pipes get a line per 10%). */
export function progressBar(label: string): (done: number, total: number, extra?: string) => void {
  let lastDecile = -1
  return (done, total, extra = '') => {
    const frac = total > 0 ? Math.min(1, done / total) : 0
    if (process.stderr.isTTY) {
      const width = 30
      const fill = Math.round(frac * width)
      process.stderr.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} ${extra}`.padEnd(100) + (done >= total ? '\n' : ''))
    } else {
      const decile = Math.floor(frac * 10)
      if (decile !== lastDecile) {
        lastDecile = decile
        process.stderr.write(`${label}: ${done}/${total} ${extra}\n`)
      }
    }
  }
}
