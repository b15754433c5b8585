// A full disk and a read-only project file answer with a sentence (507 / 403), never a 500, and a
// read (getLabelMap) never writes. Full disk is real: the project lives on a 2 MiB tmpfs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { testWorkstation } from '../helpers/workstation'
import { createDispatcher, type CallOutcome } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { deflateLabels, inflateLabels } from '../../src/main/core/store/labelCodec'
import { errorCodes } from '@shared/contract/errors'
import { rawDb } from '../../src/main/core/store/rawDb'

const W = 128
const H = 128
let root = ''
let disk = ''
let readOnly = ''
const mounts: string[] = []

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'twinlight-disk-'))
  disk = join(root, 'disk')
  readOnly = join(root, 'ro')
  mkdirSync(disk)
  mkdirSync(readOnly)
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk])
  mounts.push(disk)
})
afterAll(() => {
  for (const m of mounts.reverse()) execFileSync('umount', ['-l', m]) // lazy: a failed test may still hold the file open
  rmSync(root, { recursive: true, force: true })
})

function boot(dir: string) {
  const ws = testWorkstation(join(root, `data-${randomBytes(3).toString('hex')}`))
  const d = createDispatcher(allHandlers(ws), () => {})
  return { ws, call: (m: string, a: unknown) => d.call(m, a), dir }
}

/** An incompressible edit of a 64x64 block: each save needs a few KiB of new disk. */
function noise(seed: number) {
  const v = new Uint8Array(64 * 64)
  const r = randomBytes(v.length)
  for (let i = 0; i < v.length; i++) v[i] = (r[i]! + seed) % 9
  return v
}
const editArgs = (imageId: number, baseSeq: number, v: Uint8Array) => ({ imageId, baseSeq, label: 'noise', rect: { x: 0, y: 0, w: 64, h: 64 }, data: deflateLabels(v).toString('base64') })
const errorOf = (o: CallOutcome) => (o.ok ? null : o.error)

