/**
 * All-or-nothing output folders: everything is written into `<target>.tmp-<random>` next to the
 * target, then renamed into place. An existing non-empty target is refused unless `overwrite`;
 * with `overwrite` the old folder is renamed away, the new one renamed in, then the old deleted,
 * so at every instant the target path holds either the complete old or the complete new export.
 * A killed process can leave a `.tmp-`/`.old-` sibling behind, never a half-written target; the
 * sibling names carry the writer's pid, and the next export to that target removes those of dead
 * writers (and puts back an `.old-` one if the kill came between the two renames).
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'

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

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const siblingName = (target: string, kind: 'tmp' | 'old'): string => `${target}.${kind}-${process.pid}-${randomBytes(6).toString('hex')}`

/** Removes leftovers of writers killed mid-export; restores an old export the kill left aside. */
export async function cleanStaleSiblings(target: string): Promise<string[]> {
  const dir = dirname(target)
  const re = new RegExp(`^${basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(tmp|old)-(\\d+)-[0-9a-f]{12}$`)
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return []
  }
  const removed: string[] = []
  const stale = names.map((n) => ({ n, m: re.exec(n) })).filter((x) => x.m && !pidAlive(Number(x.m[2])))
  for (const { n, m } of stale.sort((a, b) => (a.m![1] === 'old' ? -1 : 0) - (b.m![1] === 'old' ? -1 : 0))) {
    const p = join(dir, n)
    if (m![1] === 'old' && (await targetState(target)) === 'missing') {
      await rename(p, target)
      continue
    }
    await rm(p, { recursive: true, force: true })
    removed.push(p)
  }
  return removed
}

export async function writeAtomically<T>(
  targetPath: string, opts: { overwrite?: boolean }, write: (tmpDir: string) => Promise<T>
): Promise<T> {
  const target = resolve(targetPath)
  // Leftovers first: a kill between the two renames leaves the old export aside, and putting it back
  // must happen before the target is judged, not after every file has been written.
  await cleanStaleSiblings(target)
  if ((await targetState(target)) === 'full' && !opts.overwrite) throw new ExportTargetExistsError(target)
  await mkdir(dirname(target), { recursive: true })
  const tmp = siblingName(target, 'tmp')
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
      const old = siblingName(target, 'old')
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
