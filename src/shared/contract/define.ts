import type { z } from 'zod'

/**
 * One API method: its argument schema (validated in main, whichever transport carried the call),
 * its result type (phantom, for the typed client) and a sentence of documentation.
 */
export interface MethodDef<A extends z.ZodType = z.ZodType, R = unknown> {
  readonly args: A
  readonly doc: string
  /** Phantom field: never set, only carries the result type. */
  readonly __result?: R
}

/** `method<Result>()(argsSchema, doc)`: curried so the result type is explicit and args inferred. */
export const method =
  <R>() =>
  <A extends z.ZodType>(args: A, doc: string): MethodDef<A, R> => ({ args, doc })

/** One pushed event: payload schema and documentation. */
export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly payload: P
  readonly doc: string
}

export const event = <P extends z.ZodType>(payload: P, doc: string): EventDef<P> => ({ payload, doc })

export type ArgsOf<M> = M extends MethodDef<infer A, unknown> ? z.input<A> : never
export type ParsedArgsOf<M> = M extends MethodDef<infer A, unknown> ? z.output<A> : never
export type ResultOf<M> = M extends MethodDef<z.ZodType, infer R> ? R : never
export type PayloadOf<E> = E extends EventDef<infer P> ? z.output<P> : never
