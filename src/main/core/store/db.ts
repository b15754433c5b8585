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
 * Checks, without writing anything, that an existing path is a regular, non-empty SQLite file, so a
 * directory, an empty or a non-SQLite file gets a sentence, not a driver stack.
 */
function checkFile(path: string): void {
  const st = statSync(path)
  if (st.isDirectory()) throw new ApiError('bad_input', `${path} is a folder, not a Twinlight project file — nothing was changed.`)
  if (!st.isFile()) throw new ApiError('bad_input', `${path} is not a regular file, so it is not a Twinlight project — nothing was changed.`)
  if (st.size === 0) throw new ApiError('bad_input', `${path} is an empty file, not a Twinlight project (create a project to initialise a file) — nothing was changed.`)
  if (st.size < 100) throw new ApiError('bad_input', `${path} is not a Twinlight project: the file is truncated (${st.size} bytes).`)
  const fd = openSync(path, 'r')
  const header = Buffer.alloc(100)
  try {
    readSync(fd, header, 0, 100, 0)
  } finally {
    closeSync(fd)
  }
  if (header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw new ApiError('bad_input', `${path} is not a Twinlight project: it is not an SQLite database (corrupted or another kind of file).`)
  }
  // A WAL-mode file with no -wal beside it is fully described by its header; SQLite would create
  // -wal/-shm just to read it, so a foreign one is refused from the header (application_id, offset 68).
  const walMode = header[18] === 2
  if (walMode && !existsSync(`${path}-wal`) && header.readUInt32BE(68) !== APP_ID) {
    throw new ApiError('bad_input', `${path} is an SQLite database but not a Twinlight project (another application's) — nothing was changed.`)
  }
}

function connect(path: string, readonly: boolean): Db {
  try {
    const binding = nativeBinding()
    return new Database(path, { ...(binding ? { nativeBinding: binding } : {}), ...(readonly ? { readonly: true, fileMustExist: true } : {}) })
  } catch (e) {
    throw new ApiError('bad_input', `${path} could not be opened: ${(e as Error).message}`)
  }
}

function asApiError(e: unknown, path: string): ApiError {
  if (e instanceof ApiError) return e
  const msg = (e as Error).message
  if (/malformed|not a database|corrupt/i.test(msg)) return new ApiError('bad_input', `${path} is corrupted (${msg}). Restore it from a backup.`)
  return new ApiError('bad_input', `${path} could not be opened: ${msg}`)
}

/**
 * Opens an existing file read-only and refuses it unless it is a Twinlight project of a known schema:
 * a foreign database (own tables, user_version 0) is never converted. Returns the read-only connection.
 */
function openChecked(path: string): Db {
  checkFile(path)
  const db = connect(path, true)
  try {
    db.pragma('busy_timeout = 5000')
    const appId = db.pragma('application_id', { simple: true }) as number
    const version = db.pragma('user_version', { simple: true }) as number
    if (appId !== APP_ID || version < 1) {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name)
      const has = tables.length ? `it has tables ${tables.join(', ')}` : 'it has no tables'
      throw new ApiError('bad_input', `${path} is an SQLite database but not a Twinlight project (${has}) — nothing was changed.`)
    }
    if (version > LATEST_SCHEMA) {
      throw new ApiError(
        'unsupported_schema',
        `${path} was written by a newer Twinlight (schema ${version}; this app knows up to ${LATEST_SCHEMA}). Update Twinlight to open it.`
      )
    }
    const check = db.pragma('quick_check', { simple: true }) as string
    if (check !== 'ok') throw new ApiError('bad_input', `${path} is corrupted (${check}). Restore it from a backup.`)
    return db
  } catch (e) {
    db.close()
    throw asApiError(e, path)
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
 * A project is written on every save and SQLite's WAL needs files beside it: a read-only file or
 * folder (permissions, a read-only disk) gets a sentence instead of "unable to open database file".
 */
export function checkWritable(path: string): void {
  for (const p of [path, dirname(path)]) {
    try {
      accessSync(p, constants.W_OK)
    } catch {
      const what = p === path ? 'the file is read-only' : `its folder ${p} is read-only`
      throw new ApiError('forbidden', `${path} cannot be opened for editing: ${what}. Make it writable, or copy the project to a writable folder.`)
    }
  }
}

/**
 * Opens (or with `create`, creates) a project database. Only `create` initialises a file; opening
 * refuses anything that is not already a Twinlight project and leaves it untouched. `readonly` opens
 * for reading only (no pragma that writes, no migration). Every failure is an ApiError whose message
 * names the file and the problem.
 */
export function openDatabase(path: string, opts: { create: boolean; readonly?: boolean }): Db {
  const exists = existsSync(path)
  if (opts.create && exists) throw new ApiError('conflict', `${path} already exists; open it instead or choose another name.`)
  if (!opts.create && !exists) throw new ApiError('not_found', `${path} does not exist.`)
  if (!opts.create) {
    const checked = openChecked(path)
    if (opts.readonly) return checked
    checked.close()
    checkWritable(path)
  }
  const db = connect(path, false)
  try {
    configure(db)
    migrate(db, path)
    if (opts.create) db.pragma(`application_id = ${APP_ID}`)
    return db
  } catch (e) {
    db.close()
    throw asApiError(e, path)
  }
}
