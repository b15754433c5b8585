/**
 * One writer per project file: `<file>.lock` (pid, host, start time), created with O_EXCL, removed on
 * close and on process exit. A lock whose pid is dead on this host is stale and is taken over; a live
 * holder means a refusal that names it. Readers (`twinlight info`) never take the lock.
 */
import { readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { ApiError } from '@shared/contract/errors'

export interface LockHolder {
  pid: number
  host: string
  startedAt: string
}

/** Locks this process holds: lock path → how many open stores share it (re-entrant in one process). */
const held = new Map<string, number>()
let exitHookInstalled = false

export function lockPath(projectPath: string): string {
  return `${projectPath}.lock`
}

function readHolder(file: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>
    return typeof h.pid === 'number' && typeof h.host === 'string' ? { pid: h.pid, host: h.host, startedAt: String(h.startedAt ?? '') } : null
  } catch {
    return null
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

/** Alive, dead, or unknown (another host's pid cannot be checked from here). */
function holderState(h: LockHolder): 'alive' | 'dead' | 'unknown' {
  if (h.host !== hostname()) return 'unknown'
  return pidAlive(h.pid) ? 'alive' : 'dead'
}

/** The live holder of a project's lock, or null when nobody (alive) holds it. Writes nothing. */
export function liveLockHolder(projectPath: string): LockHolder | null {
  const h = readHolder(lockPath(projectPath))
  return h && holderState(h) !== 'dead' ? h : null
}

function tryCreate(file: string): boolean {
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }
  try {
    writeFileSync(file, JSON.stringify(me), { flag: 'wx' })
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw new ApiError('forbidden', `${file} could not be created (${(e as Error).message}); the project needs a lock file beside it to be opened for writing.`)
  }
}

/** A lock file nobody could still be writing: unreadable and older than a few seconds. */
function abandonedUnreadable(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs > 5000
  } catch {
    return false
  }
}

/** Takes the project's lock for this process, or throws `conflict` naming the live holder. */
export function acquireLock(projectPath: string): void {
  const file = lockPath(projectPath)
  const count = held.get(file)
  if (count) {
    held.set(file, count + 1)
    return
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(file)) {
      held.set(file, 1)
      installExitHook()
      return
    }
    const h = readHolder(file)
    const stale = h ? holderState(h) === 'dead' : abandonedUnreadable(file)
    if (!stale) break
    try {
      unlinkSync(file) // a dead writer's lock (we take it over); another opener may race us to it
    } catch {
      /* already removed by that opener; try to create ours */
    }
  }
  const h = readHolder(file)
  const who = h ? `process ${h.pid} on ${h.host} (since ${h.startedAt})` : `another process (${file} is being written)`
  throw new ApiError('conflict', `${projectPath} is already open for writing by ${who}. Close it in that window or process first (to only read it, run twinlight info in a terminal).`)
}

/** Releases one hold; the file goes when the last store of this process closes. */
export function releaseLock(projectPath: string): void {
  const file = lockPath(projectPath)
  const count = held.get(file)
  if (!count) return
  if (count > 1) return void held.set(file, count - 1)
  held.delete(file)
  removeOwn(file)
}

function removeOwn(file: string): void {
  const h = readHolder(file)
  if (h && h.pid === process.pid && h.host === hostname()) {
    try {
      unlinkSync(file)
    } catch {
      /* gone already */
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const file of held.keys()) removeOwn(file)
    held.clear()
  })
}
