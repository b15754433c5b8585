/**
 * Drop a dataset folder onto the window to import it. Electron tells the page the dropped folder's
 * path (preload `pathForFile`); a browser page is never told where a file lives, so browser mode
 * answers with a sentence pointing to the path field instead.
 */
import { api } from '../api'
import { pathForFile } from '../lib/native'
import { useAppStore } from '../stores/app'
import { useNotify } from '../stores/notify'

export const BROWSER_DROP_SENTENCE = 'Browser mode cannot see where a dropped folder lives. Use File → Import and type the folder’s path.'

const carriesFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files')

export function installFolderDrop(): () => void {
  const app = useAppStore()
  const notify = useNotify()
  const onOver = (e: DragEvent) => {
    if (!carriesFiles(e)) return
    e.preventDefault() // without this the browser would navigate to the dropped file
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
  }
  const onDrop = async (e: DragEvent) => {
    if (!carriesFiles(e)) return
    e.preventDefault()
    const file = e.dataTransfer?.files[0]
    const dir = file ? pathForFile(file) : null
    if (!dir) return void notify.info('Cannot import a dropped folder here', BROWSER_DROP_SENTENCE)
    if (!app.project) return void notify.info('Open or create a project first', `Then drop ${dir} again to import it.`)
    try {
      await api.startImport({ dir })
      notify.info('Importing', dir)
    } catch (err) {
      notify.error(`Could not import ${dir}`, err)
    }
  }
  window.addEventListener('dragover', onOver)
  window.addEventListener('drop', onDrop)
  return () => {
    window.removeEventListener('dragover', onOver)
    window.removeEventListener('drop', onDrop)
  }
}
