/**
 * The folders browser mode may touch: the user's home and the `--data-root` folders of
 * `twinlight serve`. Every path the page sends (folder listing, import, export, create, open) is
 * judged here by its real path, so `..` and symbolic links cannot lead outside.
 */
import { realpathSync } from 'node:fs'
import { realpath } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { ApiError } from '@shared/contract/errors'
import { isInside } from './paths'

export class FolderRoots {
  /** Real paths of the roots, in the order given. */
  readonly roots: string[]

  constructor(roots: readonly string[]) {
    const real: string[] = []
    for (const r of roots) {
      let p: string
      try {
        p = realpathSync(resolve(r))
      } catch {
        throw new ApiError('not_found', `The allowed folder ${r} does not exist.`)
      }
      if (!real.includes(p)) real.push(p)
    }
    this.roots = real
  }

  /** The real path of `path` (or, for a file or folder not created yet, of its nearest existing parent plus the rest). */
  async check(path: string, what = 'This path'): Promise<string> {
    if (path.split(/[\\/]/).includes('..')) throw new ApiError('forbidden', `${what} ${path} contains "..": give the folder itself.`)
    const real = await realOrParent(resolve(path))
    if (!this.roots.some((r) => isInside(r, real))) {
      const shown = real === resolve(path) ? path : `${path} (really ${real})`
      throw new ApiError('forbidden', `${what} ${shown} is outside the folders this server may use (${this.roots.join(', ')}). Restart it with --data-root DIR to allow another folder.`)
    }
    return real
  }

  contains(realPath: string): boolean {
    return this.roots.some((r) => isInside(r, realPath))
  }
}

async function realOrParent(abs: string): Promise<string> {
  const tail: string[] = []
  let p = abs
  for (;;) {
    try {
      const real = await realpath(p)
      return tail.length ? join(real, ...tail.reverse()) : real
    } catch {
      const up = dirname(p)
      if (up === p) return abs
      tail.push(basename(p))
      p = up
    }
  }
}
