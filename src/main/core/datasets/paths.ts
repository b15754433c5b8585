/**
 * Keeps every path an importer touches inside the dataset root: names from split files may
 * not contain separators or "..", and symlinks must resolve inside the root.
 */
import { lstat, readdir, realpath } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { DatasetFileError } from './types'

export function isInside(root: string, p: string): boolean {
  const rel = relative(root, p)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..')
}

/** A file name stem as listed in a split file: no separators, no parent references. */
export function isSafeName(name: string): boolean {
  return name.length > 0 && !name.includes('/') && !name.includes('\\') && name !== '.' && name !== '..' && !name.includes('\0')
}

/** Joins under root and refuses anything that lexically leaves it. */
export function joinInside(root: string, ...parts: string[]): string {
  const p = resolve(root, ...parts)
  if (!isInside(root, p)) throw new DatasetFileError(join(...parts), 'path escapes the dataset root')
  return p
}

/**
 * Resolves every symlink on the path (file or any parent folder) and refuses targets outside
 * the root (root given as its realpath).
 */
export async function assertRealInside(realRoot: string, file: string): Promise<void> {
  let real: string
  try {
    real = await realpath(file)
  } catch {
    const st = await lstat(file).catch(() => null)
    throw new DatasetFileError(file, st?.isSymbolicLink() ? 'broken symbolic link' : 'file not found')
  }
  if (!isInside(realRoot, real)) throw new DatasetFileError(file, `symbolic link points outside the dataset root (${real})`)
}

/** Directory entries (names only), or [] when the folder does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort()
  } catch {
    return []
  }
}

export async function isDir(p: string): Promise<boolean> {
  try {
    return (await lstat(p)).isDirectory()
  } catch {
    return false
  }
}

const IMAGE_EXT = /\.(png|jpe?g|tiff?|bmp|webp)$/i

export function isImageFile(name: string): boolean {
  return IMAGE_EXT.test(name)
}

export function stemOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(0, dot) : name
}

/** Map stem → file name for image files in a folder (first by sorted name wins on duplicates). */
export async function imagesByStem(dir: string): Promise<Map<string, string>> {
  const m = new Map<string, string>()
  for (const f of await listDir(dir)) if (isImageFile(f) && !m.has(stemOf(f))) m.set(stemOf(f), f)
  return m
}
