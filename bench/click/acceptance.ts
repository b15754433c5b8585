/**
 * Issue 8 acceptance measurement: one click inside each of the first 50 generated cars/persons
 * (visible area ≥ 400 px, 640x480 scenes from a seed no training run used) through the contract
 * (promptSegment, embedding prepared first) → IoU against the object's instance mask.
 * Pass: IoU ≥ 0.7 on ≥ 80% of the objects. The click is the object's deepest pixel (repeated 3x3
 * erosion, as model/train_prompt.py's evaluation), so "inside" means well inside.
 *
 *   npx tsx bench/click/acceptance.ts [PACKAGE_DIR]   (default resources/models/tiny-sartm)
 *
 * Also used by test/click when the package has a prompt decoder.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { classPreset } from '../../src/main/core/classPresets'
import { generateScene } from '../../src/main/core/datasets/synthetic/scene'
import { sceneSeed, writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import { registerPromptModel } from '../../src/main/core/click/register'
import { releasePrompt, whenIdle } from '../../src/main/core/click/service'
import { fromBase64Deflated } from '../../src/main/core/store/labelCodec'
import { createWorkstation } from '../../src/main/core/app'
import type { PromptSegmentResult } from '@shared/contract/methods/prompt'

/** The seed of the wider 200-object sample (no training run used it; settings were chosen on seed 2). */
export const WIDE_SEED = 7

export interface AcceptanceResult {
  package: string
  objects: number
  perClass: Record<string, number>
  meanIou: number
  shareIouAtLeast07: number
  pass: boolean
  ious: number[]
  /** After one corrective click at the deepest error pixel (the NoC protocol of interactive segmentation). */
  twoClicks: {
    meanIou: number
    shareIouAtLeast07: number
    /** Over the objects whose first click missed (IoU < 0.7): mean IoU after one click, then after two. */
    missed: { objects: number; meanIouBefore: number; meanIouAfter: number }
  }
  clickMs: { p50: number; p95: number }
}

/** Deepest pixel of a binary mask (w x h) by repeated 4-neighbour erosion. */
export function deepestPoint(mask: Uint8Array, w: number, h: number): { x: number; y: number } {
  let cur = mask
  for (;;) {
    const er = new Uint8Array(w * h)
    let any = false
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1; x < w - 1; x++) {
        const i = y * w + x
        if (cur[i] && cur[i - 1] && cur[i + 1] && cur[i - w] && cur[i + w]) { er[i] = 1; any = true }
      }
    }
    if (!any) {
      const idx: number[] = []
      for (let i = 0; i < cur.length; i++) if (cur[i]) idx.push(i)
      const i = idx[idx.length >> 1]!
      return { x: i % w, y: Math.floor(i / w) }
    }
    cur = er
  }
}

