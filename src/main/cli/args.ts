import { parseArgs, type ParseArgsConfig } from 'node:util'

type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] }
import { ApiError } from '@shared/contract/errors'

/** node:util parseArgs, with its errors turned into a one-line usage error. */
export function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>, usage: string): { values: Record<string, string | undefined> & Parsed['values']; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as { values: Record<string, string | undefined>; positionals: string[] }
  } catch (e) {
    throw new ApiError('invalid_argument', `${(e as Error).message}\nUsage: ${usage}`)
  }
}

export function intOption(value: string | undefined, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) throw new ApiError('invalid_argument', `--${name} must be an integer between ${min} and ${max} (got "${value}").`)
  return n
}
