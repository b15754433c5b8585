/**
 * The server-side folder browser of the import dialog (browser mode has no native folder dialog):
 * sub-folders of one folder with their image counts and recognised layout, never leaving the roots.
 */
import { readdir, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { ApiError } from '@shared/contract/errors'
import type { FolderEntry, FolderListing } from '@shared/contract/methods/folders'
import type { DatasetFormat } from '@shared/formats/layouts'
import { detectFormat } from './detect'
import type { FolderRoots } from './folderRoots'
import { isImageFile } from './paths'

/** Folders listed at most (the rest are counted in `truncated`). */
const MAX_ENTRIES = 1000

async function layoutOf(dir: string): Promise<DatasetFormat | null> {
  try {
    return await detectFormat(dir)
  } catch {
    return null
  }
}

async function imageCount(dir: string): Promise<number> {
  try {
    return (await readdir(dir)).filter(isImageFile).length
  } catch {
    return 0
  }
}

/** The real folder a link leads to, or null when it leads out of the roots, to a file or nowhere. */
async function linkedFolder(roots: FolderRoots, link: string): Promise<string | null> {
  try {
    const real = await roots.check(link)
    return (await stat(real)).isDirectory() ? real : null
  } catch {
    return null
  }
}

function rootLabel(root: string): string {
  return root === homedir() ? `Home (${root})` : root
}

export async function listFolders(roots: FolderRoots, path?: string): Promise<FolderListing> {
  const rootList = roots.roots.map((r) => ({ label: rootLabel(r), path: r }))
  if (path === undefined) {
    const entries = await Promise.all(roots.roots.map(async (r) => ({ name: rootLabel(r), path: r, images: await imageCount(r), layout: await layoutOf(r) })))
    return { path: null, parent: null, images: 0, layout: null, entries, roots: rootList, truncated: 0 }
  }
  const real = await roots.check(path, 'The folder')
  let dirents
  try {
    dirents = await readdir(real, { withFileTypes: true })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new ApiError('not_found', `The folder ${path} does not exist.`)
    if (code === 'ENOTDIR') throw new ApiError('invalid_argument', `${path} is a file, not a folder.`)
    throw new ApiError('forbidden', `The folder ${path} cannot be read (${code ?? 'error'}).`)
  }
  const entries: FolderEntry[] = []
  let truncated = 0
  let images = 0
  for (const d of dirents.sort((a, b) => a.name.localeCompare(b.name))) {
    if (isImageFile(d.name) && d.isFile()) images++
    if (d.name.startsWith('.')) continue
    const full = join(real, d.name)
    // A link is listed only when it leads to a folder inside the roots.
    const target = d.isSymbolicLink() ? await linkedFolder(roots, full) : d.isDirectory() ? full : null
    if (!target) continue
    if (entries.length >= MAX_ENTRIES) {
      truncated++
      continue
    }
    entries.push({ name: d.name, path: full, images: await imageCount(target), layout: await layoutOf(target) })
  }
  const up = dirname(real)
  const parent = roots.roots.includes(real) || up === real || !roots.contains(up) ? null : up
  return { path: real, parent, images, layout: await layoutOf(real), entries, roots: rootList, truncated }
}
