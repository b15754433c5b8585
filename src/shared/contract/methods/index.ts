import { annotationMethods } from './annotations'
import { classMethods } from './classes'
import { datasetMethods } from './datasets'
import { imageMethods } from './images'
import { jobMethods } from './jobs'
import { modelMethods } from './models'
import { projectMethods } from './project'
import { promptMethods } from './prompt'
import { trainingMethods } from './training'
import { modelRegistryMethods } from './modelRegistry'
import { folderMethods } from './folders'
import { effortMethods } from './effort'

/**
 * The whole workstation API as one table. Electron IPC handlers, the preload bridge, the HTTP
 * server and the renderer's client are all generated from it; add a method here (in its area
 * file) and every transport carries it.
 */
export const methods = {
  ...projectMethods,
  ...imageMethods,
  ...annotationMethods,
  ...jobMethods,
  ...datasetMethods,
  ...modelMethods,
  ...trainingMethods,
  ...promptMethods,
  ...classMethods,
  ...modelRegistryMethods,
  ...folderMethods,
  ...effortMethods
}

export type Methods = typeof methods
export type MethodName = keyof Methods
export const methodNames = Object.keys(methods) as MethodName[]
