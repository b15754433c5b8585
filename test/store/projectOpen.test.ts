/** Opening only opens: a file that is not already a Twinlight project is refused and left byte-identical. */
import { describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { testWorkstation } from '../helpers/workstation'
import { ApiError, errorCodes } from '@shared/contract/errors'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex')

function refusal(open: () => unknown): ApiError {
  try {
    open()
  } catch (e) {
    if (e instanceof ApiError) return e
    throw e
  }
  throw new Error('open did not refuse')
}

describe('opening a file that is not a Twinlight project', () => {
  it('refuses a foreign SQLite database (own tables, user_version 0) and leaves it byte-identical', () => {
    const path = join(tmp(), 'other.sqlite')
    const raw = new Database(path)
    raw.exec("CREATE TABLE people (name TEXT); CREATE TABLE pets (kind TEXT); INSERT INTO people VALUES ('ada');")
    raw.close()
    const before = sha(path)
    for (const recover of [true, false]) {
      const e = refusal(() => ProjectStore.open(path, { recover }))
      expect(e.code).toBe('bad_input')
      expect(e.message).toBe(`${path} is an SQLite database but not a Twinlight project (it has tables people, pets) — nothing was changed.`)
    }
    expect(sha(path)).toBe(before)
    for (const side of ['-wal', '-shm', '-journal', '.lock']) expect(existsSync(path + side), side).toBe(false)
    const check = new Database(path, { readonly: true })
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete')
    expect(check.pragma('application_id', { simple: true })).toBe(0)
    check.close()
  })

  it('refuses a foreign WAL-mode database without creating -wal/-shm beside it', () => {
    const path = join(tmp(), 'wal.sqlite')
    const raw = new Database(path)
    raw.pragma('journal_mode = WAL')
    raw.exec('CREATE TABLE notes (body TEXT)')
    raw.close()
    const before = sha(path)
    expect(() => ProjectStore.open(path, { recover: false })).toThrow(`${path} is an SQLite database but not a Twinlight project (another application's) — nothing was changed.`)
    expect(sha(path)).toBe(before)
    for (const side of ['-wal', '-shm', '.lock']) expect(existsSync(path + side), side).toBe(false)
  })

  it('refuses an empty file instead of initialising it', () => {
    const path = join(tmp(), 'empty.twinlight')
    writeFileSync(path, '')
    expect(() => ProjectStore.open(path)).toThrow(`${path} is an empty file, not a Twinlight project (create a project to initialise a file) — nothing was changed.`)
    expect(readFileSync(path).length).toBe(0)
    for (const side of ['-wal', '-shm', '.lock']) expect(existsSync(path + side), side).toBe(false)
  })

  it('answers a folder with a 4xx sentence, not a driver error', async () => {
    const dir = join(tmp(), 'folder.twinlight')
    mkdirSync(dir)
    const ws = testWorkstation(join(tmp(), 'data'))
    const e = await ws.openProject(dir).then(
      () => null,
      (err: unknown) => err
    )
    expect(e).toBeInstanceOf(ApiError)
    expect(errorCodes[(e as ApiError).code]).toBeLessThan(500)
    expect((e as ApiError).message).toBe(`${dir} is a folder, not a Twinlight project file — nothing was changed.`)
  })

  it('a reader (recover: false) opens read-only and takes no lock', () => {
    const path = join(tmp(), 'r.twinlight')
    ProjectStore.create(path, { classes: [] }).close()
    const reader = ProjectStore.open(path, { recover: false })
    expect(existsSync(`${path}.lock`)).toBe(false)
    expect(() => reader.setMeta('name', 'x')).toThrow(/readonly/)
    reader.close()
  })
})
