/**
 * All-or-nothing output folders: everything is written into `<target>.tmp-<random>` next to the
 * target, then renamed into place. An existing non-empty target is refused unless `overwrite`;
 * with `overwrite` the old folder is renamed away, the new one renamed in, then the old deleted,
 * so at every instant the target path holds either the complete old or the complete new export.
 * A killed process can leave a `.tmp-` sibling behind, never a half-written target.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'

export class ExportTargetExistsError extends Error {
  constructor(readonly target: string) {
    super(`${target}: target folder exists and is not empty (use overwrite to replace it)`)
    this.name = 'ExportTargetExistsError'
  }
}

async function targetState(target: string): Promise<'missing' | 'empty' | 'full'> {
  let st
  try {
    st = await stat(target)
  } catch {
    return 'missing'
  }
  if (!st.isDirectory()) throw new Error(`${target}: exists and is not a folder`)
  return (await readdir(target)).length === 0 ? 'empty' : 'full'
}

export async function writeAtomically<T>(
  targetPath: string, opts: { overwrite?: boolean }, write: (tmpDir: string) => Promise<T>
): Promise<T> {
  const target = resolve(targetPath)
  if ((await targetState(target)) === 'full' && !opts.overwrite) throw new ExportTargetExistsError(target)
  await mkdir(dirname(target), { recursive: true })
  const tmp = `${target}.tmp-${randomBytes(6).toString('hex')}`
  await mkdir(tmp)
  let result: T
  try {
    result = await write(tmp)
    const state = await targetState(target)
    if (state === 'full' && !opts.overwrite) throw new ExportTargetExistsError(target)
    if (state === 'missing') {
      await rename(tmp, target)
    } else if (state === 'empty') {
      await rmdir(target)
      await rename(tmp, target)
    } else {
      const old = `${target}.old-${randomBytes(6).toString('hex')}`
      await rename(target, old)
      try {
        await rename(tmp, target)
      } catch (err) {
        await rename(old, target).catch(() => undefined)
        throw err
      }
      await rm(old, { recursive: true, force: true })
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true })
    throw err
  }
  return result
}
