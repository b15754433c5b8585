/**
 * The embedded tiny SARTM package's own prompt decoder through Twinlight's click path: the
 * package's parity image (already at the 512x384 model size) stored as an MFNet 4-channel PNG in a
 * project, the fixture click sent through promptSegment → the mask equals the PyTorch reference
 * masks of parity/prompt.json (best by predicted IoU, bilinear to image size, > 0) on ≥ 99.5% of
 * pixels. This proves the wiring (preprocessing, embedding outputs → decoder inputs, coordinate
 * frame, mask geometry) with the real package; click quality is bench/click/acceptance.ts's job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { createDispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { classPreset } from '../../src/main/core/classPresets'
import { TINY_MODEL_DIR } from '../../src/main/core/datasets/jobs/demo'
import { registerPromptModel } from '../../src/main/core/click/register'
import { releasePrompt } from '../../src/main/core/click/service'
import { fromBase64Deflated } from '../../src/main/core/store/labelCodec'
import { testWorkstation } from '../helpers/workstation'
import type { Workstation } from '../../src/main/core/workstation'
import type { PromptSegmentResult } from '@shared/contract/methods/prompt'
import { expandCrop } from './helpers'

const W = 512
const H = 384
let dir: string
let ws: Workstation

function readF32(p: string): Float32Array {
  const b = readFileSync(p)
  const out = new Float32Array(b.length / 4)
  new Uint8Array(out.buffer).set(b)
  return out
}

beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'twinlight-tiny-prompt-')) })
afterAll(async () => {
  await releasePrompt(ws)
  if (ws.hasProject) await ws.closeProject()
  rmSync(dir, { recursive: true, force: true })
})

describe('tiny package prompt decoder through promptSegment', () => {
  it('reproduces the package fixture click mask', async () => {
    const pkg = TINY_MODEL_DIR()
    const pdir = join(pkg, 'parity')
    const fx = JSON.parse(readFileSync(join(pdir, 'prompt.json'), 'utf8')) as { pointCoords: number[][][]; files: { masks: string; iou: string }; shapes: { masks: number[] } }
    const raw = readFileSync(join(pdir, (JSON.parse(readFileSync(join(pdir, 'parity.json'), 'utf8')) as { files: { rawU8: string } }).files.rawU8))
    writeFileSync(join(dir, 'img.png'), await sharp(raw, { raw: { width: W, height: H, channels: 4 } }).png().toBuffer())
    ws = testWorkstation(join(dir, 'data'))
    await ws.createProject(join(dir, 'p.twinlight'), 'p', classPreset('mfnet'))
    const st = ws.project
    const id = st.images.insert({ name: 'img', split: 'test', rgbPath: st.toStoredPath(join(dir, 'img.png')), thermalPath: st.toStoredPath(join(dir, 'img.png')), thermalChannel: 3, width: W, height: H, thermalBits: 8 })
    const cfg = await registerPromptModel(st, { folder: pkg })
    expect(cfg).toMatchObject({ kind: 'package', format: 'sam2' })
    const [x, y] = fx.pointCoords[0]![0]! // frame = image size here (resize policy, 512x384)
    const r = await createDispatcher(allHandlers(ws), () => undefined).call('promptSegment', { imageId: id, points: [{ x, y, label: 1 }] })
    if (!r.ok) throw new Error(r.error.message)
    const got = r.result as PromptSegmentResult
    const mine = got.area ? expandCrop(fromBase64Deflated(got.data, got.bbox.w * got.bbox.h, 'mask'), got.bbox, W, H) : new Uint8Array(W * H)

    // reference: best mask by predicted IoU, bilinear (half-pixel) to 512x384, > 0
    const [, m, mh, mw] = fx.shapes.masks as [number, number, number, number]
    const masks = readF32(join(pdir, fx.files.masks))
    const iou = readF32(join(pdir, fx.files.iou))
    let best = 0
    for (let k = 1; k < m; k++) if (iou[k]! > iou[best]!) best = k
    const L = masks.subarray(best * mh * mw, (best + 1) * mh * mw)
    let agree = 0, refArea = 0
    for (let py = 0; py < H; py++) {
      const v = Math.min(mh - 1, Math.max(0, (py + 0.5) * (mh / H) - 0.5))
      const j = Math.floor(v), fy = v - j, j1 = Math.min(j + 1, mh - 1)
      for (let px = 0; px < W; px++) {
        const u = Math.min(mw - 1, Math.max(0, (px + 0.5) * (mw / W) - 0.5))
        const i = Math.floor(u), fxx = u - i, i1 = Math.min(i + 1, mw - 1)
        const top = L[j * mw + i]! + (L[j * mw + i1]! - L[j * mw + i]!) * fxx
        const bot = L[j1 * mw + i]! + (L[j1 * mw + i1]! - L[j1 * mw + i]!) * fxx
        const ref = top + (bot - top) * fy > 0 ? 1 : 0
        refArea += ref
        if (ref === mine[py * W + px]) agree++
      }
    }
    console.log(`tiny package fixture click (${x}, ${y}): Twinlight mask ${got.area} px, reference ${refArea} px, agreement ${(100 * agree / (W * H)).toFixed(3)}%, score ${got.score.toFixed(3)} vs ${iou[best]!.toFixed(3)}`)
    expect(refArea).toBeGreaterThan(0)
    expect(agree / (W * H)).toBeGreaterThanOrEqual(0.995)
    expect(got.score).toBeCloseTo(iou[best]!, 3)
  })
})
