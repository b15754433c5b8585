/**
 * The one place where browser mode's folder policy meets the API: every method that takes a path
 * from the page has it checked against the workstation's allowed roots before its handler runs.
 */
import type { Handlers } from './dispatcher'
import type { Workstation } from '../workstation'

/** Methods that carry filesystem paths: the arguments holding them and how a refusal names them. */
const PATH_ARGS: Partial<Record<keyof Handlers, { arg: string; what: string }[]>> = {
  startImport: [{ arg: 'dir', what: 'The dataset folder' }],
  previewImport: [{ arg: 'path', what: 'The dataset folder' }],
  listFolders: [{ arg: 'path', what: 'The folder' }],
  startExport: [{ arg: 'dir', what: 'The export folder' }],
  createProject: [{ arg: 'path', what: 'The project file' }],
  createProjectWithClasses: [{ arg: 'path', what: 'The project file' }],
  openProject: [{ arg: 'path', what: 'The project file' }],
  addModelPackage: [{ arg: 'path', what: 'The model package' }],
  registerClickModel: [
    { arg: 'encoder', what: 'The encoder file' },
    { arg: 'decoder', what: 'The decoder file' },
    { arg: 'folder', what: 'The model folder' },
    { arg: 'xanylabelingConfig', what: 'The X-AnyLabeling config' }
  ]
}

/** Wraps the path-taking handlers so a path outside the roots is refused (403 with a sentence); no roots, no change. */
export function withFolderAccess(ws: Workstation, handlers: Handlers): Handlers {
  const roots = ws.opts.folderRoots
  if (!roots) return handlers
  const out = { ...handlers } as unknown as Record<string, (a: unknown) => unknown>
  for (const [name, specs] of Object.entries(PATH_ARGS)) {
    const fn = out[name]!
    out[name] = async (args) => {
      for (const spec of specs!) {
        const path = (args as Record<string, unknown> | undefined)?.[spec.arg]
        if (typeof path === 'string') await roots.check(path, spec.what)
      }
      return fn(args)
    }
  }
  return out as Handlers
}
