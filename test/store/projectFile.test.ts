import { describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { writeFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { LATEST_SCHEMA } from '../../src/main/core/store/migrations'
import { classPreset } from '../../src/main/core/classPresets'
import { useTmp } from '../helpers/tmp'
import { rawDb } from '../../src/main/core/store/rawDb'

const tmp = useTmp()

describe('project file', () => {
  it('migrates an empty file to the latest schema with WAL and foreign keys on', () => {
    const path = join(tmp(), 'a.twinlight')
    const s = ProjectStore.create(path, { classes: classPreset('mfnet') })
    expect(rawDb(s).pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA)
    expect(rawDb(s).pragma('journal_mode', { simple: true })).toBe('wal')
    expect(rawDb(s).pragma('foreign_keys', { simple: true })).toBe(1)
    const tables = (rawDb(s).prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name)
    expect(tables).toEqual(expect.arrayContaining(['annotations', 'classes', 'edits', 'images', 'jobs', 'meta', 'models', 'proposals', 'revisions']))
    expect(s.summary().classes.map((c) => c.name)).toEqual(['unlabeled', 'car', 'person', 'bike', 'curve', 'car_stop', 'guardrail', 'color_cone', 'bump'])
    s.close()
    const again = ProjectStore.open(path)
    expect(again.summary().name).toBe('a')
    again.close()
  })

  it('refuses a project written by a newer schema with a clear message', () => {
    const path = join(tmp(), 'new.twinlight')
    ProjectStore.create(path, { classes: [] }).close()
    const raw = new Database(path)
    raw.pragma(`user_version = ${LATEST_SCHEMA + 5}`)
    raw.close()
    expect(() => ProjectStore.open(path)).toThrow(new RegExp(`newer Twinlight \\(schema ${LATEST_SCHEMA + 5}; this app knows up to ${LATEST_SCHEMA}\\)`))
  })

  it('gives a clear error, not a stack trace, for a corrupted or foreign file', () => {
    const dir = tmp()
    const text = join(dir, 'text.twinlight')
    writeFileSync(text, 'this is not a database at all, just some text that is long enough to pass the size check of a header'.repeat(2))
    expect(() => ProjectStore.open(text)).toThrow(/is not a Twinlight project: it is not an SQLite database/)

    const truncated = join(dir, 'trunc.twinlight')
    ProjectStore.create(truncated, { classes: classPreset('mfnet') }).close()
    const bytes = readFileSync(truncated)
    // Keep the header, wipe the pages after it: SQLite sees a malformed database.
    const broken = Buffer.concat([bytes.subarray(0, 100), Buffer.alloc(Math.max(0, bytes.length - 100), 0x5a)])
    writeFileSync(truncated, broken)
    expect(() => ProjectStore.open(truncated)).toThrow(/trunc\.twinlight (is corrupted|could not be opened|is not a Twinlight project)/)

    const foreign = join(dir, 'foreign.twinlight')
    const db = new Database(foreign)
    db.exec('CREATE TABLE t (x); PRAGMA user_version = 1;')
    db.close()
    expect(() => ProjectStore.open(foreign)).toThrow(/is an SQLite database but not a Twinlight project/)
  })

  it('refuses to create over an existing file and to open a missing one', () => {
    const path = join(tmp(), 'x.twinlight')
    ProjectStore.create(path, { classes: [] }).close()
    expect(() => ProjectStore.create(path, { classes: [] })).toThrow(/already exists/)
    expect(() => ProjectStore.open(join(tmp(), 'missing.twinlight'))).toThrow(/does not exist/)
  })

  it('stores image paths relative to the project folder', () => {
    const dir = tmp()
    const s = ProjectStore.create(join(dir, 'p.twinlight'), { classes: [] })
    expect(s.toStoredPath(join(dir, 'data', 'images', 'a.png'))).toBe('data/images/a.png')
    expect(s.resolvePath('data/images/a.png')).toBe(join(dir, 'data', 'images', 'a.png'))
    s.close()
  })

  it('marks jobs left running by a crash as interrupted (resumable) on open', () => {
    const path = join(tmp(), 'j.twinlight')
    const s = ProjectStore.create(path, { classes: [] })
    const job = s.jobs.create('prefill', { split: 'test' })
    s.jobs.update(job.id, { state: 'running', done: 3, total: 10 })
    s.close()
    const reader = ProjectStore.open(path, { recover: false })
    expect(reader.jobs.get(job.id).state).toBe('running')
    reader.close()
    const owner = ProjectStore.open(path)
    const j = owner.jobs.get(job.id)
    expect(j.state).toBe('interrupted')
    expect(j.done).toBe(3)
    owner.close()
  })
})
