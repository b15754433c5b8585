/**
 * Drop a dataset folder onto the window to import it: the import dialog opens on that folder's
 * preview (nothing is imported before the person has seen it). Electron tells the page the dropped
 * folder's path (preload `pathForFile`); a browser page is never told where a file lives, so browser
 * mode answers with a sentence pointing to File → Import instead. No store or API import here, so the
 * handler is unit-tested with plain objects (`folderDrop.test.ts`); App.vue passes the real ones.
 */

export const BROWSER_DROP_SENTENCE = 'Browser mode cannot see where a dropped folder lives. Use File → Import and choose the folder there.'

export interface FolderDropDeps {
  /** The dropped file's path (Electron), or null (browser mode). */
  pathForFile(file: File): string | null
  hasProject(): boolean
  /** Opens the import dialog on this folder's preview. */
  openImport(dir: string): void
  info(title: string, detail: string): void
}

type Drop = Pick<DataTransfer, 'types' | 'files'>
export type DropOutcome = 'ignored' | 'no-path' | 'no-project' | 'opened'

const carriesFiles = (dt: Drop | null | undefined): dt is Drop => !!dt && [...dt.types].includes('Files')

/** What a drop does; the caller has already called preventDefault when files were dropped. */
export function handleFolderDrop(dt: Drop | null | undefined, deps: FolderDropDeps): DropOutcome {
  if (!carriesFiles(dt)) return 'ignored'
  const file = dt.files[0]
  const dir = file ? deps.pathForFile(file) : null
  if (!dir) {
    deps.info('Cannot import a dropped folder here', BROWSER_DROP_SENTENCE)
    return 'no-path'
  }
  if (!deps.hasProject()) {
    deps.info('Open or create a project first', `Then drop ${dir} again to import it.`)
    return 'no-project'
  }
  deps.openImport(dir)
  return 'opened'
}

export function installFolderDrop(target: Pick<Window, 'addEventListener' | 'removeEventListener'>, deps: FolderDropDeps): () => void {
  const onOver = (e: DragEvent) => {
    if (!carriesFiles(e.dataTransfer)) return
    e.preventDefault() // without this the browser would navigate to the dropped file
    e.dataTransfer.dropEffect = 'copy'
  }
  const onDrop = (e: DragEvent) => {
    if (!carriesFiles(e.dataTransfer)) return
    e.preventDefault()
    handleFolderDrop(e.dataTransfer, deps)
  }
  target.addEventListener('dragover', onOver)
  target.addEventListener('drop', onDrop)
  return () => {
    target.removeEventListener('dragover', onOver)
    target.removeEventListener('drop', onDrop)
  }
}
