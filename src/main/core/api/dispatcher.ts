import { ZodError } from 'zod'
import { methods, type MethodName, type Methods } from '@shared/contract/methods'
import type { ParsedArgsOf, ResultOf } from '@shared/contract/define'
import { ApiError, type ApiErrorBody } from '@shared/contract/errors'
import { storageError } from '../store/sqliteErrors'

export type Handlers = {
  [K in MethodName]: (args: ParsedArgsOf<Methods[K]>) => Promise<ResultOf<Methods[K]>> | ResultOf<Methods[K]>
}

/** Key of the optional function on a handler table that names the file a storage failure is about (the open project). */
export const storageFile = Symbol('storageFile')

/** The handlers, and optionally which file SQLite storage errors name. */
export type HandlerTable = Handlers & { [storageFile]?: () => string | null }

export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody }

export interface Dispatcher {
  /** Validates and runs one call; never throws: every failure becomes a typed error body. */
  call(method: string, rawArgs: unknown): Promise<CallOutcome>
  has(method: string): boolean
}

function zodIssues(e: ZodError): { path: string; message: string }[] {
  return e.issues.slice(0, 20).map((i) => ({ path: i.path.join('.') || '(arguments)', message: i.message }))
}

/**
 * Every transport calls through this. A full disk or read-only project file answers with a sentence
 * naming the file (see store/sqliteErrors), for every method.
 */
export function createDispatcher(handlers: HandlerTable, log: (msg: string, err?: unknown) => void = console.error): Dispatcher {
  const has = (m: string): m is MethodName => Object.prototype.hasOwnProperty.call(methods, m)
  return {
    has,
    async call(method, rawArgs) {
      if (!has(method)) return { ok: false, error: { code: 'not_found', message: `Unknown method: ${String(method).slice(0, 100)}` } }
      const parsed = methods[method].args.safeParse(rawArgs ?? {})
      if (!parsed.success) {
        const issues = zodIssues(parsed.error)
        return { ok: false, error: { code: 'invalid_argument', message: `Invalid arguments for ${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues } }
      }
      try {
        const handler = handlers[method] as (a: unknown) => unknown
        return { ok: true, result: (await handler(parsed.data)) ?? null }
      } catch (thrown) {
        const e = storageError(thrown, handlers[storageFile]?.() ?? null)
        if (e instanceof ApiError) return { ok: false, error: e.toBody() }
        log(`twinlight: ${method} failed`, e)
        return { ok: false, error: { code: 'internal', message: `${method} failed: ${(e as Error)?.message ?? String(e)}` } }
      }
    }
  }
}
