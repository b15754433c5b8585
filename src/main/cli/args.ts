import { parseArgs, type ParseArgsConfig } from 'node:util'
import { ApiError } from '@shared/contract/errors'

export type OptionValues = Record<string, string | boolean | undefined>

/** node:util parseArgs, with its errors turned into a one-line usage error. */
export function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>, usage: string): { values: OptionValues; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true })
    return { values: r.values as OptionValues, positionals: r.positionals }
  } catch (e) {
    throw new ApiError('invalid_argument', `${(e as Error).message}\nUsage: ${usage}`)
  }
}

/** A string option's value (undefined when absent). */
export function str(values: OptionValues, name: string): string | undefined {
  const v = values[name]
  return typeof v === 'string' ? v : undefined
}

/** A boolean flag: true when given. */
export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true
}

export function intOption(value: string | boolean | undefined, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (typeof value !== 'string' || !Number.isInteger(n) || n < min || n > max) throw new ApiError('invalid_argument', `--${name} must be an integer between ${min} and ${max} (got "${value}").`)
  return n
}
