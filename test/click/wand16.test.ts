/**
 * wandSelect on a PST900-like image: RGB 8-bit, thermal_raw 16-bit with reprojection holes (0).
 * The tolerance (display grey levels) is scaled to the raw range, the seed is in raw units, and the
 * image's registration offset moves the region onto RGB's frame.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDispatcher, type Dispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { classPreset } from '../../src/main/core/classPresets'
import { encodeGrey16Png, encodeRgbPng } from '../../src/main/core/imaging/png'
import { testWorkstation } from '../helpers/workstation'
import type { Workstation } from '../../src/main/core/workstation'
import type { WandResultDto } from '@shared/contract/methods/prompt'

const W = 120
const H = 90
let dir: string
let ws: Workstation
let api: Dispatcher
let id: number

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twinlight-wand16-'))
  const rgb = new Uint8Array(W * H * 3).fill(90)
  const raw = new Uint16Array(W * H)
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x
      const hot = x >= 40 && x < 80 && y >= 30 && y < 60
      raw[i] = (hot ? 30000 : 20000) + ((x * 7 + y * 13) % 50) // ±50 raw units of texture
      if (i % 97 === 0 && !hot) raw[i] = 0 // reprojection holes
    }
  }
  writeFileSync(join(dir, 'rgb.png'), await encodeRgbPng(rgb, W, H))
  writeFileSync(join(dir, 'raw.png'), await encodeGrey16Png(raw, W, H))
  ws = testWorkstation(join(dir, 'data'))
  await ws.createProject(join(dir, 'p.twinlight'), 'p', classPreset('pst900'))
  const st = ws.project
  id = st.images.insert({ name: 'a', split: 'test', rgbPath: st.toStoredPath(join(dir, 'rgb.png')), thermalPath: st.toStoredPath(join(dir, 'raw.png')), thermalRawPath: st.toStoredPath(join(dir, 'raw.png')), width: W, height: H, thermalBits: 16 })
  api = createDispatcher(allHandlers(ws), () => undefined)
})
afterAll(async () => {
  await ws.closeProject()
  rmSync(dir, { recursive: true, force: true })
})

async function wand(args: Record<string, unknown>): Promise<WandResultDto> {
  const r = await api.call('wandSelect', { imageId: id, ...args })
  if (!r.ok) throw new Error(r.error.message)
  return r.result as WandResultDto
}

describe('thermal wand on 16-bit thermal', () => {
  it('grows the hot rectangle in raw units; tolerance is in display grey levels', async () => {
    const r = await wand({ x: 60, y: 45, tolerance: 24 })
    expect(r.thermalBits).toBe(16)
    expect(r.seed).toBeGreaterThan(30000)
    // range 20000..30049 → 24 grey levels ≈ 946 raw units: the whole rectangle, nothing else
    expect(r.bbox).toEqual({ x: 40, y: 30, w: 40, h: 30 })
    expect(r.area).toBe(40 * 30)
    // 0.3 grey levels ≈ 12 raw units, well inside the 0..49 texture: the region stays partial
    const tight = await wand({ x: 60, y: 45, tolerance: 0.3 })
    expect(tight.area).toBeGreaterThan(0)
    expect(tight.area).toBeLessThan(0.6 * 40 * 30)
  })

  it('the registration offset moves the thermal region onto RGB', async () => {
    ws.project.images.setRegistration(id, 5, -3)
    const r = await wand({ x: 65, y: 45, tolerance: 24 })
    expect(r.bbox).toEqual({ x: 45, y: 27, w: 40, h: 30 })
  })
})