export async function runAcceptance(packageDir: string, opts: { objects?: number; seed?: number; minArea?: number } = {}): Promise<AcceptanceResult> {
  const N = opts.objects ?? 50
  const SEED = opts.seed ?? 4242
  const minArea = opts.minArea ?? 400
  const W = 640
  const H = 480
  const dir = mkdtempSync(join(tmpdir(), 'twinlight-accept-'))
  const ws = createWorkstation({ dataDir: join(dir, 'data'), transport: 'http' })
  try {
    // enough scenes for N objects (a scene has a few cars/people of that size)
    const count = Math.ceil(N / 2)
    const ds = await writeSyntheticDataset(join(dir, 'ds'), { count, seed: SEED, width: W, height: H, compressionLevel: 1 })
    await ws.createProject(join(dir, 'accept.twinlight'), 'accept', classPreset('mfnet'))
    const st = ws.project
    const ids = ds.names.map((name) => {
      const f = join(dir, 'ds', 'images', `${name}.png`)
      return st.images.insert({ name, split: 'test', rgbPath: st.toStoredPath(f), thermalPath: st.toStoredPath(f), thermalChannel: 3, width: W, height: H, thermalBits: 8, contentHash: `accept-${SEED}-${name}` })
    })
    await registerPromptModel(st, { folder: packageDir })
    const api = createDispatcher(allHandlers(ws), () => undefined)
    const ious: number[] = []
    const ious2: number[] = []
    const ms: number[] = []
    const segment = async (imageId: number, points: { x: number; y: number; label: 0 | 1 }[]): Promise<PromptSegmentResult> => {
      const r = await api.call('promptSegment', { imageId, points })
      if (!r.ok) throw new Error(r.error.message)
      return r.result as PromptSegmentResult
    }
    const overlap = (m: PromptSegmentResult, gt: Uint8Array, gtArea: number): { iou: number; pred: Uint8Array } => {
      const pred = new Uint8Array(W * H)
      let inter = 0
      let uni = gtArea
      if (m.area > 0) {
        const crop = fromBase64Deflated(m.data, m.bbox.w * m.bbox.h, 'mask')
        for (let y = 0; y < m.bbox.h; y++) {
          for (let x = 0; x < m.bbox.w; x++) {
            if (!crop[y * m.bbox.w + x]) continue
            const i = (m.bbox.y + y) * W + m.bbox.x + x
            pred[i] = 1
            if (gt[i]) inter++
            else uni++
          }
        }
      }
      return { iou: inter / uni, pred }
    }
    const perClass: Record<string, number> = { car: 0, person: 0 }
    for (let k = 0; k < ids.length && ious.length < N; k++) {
      await api.call('prepareEmbeddings', { imageIds: ids.slice(k, k + 2) })
      await whenIdle(ws)
      const s = generateScene(sceneSeed(SEED, k), { width: W, height: H })
      for (const o of s.objects) {
        if (ious.length >= N) break
        if ((o.classIndex !== 1 && o.classIndex !== 2) || o.area < minArea) continue
        const gt = new Uint8Array(W * H)
        for (let i = 0; i < gt.length; i++) gt[i] = s.instances[i] === o.id ? 1 : 0
        const c = deepestPoint(gt, W, H)
        const t0 = performance.now()
        const first = await segment(ids[k]!, [{ x: c.x, y: c.y, label: 1 }])
        ms.push(performance.now() - t0)
        const a = overlap(first, gt, o.area)
        ious.push(a.iou)
        // the interactive-segmentation protocol's next click: deepest pixel of the error (missed →
        // positive, spilled → negative), decoded with the first mask as mask_input
        if (a.iou < 1) {
          const err = new Uint8Array(W * H)
          for (let i = 0; i < err.length; i++) err[i] = a.pred[i] !== gt[i] ? 1 : 0
          const e = deepestPoint(err, W, H)
          const second = await segment(ids[k]!, [{ x: c.x, y: c.y, label: 1 }, { x: e.x, y: e.y, label: gt[e.y * W + e.x] ? 1 : 0 }])
          ious2.push(overlap(second, gt, o.area).iou)
        } else ious2.push(1)
        perClass[o.classIndex === 1 ? 'car' : 'person']!++
      }
    }
    await releasePrompt(ws)
    const share = ious.filter((v) => v >= 0.7).length / ious.length
    const mean = (v: number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0)
    const missed = ious.map((v, i) => (v < 0.7 ? i : -1)).filter((i) => i >= 0)
    const sorted = [...ms].sort((a, b) => a - b)
    return {
      package: packageDir,
      objects: ious.length,
      perClass,
      meanIou: +mean(ious).toFixed(4),
      shareIouAtLeast07: +share.toFixed(4),
      pass: ious.length >= N && share >= 0.8,
      ious: ious.map((v) => +v.toFixed(3)),
      twoClicks: {
        meanIou: +mean(ious2).toFixed(4),
        shareIouAtLeast07: +(ious2.filter((v) => v >= 0.7).length / ious2.length).toFixed(4),
        missed: { objects: missed.length, meanIouBefore: +mean(missed.map((i) => ious[i]!)).toFixed(4), meanIouAfter: +mean(missed.map((i) => ious2[i]!)).toFixed(4) }
      },
      clickMs: { p50: +sorted[sorted.length >> 1]!.toFixed(1), p95: +sorted[Math.floor(0.95 * (sorted.length - 1))]!.toFixed(1) }
    }
  } finally {
    if (ws.hasProject) await ws.closeProject()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const pkg = process.argv[2] ?? fileURLToPath(new URL('../../resources/models/tiny-sartm', import.meta.url))
  const r = await runAcceptance(pkg)
  console.log(JSON.stringify({ ...r, ious: undefined }, null, 2))
  // 50 objects give the share to about ±6 points: the same measurement on 200 objects of another
  // seed says how far the 50 are from the decoder's rate
  const wide = await runAcceptance(pkg, { seed: WIDE_SEED, objects: 200 })
  const wideSummary = { seed: WIDE_SEED, ...wide, ious: undefined, package: undefined }
  console.log(JSON.stringify({ wide: wideSummary }, null, 2))
  // recorded beside the latency numbers
  const out = fileURLToPath(new URL('../results/click.json', import.meta.url))
  const prev = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {}
  const date = new Date().toISOString()
  writeFileSync(out, JSON.stringify({ ...prev, acceptance: { ...r, date }, acceptanceWide: { ...wideSummary, date } }, null, 2) + '\n')
  process.exitCode = r.pass ? 0 : 1
}
