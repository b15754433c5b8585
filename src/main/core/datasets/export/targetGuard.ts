/**
 * What an export may never touch (issue 17): an overwrite export renames the old target away and
 * deletes it, so a target that holds the project file, an image the project reads, or the app's
 * data folder would delete them. This check runs before anything is written; it compares real
 * paths (nearest existing ancestor through realpath), so `..` and symlinks cannot dodge it.
 * Overwrite replaces only a folder that carries the marker a Twinlight export writes.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve, sep } from 'node:path'
import { ApiError } from '@shared/contract/errors'

/** Written into every export; `overwrite` replaces only folders that carry it. */
export const EXPORT_MARKER = '.twinlight-export.json'

export interface ProtectedPaths {
  /** The open project file (its -wal, -shm and .lock beside it are protected with it). */
  projectFile: string
  /** Every file the project references (rgb, thermal, raw thermal). */
  referencedFiles: Iterable<string>
  /** The app's data folder (recent list, caches). */
  dataDir?: string
}

/** The real path of `p`, resolving the nearest existing ancestor and keeping the rest as written. */
export function realPathOf(p: string): string {
  let head = resolve(p)
  const tail: string[] = []
  while (!existsSync(head)) {
    const up = dirname(head)
    if (up === head) break
    tail.unshift(basename(head))
    head = up
  }
  let real = head
  try {
    real = realpathSync(head)
  } catch {
    /* unreadable ancestor: compare as written */
  }
  return tail.length ? join(real, ...tail) : real
}

const within = (inner: string, outer: string): boolean => inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep)

/** Throws `forbidden` when exporting to `target` could delete something the project needs. */
export function checkExportTarget(target: string, guard: ProtectedPaths, overwrite: boolean): void {
  const t = realPathOf(target)
  const project = realPathOf(guard.projectFile)
  const refuse = (why: string): never => {
    throw new ApiError('forbidden', `Export target ${target} ${why}; an export there could delete it. Choose a new, empty folder outside it.`)
  }
  if (within(project, t)) refuse(`contains the project file ${guard.projectFile}`)
  if (guard.dataDir) {
    const data = realPathOf(guard.dataDir)
    if (within(data, t)) refuse(`contains Twinlight's data folder ${guard.dataDir}`)
    if (within(t, data)) refuse(`lies inside Twinlight's data folder ${guard.dataDir}`)
  }
  const dirs = new Map<string, string>()
  for (const f of guard.referencedFiles) if (!dirs.has(dirname(f))) dirs.set(dirname(f), f)
  for (const [dir, file] of dirs) if (within(realPathOf(dir), t)) refuse(`contains ${file}, an image this project references`)
  checkOverwritable(target, overwrite)
  // Judged here too (not only when the job writes), so the window shows one sentence and no failed job.
  if (!overwrite && folderHasFiles(t)) {
    throw new ApiError('conflict', `Export target ${target} exists and is not empty. Choose a new, empty folder, or replace an earlier Twinlight export there.`)
  }
}

/** With overwrite, a non-empty target must be an earlier Twinlight export (it carries the marker). */
export function checkOverwritable(target: string, overwrite: boolean): void {
  const t = realPathOf(target)
  if (overwrite && folderHasFiles(t) && !existsSync(join(t, EXPORT_MARKER))) {
    throw new ApiError(
      'forbidden',
      `Export target ${target} is not empty and was not written by a Twinlight export (it has no ${EXPORT_MARKER}); overwrite replaces only earlier exports. Choose an empty folder, or move its files away yourself.`
    )
  }
}

function folderHasFiles(p: string): boolean {
  try {
    return statSync(p).isDirectory() && readdirSync(p).length > 0
  } catch {
    return false
  }
}
