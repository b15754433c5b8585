/**
 * Click tools through the contract (dispatcher + handlers, as both transports call them) on a
 * project of generated 640x480 MFNet images: the wand on people, the prompt model registered in
 * project meta, background embeddings (queue → ready, on disk), promptSegment from the cache (also
 * after a restart: disk), the encoder source as part of the key, and a click mask committed with
 * applyEdit as one undo entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDispatcher, type Dispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { generateScene } from '../../src/main/core/datasets/synthetic/scene'
import { sceneSeed } from '../../src/main/core/datasets/synthetic/writeDataset'
import { fromBase64Deflated } from '../../src/main/core/store/labelCodec'
import { writePromptConfig } from '../../src/main/core/click/config'
import { releasePrompt, whenIdle } from '../../src/main/core/click/service'
import type { Workstation } from '../../src/main/core/workstation'
import type { PromptSegmentResult, WandResultDto } from '@shared/contract/methods/prompt'
import { makeProject, openWorkstation } from '../models/helpers'
import { expandCrop, makeSamGraphs, type SamGraphs } from './helpers'

const W = 640
const H = 480
const SEED = 11
let dir: string
let g: SamGraphs
let ws: Workstation
let api: Dispatcher
let ids: number[]
let projectPath: string
let dataDir: string

async function call<T>(d: Dispatcher, method: string, args: unknown): Promise<T> {
  const r = await d.call(method, args)
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`)
  return r.result as T
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twinlight-prompt-'))
  g = makeSamGraphs(join(dir, 'graphs'))
  const p = await makeProject(dir, 4, { width: W, height: H, seed: SEED })
  ws = p.ws
  ids = p.ids
  projectPath = p.projectPath
  dataDir = p.dataDir
  api = createDispatcher(allHandlers(ws), () => undefined)
})

afterAll(async () => {
  await releasePrompt(ws)
  await ws.closeProject()
  rmSync(dir, { recursive: true, force: true })
})

describe('click tools through the contract', () => {
  it('wandSelect: a click on a generated person returns that person (IoU reported)', async () => {
    const ious: number[] = []
    const times: number[] = []
    for (let i = 0; i < ids.length; i++) {
      const s = generateScene(sceneSeed(SEED, i), { width: W, height: H })
      for (const o of s.objects.filter((q) => q.classIndex === 2 && q.area >= 150)) {
        const [bx, by, bw, bh] = o.bbox
        let c = { x: -1, y: -1, d: Infinity }
        for (let y = by; y < by + bh; y++) for (let x = bx; x < bx + bw; x++) {
          const d = (x - bx - bw / 2) ** 2 + (y - by - bh / 2) ** 2
          if (s.instances[y * W + x] === o.id && d < c.d) c = { x, y, d }
        }
        const t0 = performance.now()
        const r = await call<WandResultDto>(api, 'wandSelect', { imageId: ids[i], x: c.x, y: c.y, tolerance: 40, useRgbEdges: false })
        times.push(performance.now() - t0)
        expect(r.encoding).toBe('deflate-base64')
        const m = expandCrop(fromBase64Deflated(r.data, r.bbox.w * r.bbox.h, 'wand'), r.bbox, W, H)
        expect(m.reduce((n, v) => n + v, 0)).toBe(r.area)
        let inter = 0, uni = 0
        for (let k = 0; k < m.length; k++) {
          const a = m[k] === 1, b = s.instances[k] === o.id
          if (a && b) inter++
          if (a || b) uni++
        }
        ious.push(inter / uni)
      }
    }
    console.log(`wandSelect over the contract: ${ious.length} people, IoU ${ious.map((v) => v.toFixed(2)).join(' ')}; call ms first ${times[0]!.toFixed(1)}, median ${[...times].sort((a, b) => a - b)[times.length >> 1]!.toFixed(1)}`)
    expect(ious.length).toBeGreaterThanOrEqual(3)
    expect(ious.filter((v) => v >= 0.6).length / ious.length).toBeGreaterThanOrEqual(0.7)
    const bad = await api.call('wandSelect', { imageId: ids[0], x: W, y: 0 })
    expect(bad.ok ? null : bad.error.code).toBe('invalid_argument')
  })

  it('without a registered prompt model: getPromptModel is null, promptSegment is a conflict', async () => {
    expect(await call(api, 'getPromptModel', {})).toBeNull()
    expect(await call(api, 'getEmbeddingStatus', { imageId: ids[0] })).toEqual({ imageId: ids[0], state: 'absent' })
    const r = await api.call('promptSegment', { imageId: ids[0], points: [{ x: 10, y: 10, label: 1 }] })
    expect(r.ok ? null : r.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/add-model/) })
  })

  it('embeddings: queued in the background, ready on disk, first click served from the cache; commit is one undo entry', async () => {
    writePromptConfig(ws.project, { name: 'test SAM', kind: 'onnx-pair', format: 'sam', id: 'test-sam-0001', encoder: g.samEncoder, decoder: g.samDecoder, source: 'rgb', addedAt: new Date().toISOString() })
    expect(await call(api, 'getPromptModel', {})).toMatchObject({ format: 'sam', source: 'rgb', id: 'test-sam-0001' })
    const prep = await call<{ queued: number; states: { state: string }[] }>(api, 'prepareEmbeddings', { imageIds: ids.slice(0, 3) })
    expect(prep.queued).toBe(3)
    expect(prep.states.every((s) => s.state === 'computing' || s.state === 'queued')).toBe(true)
    await whenIdle(ws)
    for (const id of ids.slice(0, 3)) expect(await call(api, 'getEmbeddingStatus', { imageId: id })).toEqual({ imageId: id, state: 'ready' })
    expect(await call(api, 'getEmbeddingStatus', { imageId: ids[3] })).toEqual({ imageId: ids[3], state: 'absent' })
    expect(readdirSync(join(dataDir, 'cache', 'prompt-embeddings')).filter((f) => f.endsWith('.pemb'))).toHaveLength(3)

    const seg = await call<PromptSegmentResult>(api, 'promptSegment', { imageId: ids[1], points: [{ x: 300, y: 200, label: 1 }] })
    expect(seg.cached).toBe(true)
    expect(seg.ms.encode).toBeLessThan(250) // no encoder run (that takes ~700 ms here)
    expect(seg.bbox.x).toBeGreaterThanOrEqual(258)
    expect(seg.bbox.x + seg.bbox.w).toBeLessThanOrEqual(342)
    expect(Math.abs(seg.area - Math.PI * 1600) / (Math.PI * 1600)).toBeLessThan(0.05)

    // commit as class 2 (person) through applyEdit: the rect's new values, one undo entry
    const mask = fromBase64Deflated(seg.data, seg.bbox.w * seg.bbox.h, 'mask')
    const values = new Uint8Array(mask.length)
    for (let k = 0; k < mask.length; k++) values[k] = mask[k] ? 2 : 0
    const { deflateSync } = await import('node:zlib')
    ws.project.annotations.ensure(ids[1]!, W, H) // the editor opens an empty map the same way
    const hist0 = await call<{ state: { head: number } }>(api, 'getHistory', { imageId: ids[1] })
    const edit = await call<{ pixels: number }>(api, 'applyEdit', {
      imageId: ids[1], label: 'Click mask (person)', baseSeq: hist0.state.head, rect: seg.bbox, data: deflateSync(values).toString('base64')
    })
    expect(edit.pixels).toBe(seg.area)
    const hist = await call<{ entries: { label: string }[] }>(api, 'getHistory', { imageId: ids[1] })
    expect(hist.entries.map((e) => e.label)).toEqual(['Click mask (person)'])
    await call(api, 'undo', { imageId: ids[1] })
    const map = await call<{ data: string; width: number; height: number }>(api, 'getLabelMap', { imageId: ids[1] })
    expect(fromBase64Deflated(map.data, W * H, 'map').every((v) => v === 0)).toBe(true)

    // a click on an image with no embedding yet computes it on the spot
    const cold = await call<PromptSegmentResult>(api, 'promptSegment', { imageId: ids[3], points: [{ x: 100, y: 100, label: 1 }], box: { x0: 50, y0: 50, x1: 150, y1: 150 } })
    expect(cold.cached).toBe(false)
    expect(cold.area).toBeGreaterThan(0)
  })

  it('a click added to a prompt is decoded with the previous mask as mask_input (SAM refinement)', async () => {
    // The test SAM graph adds 1e-4 * has_mask_input * mean(mask_input) to its score, and its
    // low-res disc logits average far below 0: a refined decode scores measurably lower.
    const p1 = { x: 200, y: 150, label: 1 as const }
    const p2 = { x: 210, y: 160, label: 1 as const }
    const seg = (points: (typeof p1)[]) => call<PromptSegmentResult>(api, 'promptSegment', { imageId: ids[2], points })
    const fresh = await seg([p1, p2]) // nothing remembered for [p1] yet
    const first = await seg([p1])
    expect((await seg([p1])).score).toBe(first.score) // a first click is never refined
    const refined = await seg([p1, p2])
    expect(Math.abs(refined.area - fresh.area)).toBeLessThan(0.02 * fresh.area) // same disc (the term shifts its edge a little)
    expect(refined.score).toBeLessThan(fresh.score - 1e-3)
    // another image's prompt with the same points does not inherit this image's mask
    const other = await call<PromptSegmentResult>(api, 'promptSegment', { imageId: ids[0], points: [p1, p2] })
    expect(Math.abs(other.score - fresh.score)).toBeLessThan(1e-4)
  })

  it('after a restart the embedding comes from disk; the encoder source is part of the key', async () => {
    const before = await call<PromptSegmentResult>(api, 'promptSegment', { imageId: ids[0], points: [{ x: 500, y: 400, label: 1 }] })
    await releasePrompt(ws)
    await ws.closeProject()
    ws = await openWorkstation(dataDir)
    await ws.openProject(projectPath)
    api = createDispatcher(allHandlers(ws), () => undefined)
    expect(await call(api, 'getEmbeddingStatus', { imageId: ids[0] })).toEqual({ imageId: ids[0], state: 'ready' })
    const after = await call<PromptSegmentResult>(api, 'promptSegment', { imageId: ids[0], points: [{ x: 500, y: 400, label: 1 }] })
    expect(after.cached).toBe(true)
    expect(after.bbox).toEqual(before.bbox)
    expect(after.data).toBe(before.data)
    expect(await call(api, 'setPromptSource', { source: 'thermal' })).toMatchObject({ source: 'thermal' })
    expect(await call(api, 'getEmbeddingStatus', { imageId: ids[0] })).toEqual({ imageId: ids[0], state: 'absent' })
    const bad = await api.call('setPromptSource', { source: 'depth' })
    expect(bad.ok ? null : bad.error.code).toBe('invalid_argument')
  })
})
