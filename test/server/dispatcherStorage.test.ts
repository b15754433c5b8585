/**
 * The dispatcher maps SQLite storage failures for every method and transport (the mapping lives in
 * createDispatcher, not in a wrapper one handler table has to remember): a full disk is 507-style
 * insufficient_storage naming the file the table names, a read-only file is forbidden.
 */
import { describe, expect, it } from 'vitest'
import { createDispatcher, storageFile, type HandlerTable } from '../../src/main/core/api/dispatcher'

const sqliteError = (code: string): Error => Object.assign(new Error(`sqlite said ${code}`), { code })

function table(thrown: Error, file?: string): HandlerTable {
  const handlers = { getProject: () => { throw thrown }, listRecentProjects: () => [] } as unknown as HandlerTable
  if (file) handlers[storageFile] = () => file
  return handlers
}

describe('dispatcher storage errors', () => {
  it('turns SQLITE_FULL into insufficient_storage naming the project file', async () => {
    const r = await createDispatcher(table(sqliteError('SQLITE_FULL'), '/data/shoot.twinlight'), () => undefined).call('getProject', {})
    expect(r).toEqual({ ok: false, error: { code: 'insufficient_storage', message: expect.stringMatching(/^\/data\/shoot\.twinlight could not be saved: the disk is full/) } })
  })

  it('turns SQLITE_READONLY into forbidden, and says "the project file" when the table names none', async () => {
    const r = await createDispatcher(table(sqliteError('SQLITE_READONLY')), () => undefined).call('getProject', {})
    expect(r).toEqual({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/^the project file is read-only/) } })
  })

  it('leaves other failures as internal errors, logged', async () => {
    const logged: unknown[] = []
    const r = await createDispatcher(table(new Error('boom'), '/p.twinlight'), (_m, e) => logged.push(e)).call('getProject', {})
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'getProject failed: boom' } })
    expect(logged).toHaveLength(1)
  })
})
