/**
 * Whether the import dialog is open: one flag shared by the command (`file.import`, the File menu),
 * the image browser's buttons, a folder dropped onto the window and the dialog itself. `folder` is a
 * folder to preview straight away (a drop), taken by the dialog and cleared.
 */
import { reactive } from 'vue'

export const importDialog = reactive({ open: false, folder: null as string | null })

export function openImportDialog(folder?: string): void {
  importDialog.folder = typeof folder === 'string' && folder ? folder : null
  importDialog.open = true
}
