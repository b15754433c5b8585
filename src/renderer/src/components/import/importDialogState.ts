/**
 * Whether the import dialog is open: one flag shared by the command (`file.import`, the File menu),
 * the image browser's buttons and the dialog itself.
 */
import { reactive } from 'vue'

export const importDialog = reactive({ open: false })

export function openImportDialog(): void {
  importDialog.open = true
}
