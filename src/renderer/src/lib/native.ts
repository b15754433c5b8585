/**
 * The Electron-only helpers the preload exposes by name (folder picker, show in folder, path of a
 * dropped file). In browser mode they are absent and these return null / false, so callers can
 * show the browser-mode alternative (a path field, the path as text, a sentence).
 */
export const hasNative = (): boolean => typeof window.twinlight?.pickExportFolder === 'function'

export async function pickExportFolder(): Promise<string | null> {
  return (await window.twinlight?.pickExportFolder?.()) ?? null
}

export async function showInFolder(path: string): Promise<boolean> {
  return (await window.twinlight?.showInFolder?.(path)) ?? false
}

/** The dropped file's path (Electron), or null: a browser page is never told where a file lives. */
export function pathForFile(file: File): string | null {
  return window.twinlight?.pathForFile?.(file) || null
}
