import { accessSync, constants } from 'node:fs'
import { ApiError } from '@shared/contract/errors'

/**
 * Turns the storage failures of SQLite (disk full, read-only file, I/O error) into ApiErrors with a
 * sentence naming the project file, so a full disk or a read-only file is a 4xx/507, never a 500.
 * Other errors are returned unchanged.
 */
export function storageError(e: unknown, path: string | null): unknown {
  const code = (e as { code?: unknown })?.code
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e
  const file = path ?? 'the project file'
  if (code.startsWith('SQLITE_FULL')) {
    return new ApiError('insufficient_storage', `${file} could not be saved: the disk is full. Free some space and save again; nothing saved before was lost.`)
  }
  if (code.startsWith('SQLITE_READONLY') || (code.startsWith('SQLITE_IOERR') && path && !writable(path))) {
    return new ApiError('forbidden', `${file} is read-only: changes cannot be saved. Make the file (and its folder) writable, or open a copy.`)
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new ApiError('insufficient_storage', `${file} could not be written (${code}): the disk is full or failing. Free some space or check the disk, then save again.`)
  }
  return e
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}
