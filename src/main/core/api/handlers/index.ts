import { storageFile, type HandlerTable } from '../dispatcher'
import type { Workstation } from '../../workstation'
import { projectHandlers } from './project'
import { imageHandlers } from './images'
import { annotationHandlers } from './annotations'
import { jobHandlers } from './jobs'
import { datasetHandlers } from './datasets'
import { modelHandlers } from './models'
import { trainingHandlers } from './training'
import { promptHandlers } from './prompt'
import { classHandlers } from './classes'
import { modelRegistryHandlers } from './modelRegistry'
import { folderHandlers } from './folders'
import { effortHandlers } from './effort'
import { withFolderAccess } from '../folderAccess'

/** Every method of the contract, bound to one workstation. TypeScript checks none is missing. */
export function allHandlers(ws: Workstation): HandlerTable {
  return {
    ...withFolderAccess(ws, {
      ...projectHandlers(ws),
      ...imageHandlers(ws),
      ...annotationHandlers(ws),
      ...jobHandlers(ws),
      ...datasetHandlers(ws),
      ...modelHandlers(ws),
      ...trainingHandlers(ws),
      ...promptHandlers(ws),
      ...classHandlers(ws),
      ...modelRegistryHandlers(ws),
      ...folderHandlers(ws),
      ...effortHandlers(ws)
    }),
    [storageFile]: () => (ws.hasProject ? ws.project.path : null)
  }
}
