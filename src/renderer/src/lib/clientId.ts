/**
 * Names this window to main (sent with applyEdit/undo/redo, echoed as `by` in `annotation.changed`)
 * so the annotator can tell another window's change to the open image from its own.
 */
export const clientId: string =
  typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
