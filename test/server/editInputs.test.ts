/**
 * applyEdit's inputs at the API boundary (issue #17 items 3 and 6): the deflated data is inflated
 * no further than the rect allows (a deflate bomb stops at w*h bytes), a rect outside the image is
 * refused before anything is inflated, and label values outside the class table are refused.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as zlib from 'node:zlib'
import { createDispatcher, type Dispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import type { Workstation } from '../../src/main/core/workstation'
import { makeProject } from '../models/helpers'

vi.mock('node:zlib', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:zlib')>()
  return { ...real, inflateSync: vi.fn(real.inflateSync) }
})

let dir: string
let ws: Workstation
let api: Dispatcher
let id: number

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twinlight-edit-inputs-'))
  const p = await makeProject(dir, 1, { width: 32, height: 24 })
  ws = p.ws
  id = p.ids[0]!
  api = createDispatcher(allHandlers(ws), () => undefined)
  ws.project.annotations.ensure(id, 32, 24)
})

afterAll(async () => {
  await ws.closeProject()
  rmSync(dir, { recursive: true, force: true })
})

const b64 = (bytes: Uint8Array) => zlib.deflateSync(bytes).toString('base64')
const edit = (rect: { x: number; y: number; w: number; h: number }, data: string) =>
  api.call('applyEdit', { imageId: id, label: 'test', baseSeq: ws.project.annotations.state(id).head, rect, data })

describe('applyEdit inputs', () => {
  it('inflates a deflate bomb no further than the rect allows', async () => {
    const inflate = vi.mocked(zlib.inflateSync)
    inflate.mockClear()
    const bomb = b64(new Uint8Array(64 * 1024 * 1024)) // 64 MiB of zeros, ~65 KB deflated
    const r = await edit({ x: 0, y: 0, w: 4, h: 4 }, bomb)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('bad_input')
    expect(r.error.message).toBe('edit "test": compressed data inflates to more than the 16 bytes expected.')
    expect(inflate).toHaveBeenCalledTimes(1)
    expect(inflate.mock.calls[0]![1]).toMatchObject({ maxOutputLength: 16 })
  })

  it('refuses data one byte longer than the rect, and takes data of exactly its size', async () => {
    const long = await edit({ x: 0, y: 0, w: 3, h: 2 }, b64(new Uint8Array(7).fill(1)))
    expect(long.ok).toBe(false)
    if (!long.ok) expect(long.error.message).toMatch(/inflates to more than the 6 bytes expected/)
    const exact = await edit({ x: 0, y: 0, w: 3, h: 2 }, b64(new Uint8Array(6).fill(1)))
    expect(exact.ok).toBe(true)
  })

  it('refuses a rect outside the image before inflating its data', async () => {
    const inflate = vi.mocked(zlib.inflateSync)
    inflate.mockClear()
    const r = await edit({ x: 0, y: 0, w: 100000, h: 100000 }, b64(new Uint8Array(16)))
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toMatchObject({ code: 'invalid_argument', message: `Edit rect 0,0 100000x100000 lies outside image ${id} (32x24).` })
    expect(inflate).not.toHaveBeenCalled()
  })

  it('refuses label values outside the class table, naming them', async () => {
    const values = new Uint8Array(4).fill(1)
    values[1] = 200
    values[2] = 255
    const r = await edit({ x: 0, y: 0, w: 2, h: 2 }, b64(values))
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('invalid_argument')
    expect(r.error.message).toBe(`Edit of image ${id} paints label value(s) 200, 255, which are not in the class table (0, 1, 2, 3, 4, 5, 6, 7, 8).`)
    // Nothing was saved: the map keeps its old values.
    expect([...ws.project.annotations.current(id)!.labels.subarray(0, 2)]).not.toContain(200)
    const ok = await edit({ x: 0, y: 0, w: 2, h: 2 }, b64(new Uint8Array(4).fill(8)))
    expect(ok.ok).toBe(true)
  })
})
