import Database from 'better-sqlite3'
import { accessSync, constants, existsSync, openSync, readSync, closeSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ApiError } from '@shared/contract/errors'
import { appRoot } from '../appInfo'
import { LATEST_SCHEMA, migrations } from './migrations'

export type Db = Database.Database

/** Inside Electron, the copy of the native module built for Electron's ABI (see scripts/electron-rebuild.mjs). */
function nativeBinding(): string | undefined {
  if (!process.versions.electron) return undefined
  const p = join(appRoot(), 'node_modules', '.twinlight-electron', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
  return existsSync(p) ? p : undefined
}

const SQLITE_MAGIC = 'SQLite format 3\u0000'
const APP_ID = 0x54574c54 // 'TWLT' in PRAGMA application_id marks a Twinlight project

/**
 * A project is written on every save and SQLite's WAL needs files beside it: a read-only file or
 * folder (permissions, a read-only disk) gets a sentence instead of "unable to open database file".
 */
function checkWritable(path: string): void {
  for (const p of [path, dirname(path)]) {
    try {
      accessSync(p, constants.W_OK)
    } catch {
      const what = p === path ? 'the file is read-only' : `its folder ${p} is read-only`
      throw new ApiError('forbidden', `${path} cannot be opened for editing: ${what}. Make it writable, or copy the project to a writable folder.`)
    }
  }
}

/** Reads the first bytes so a non-SQLite or truncated file gets a sentence, not a driver stack. */
function checkHeader(path: string): void {
  const size = statSync(path).size
  if (size === 0) return // an empty file is a project not yet initialised
  if (size < 100) throw new ApiError('bad_input', `${path} is not a Twinlight project: the file is truncated (${size} bytes).`)
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(16)
    readSync(fd, buf, 0, 16, 0)
    if (buf.toString('latin1') !== SQLITE_MAGIC) {
      throw new ApiError('bad_input', `${path} is not a Twinlight project: it is not an SQLite database (corrupted or another kind of file).`)
    }
  } finally {
    closeSync(fd)
  }
}

function configure(db: Db): void {
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  // WAL + NORMAL: a committed save survives a crash or kill of the app (test/reliability proves
  // it with SIGKILL); only an OS crash or power loss can lose the last commits before a checkpoint.
  // FULL fsyncs every save (~10 ms here) and made a brush stroke's save miss its 5 ms budget.
  db.pragma('synchronous = NORMAL')
  db.pragma('busy_timeout = 5000')
}

/** Applies every migration above the file's version; refuses files newer than this app. */
export function migrate(db: Db, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > LATEST_SCHEMA) {
    throw new ApiError(
      'unsupported_schema',
      `${path} was written by a newer Twinlight (schema ${version}; this app knows up to ${LATEST_SCHEMA}). Update Twinlight to open it.`
    )
  }
  for (const m of migrations) {
    if (m.version <= version) continue
    db.transaction(() => {
      db.exec(m.sql)
      db.pragma(`user_version = ${m.version}`)
    })()
  }
}

/**
 * Opens (or with `create`, creates) a project database. Every failure is an ApiError whose message
 * names the file and the problem.
 */
export function openDatabase(path: string, opts: { create: boolean }): Db {
  const exists = existsSync(path)
  if (opts.create && exists) throw new ApiError('conflict', `${path} already exists; open it instead or choose another name.`)
  if (!opts.create && !exists) throw new ApiError('not_found', `${path} does not exist.`)
  if (exists) checkHeader(path)
  if (exists) checkWritable(path)
  let db: Db
  try {
    const binding = nativeBinding()
    db = new Database(path, binding ? { nativeBinding: binding } : {})
  } catch (e) {
    throw new ApiError('bad_input', `${path} could not be opened: ${(e as Error).message}`)
  }
  try {
    configure(db)
    const appId = db.pragma('application_id', { simple: true }) as number
    const version = db.pragma('user_version', { simple: true }) as number
    if (!opts.create && version > 0 && appId !== APP_ID) {
      throw new ApiError('bad_input', `${path} is an SQLite database but not a Twinlight project.`)
    }
    if (!opts.create && version > 0) {
      const check = db.pragma('quick_check', { simple: true }) as string
      if (check !== 'ok') throw new ApiError('bad_input', `${path} is corrupted (${check}). Restore it from a backup.`)
    }
    migrate(db, path)
    if (appId !== APP_ID) db.pragma(`application_id = ${APP_ID}`)
    return db
  } catch (e) {
    db.close()
    if (e instanceof ApiError) throw e
    const msg = (e as Error).message
    if (/malformed|not a database|corrupt/i.test(msg)) throw new ApiError('bad_input', `${path} is corrupted (${msg}). Restore it from a backup.`)
    throw new ApiError('bad_input', `${path} could not be opened: ${msg}`)
  }
}