describe('storage failures', () => {
  it('full disk: applyEdit and acceptImage answer 507 with a sentence, reads still work, and after freeing space nothing acknowledged is lost', async () => {
    const { ws, call } = boot(disk)
    expect((await call('createProject', { path: join(disk, 'p') })).ok).toBe(true)
    const path = ws.project.path
    const imageId = ws.project.images.insert({ name: 'a', split: 'train', rgbPath: 'a.png', thermalPath: 'a.png', width: W, height: H, thermalBits: 8 })
    ws.project.annotations.ensure(imageId, W, H)
    const acked: Uint8Array[] = []
    for (let i = 0; i < 5; i++) {
      acked.push(noise(i))
      expect((await call('applyEdit', editArgs(imageId, i, acked[i]!))).ok).toBe(true)
    }
    // Fill the disk: whatever space is left goes to a filler file.
    const filler = join(disk, 'filler')
    writeFileSync(filler, '')
    for (let chunk = 256 * 1024; chunk >= 512; ) {
      try {
        writeFileSync(filler, Buffer.alloc(chunk, 1), { flag: 'a' })
      } catch {
        chunk = Math.floor(chunk / 2)
      }
    }
    // Save until the disk refuses; every acknowledged edit is remembered.
    let failure = null
    for (let i = 5; i < 400 && !failure; i++) {
      const v = noise(i)
      const out = await call('applyEdit', editArgs(imageId, acked.length, v))
      if (out.ok) acked.push(v)
      else failure = out.error
    }
    expect(failure).not.toBeNull()
    expect(failure!.code).toBe('insufficient_storage')
    expect(errorCodes[failure!.code]).toBe(507)
    expect(failure!.message).toContain(path)
    expect(failure!.message).toMatch(/disk is full/)
    for (const [m, a] of [['acceptImage', { imageId }], ['startExport', { dir: join(root, 'export'), format: 'mfnet', statuses: ['in_review'] }]] as const) {
      const e = errorOf(await call(m, a))
      expect(e?.code, `${m}: ${e?.message}`).toBe('insufficient_storage')
      expect(e?.message).toContain(path)
    }
    // A read on a full disk works and shows the last acknowledged edit.
    const read = await call('getLabelMap', { imageId })
    expect(read.ok).toBe(true)
    const shown = inflateLabels(Buffer.from((read as { result: { data: string } }).result.data, 'base64'), W * H, 'map')
    expect(shown.slice(0, 64)).toEqual(acked.at(-1)!.slice(0, 64))

    // Room again: the next save (based on the acknowledged head) works; then reopen and check.
    rmSync(filler)
    const last = noise(999)
    expect((await call('applyEdit', editArgs(imageId, acked.length, last))).ok).toBe(true)
    acked.push(last)
    expect((await call('acceptImage', { imageId })).ok).toBe(true)
    await call('closeProject', {})
    await call('openProject', { path })
    const cur = ws.project.annotations.current(imageId)!
    expect(cur.headSeq).toBe(acked.length)
    for (let row = 0; row < 64; row++) expect(cur.labels.slice(row * W, row * W + 64)).toEqual(last.slice(row * 64, row * 64 + 64))
    // Undo walks back through every acknowledged edit: none was lost.
    for (let k = acked.length - 2; k >= 0; k--) {
      const u = ws.project.annotations.step(imageId, -1)
      expect(u.state.head).toBe(k + 1)
      expect(ws.project.annotations.current(imageId)!.labels.slice(0, 64)).toEqual(acked[k]!.slice(0, 64))
    }
    await call('closeProject', {})
  })

  it('getLabelMap does not write, even with edits pending or no map yet', async () => {
    const dir = mkdtempSync(join(root, 'read-'))
    const { ws, call } = boot(dir)
    await call('createProject', { path: join(dir, 'p') })
    const a = ws.project.images.insert({ name: 'a', split: 'train', rgbPath: 'a.png', thermalPath: 'a.png', width: W, height: H, thermalBits: 8 })
    const b = ws.project.images.insert({ name: 'b', split: 'train', rgbPath: 'b.png', thermalPath: 'b.png', width: W, height: H, thermalBits: 8 })
    ws.project.annotations.ensure(a, W, H)
    expect((await call('applyEdit', editArgs(a, 0, noise(1)))).ok).toBe(true)
    const changes = () => rawDb(ws.project).prepare('SELECT total_changes() AS n').get() as { n: number }
    const before = changes().n
    const wal = statSync(`${ws.project.path}-wal`).size
    for (const imageId of [a, b]) expect((await call('getLabelMap', { imageId })).ok).toBe(true)
    expect(changes().n).toBe(before)
    expect(statSync(`${ws.project.path}-wal`).size).toBe(wal)
    expect(rawDb(ws.project).prepare('SELECT count(*) AS n FROM annotations WHERE image_id = ?').get(b)).toEqual({ n: 0 })
    await call('closeProject', {})
  })

  it('read-only: a file that turns read-only while open, and one on a read-only disk, answer 403 with a sentence', async () => {
    const dir = mkdtempSync(join(root, 'rw-'))
    const { ws, call } = boot(dir)
    await call('createProject', { path: join(dir, 'p') })
    const path = ws.project.path
    const imageId = ws.project.images.insert({ name: 'a', split: 'train', rgbPath: 'a.png', thermalPath: 'a.png', width: W, height: H, thermalBits: 8 })
    ws.project.annotations.ensure(imageId, W, H)
    expect((await call('applyEdit', editArgs(imageId, 0, noise(1)))).ok).toBe(true)
    // SQLite's query_only makes every write fail with SQLITE_READONLY, as a file made read-only under it does.
    rawDb(ws.project).pragma('query_only = ON')
    for (const [m, a] of [['applyEdit', editArgs(imageId, 1, noise(2))], ['undo', { imageId }], ['acceptImage', { imageId }]] as const) {
      const e = errorOf(await call(m, a))
      expect(e?.code, m).toBe('forbidden')
      expect(e?.message).toBe(`${path} is read-only: changes cannot be saved. Make the file (and its folder) writable, or open a copy.`)
    }
    expect((await call('getLabelMap', { imageId })).ok).toBe(true)
    rawDb(ws.project).pragma('query_only = OFF')
    await call('closeProject', {})

    execFileSync('mount', ['--bind', dir, readOnly])
    mounts.push(readOnly)
    execFileSync('mount', ['-o', 'remount,bind,ro', readOnly])
    const open = errorOf(await call('openProject', { path: join(readOnly, 'p.twinlight') }))
    expect(open?.code).toBe('forbidden')
    expect(open?.message).toBe(`${join(readOnly, 'p.twinlight')} cannot be opened for editing: the file is read-only. Make it writable, or copy the project to a writable folder.`)
  })
})
