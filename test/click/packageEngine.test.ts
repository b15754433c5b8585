/**
 * A model package's own prompt decoder (parts.promptDecoder, SAM2 interface), as the tiny SARTM
 * package will ship it: registered by folder, the backbone's mapped outputs feed the decoder, the
 * click goes into the package's input frame (pad-bottom-right, 640x480 → 256x192 in a 256 frame)
 * and the 64x64 frame logits come back at image size around the click. The fixture decoder paints
 * a disc of radius 16 frame px (= 40 image px here) around the prompt centre.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDispatcher, type Dispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { readPromptConfig } from '../../src/main/core/click/config'
import { registerPromptModel } from '../../src/main/core/click/register'
import { releasePrompt, whenIdle } from '../../src/main/core/click/service'
import { fromBase64Deflated } from '../../src/main/core/store/labelCodec'
import type { Workstation } from '../../src/main/core/workstation'
import type { PromptSegmentResult } from '@shared/contract/methods/prompt'
import { makeProject } from '../models/helpers'
import { expandCrop, makePromptPackage, PYTHON } from './helpers'

const W = 640
const H = 480
let dir: string
let ws: Workstation
let api: Dispatcher
let ids: number[]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twinlight-ppkg-test-'))
  const p = await makeProject(dir, 2, { width: W, height: H, seed: 5 })
  ws = p.ws
  ids = p.ids
  api = createDispatcher(allHandlers(ws), () => undefined)
})
afterAll(async () => {
  await releasePrompt(ws)
  await ws.closeProject()
  rmSync(dir, { recursive: true, force: true })
})

async function segment(args: unknown): Promise<PromptSegmentResult> {
  const r = await api.call('promptSegment', args)
  if (!r.ok) throw new Error(r.error.message)
  return r.result as PromptSegmentResult
}

describe('model package prompt decoder', () => {
  it('registers by folder and maps a click through the package frame to a mask at image size', async () => {
    const cfg = await registerPromptModel(ws.project, { folder: makePromptPackage(join(dir, 'pkg')) })
    expect(cfg).toMatchObject({ kind: 'package', format: 'sam2', name: 'test-prompt-pkg' })
    expect(cfg.id).toMatch(/^test-prompt-pkg@0\.0\.1:/)
    await api.call('prepareEmbeddings', { imageIds: ids })
    await whenIdle(ws)
    const r = await segment({ imageId: ids[0], points: [{ x: 200, y: 150, label: 1 }] })
    expect(r.cached).toBe(true)
    expect(r.score).toBeCloseTo(0.9, 2)
    const m = expandCrop(fromBase64Deflated(r.data, r.bbox.w * r.bbox.h, 'mask'), r.bbox, W, H)
    let sx = 0, sy = 0
    for (let i = 0; i < m.length; i++) if (m[i]) { sx += (i % W) + 0.5; sy += Math.floor(i / W) + 0.5 }
    expect(Math.abs(sx / r.area - 200)).toBeLessThan(2)
    expect(Math.abs(sy / r.area - 150)).toBeLessThan(2)
    expect(Math.abs(r.bbox.w - 80)).toBeLessThanOrEqual(4)
    expect(Math.abs(r.area - Math.PI * 1600) / (Math.PI * 1600)).toBeLessThan(0.08)
    // near the bottom edge the mask stops at the image (padding rows are never mapped back)
    const low = await segment({ imageId: ids[1], points: [{ x: 600, y: 470, label: 1 }] })
    expect(low.bbox.y + low.bbox.h).toBeLessThanOrEqual(H)
    expect(low.bbox.x + low.bbox.w).toBeLessThanOrEqual(W)
    expect(low.area).toBeGreaterThan(0.2 * Math.PI * 1600)
  })

  it('notices a package file replaced in place: new id, so old cached embeddings are not used', async () => {
    const pkg = join(dir, 'pkg2')
    const before = await registerPromptModel(ws.project, { folder: makePromptPackage(pkg) })
    expect((await segment({ imageId: ids[0], points: [{ x: 200, y: 150, label: 1 }] })).area).toBeGreaterThan(0)
    // an update of the package: same graph, different bytes (doc string)
    execFileSync(PYTHON, ['-c', `import onnx, sys; m = onnx.load(sys.argv[1]); m.doc_string = 'v2'; onnx.save(m, sys.argv[1])`, join(pkg, 'prompt_decoder.onnx')])
    const r = await segment({ imageId: ids[0], points: [{ x: 200, y: 150, label: 1 }] })
    const after = readPromptConfig(ws.project)!
    expect(after.id).not.toBe(before.id)
    expect(after.id.startsWith('test-prompt-pkg@0.0.1:')).toBe(true)
    expect(after.stamp).not.toBe(before.stamp)
    expect(r.cached).toBe(false) // computed again for the new files, not read back from the old key
    expect(r.area).toBeGreaterThan(0)
  })
})
