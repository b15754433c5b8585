import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'
import { homedir } from 'node:os'
import { FolderRoots } from '../../datasets/folderRoots'
import { listFolders } from '../../datasets/folderBrowser'
import { previewImport } from '../../datasets/importPreview'

/** Folder browser and import preview (see docs/import.md). Desktop, which has no roots, may browse home and the whole disk. */
export function folderHandlers(ws: Workstation): Pick<Handlers, 'listFolders' | 'previewImport'> {
  const roots = () => ws.opts.folderRoots ?? new FolderRoots([homedir(), '/'])
  return {
    listFolders: ({ path }) => listFolders(roots(), path),
    previewImport: ({ path, format }) => previewImport(path, { ...(format ? { format } : {}), ...(ws.hasProject ? { projectHashes: ws.project.images.contentHashes() } : {}) })
  }
}
