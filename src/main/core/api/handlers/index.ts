import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'
import { projectHandlers } from './project'
import { imageHandlers } from './images'
import { annotationHandlers } from './annotations'
import { jobHandlers } from './jobs'
import { datasetHandlers } from './datasets'
import { modelHandlers } from './models'
import { trainingHandlers } from './training'
import { promptHandlers } from './prompt'
import { folderHandlers } from './folders'
import { withFolderAccess } from '../folderAccess'
import { storageError } from '../../store/sqliteErrors'

/** Every method of the contract, bound to one workstation. TypeScript checks none is missing. */
export function allHandlers(ws: Workstation): Handlers {
  return withStorageErrors(ws, withFolderAccess(ws, {
    ...projectHandlers(ws),
    ...imageHandlers(ws),
    ...annotationHandlers(ws),
    ...jobHandlers(ws),
    ...datasetHandlers(ws),
    ...modelHandlers(ws),
    ...trainingHandlers(ws),
    ...promptHandlers(ws),
    ...folderHandlers(ws)
  }))
}

/** Wraps every handler so a full disk or read-only project file answers with a sentence (see sqliteErrors). */
function withStorageErrors(ws: Workstation, handlers: Handlers): Handlers {
  const out: Record<string, (a: unknown) => unknown> = {}
  const pathOf = () => (ws.hasProject ? ws.project.path : null)
  for (const [name, fn] of Object.entries(handlers) as [string, (a: unknown) => unknown][]) {
    out[name] = async (args) => {
      try {
        return await fn(args)
      } catch (e) {
        throw storageError(e, pathOf())
      }
    }
  }
  return out as Handlers
}
