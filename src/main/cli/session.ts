/**
 * How CLI commands reach the app: a workstation from the composition root and the same dispatcher
 * the UI calls (validation, storage errors and all), with failures thrown as ApiErrors so the CLI
 * prints their sentence. Commands use core modules only where the contract has no method.
 */
import type { MethodName, Methods } from '@shared/contract/methods'
import type { ArgsOf, ResultOf } from '@shared/contract/define'
import { ApiError } from '@shared/contract/errors'
import { createWorkstation } from '../core/app'
import type { Workstation, WorkstationOptions } from '../core/workstation'
import { createDispatcher } from '../core/api/dispatcher'
import { allHandlers } from '../core/api/handlers'
import { defaultDataDir } from './dataDir'

export type CallFn = <K extends MethodName>(method: K, args: ArgsOf<Methods[K]>) => Promise<ResultOf<Methods[K]>>

export interface CliSession {
  ws: Workstation
  /** One contract call; resolves with its result or throws its error. */
  call: CallFn
  /** Releases everything the session started (project, engines, threads). */
  dispose(): Promise<void>
}

export function openSession(dataDir: string = defaultDataDir(), extra: Pick<WorkstationOptions, 'folderRoots'> = {}): CliSession {
  const ws = createWorkstation({ dataDir, transport: 'http', ...extra })
  const dispatcher = createDispatcher(allHandlers(ws))
  const call: CallFn = async (method, args) => {
    const r = await dispatcher.call(method, args)
    if (!r.ok) throw ApiError.fromBody(r.error)
    return r.result as never
  }
  return { ws, call, dispose: () => ws.dispose() }
}
