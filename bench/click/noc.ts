/**
 * NoC figures of the click tools (issue 20 item 4): on generated 640x480 street scenes, for each
 * car/person of at least 400 px, the NoC protocol (bench/effort/noc.ts: first click at the
 * object's deepest pixel, then at the deepest error pixel, positive or negative, at most 20) through
 * the contract, for the thermal wand (wandSelect; a positive click adds its region, a negative one
 * removes its region), the tiny package's prompt decoder and the test SAM pair (promptSegment).
 * Reports NoC@85, NoC@90, mean IoU after 1 and 3 clicks and the click latency of the same calls.
 *   npx tsx bench/click/noc.ts [--objects 50] [--seed 4242]   → bench/results/noc.json
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { classPreset } from '../../src/main/core/classPresets'
import { registerPromptModel, type RegisterArgs } from '../../src/main/core/click/register'
import { releasePrompt } from '../../src/main/core/click/service'
import { generateScene } from '../../src/main/core/datasets/synthetic/scene'
import { sceneSeed, writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import type { WandResultDto } from '@shared/contract/methods/prompt'
import type { ImagePage } from '@shared/contract/types'
import { cropWhere, type CropMask } from '../effort/masks'
import { clickUntil, iouAfter, nocAt, type ClickPoint, type ClickTool } from '../effort/noc'
import { Session, toCrop } from '../effort/session'

const { values } = parseArgs({ options: { objects: { type: 'string', default: '50' }, seed: { type: 'string', default: '4242' } } })
const N = Number(values.objects)
const SEED = Number(values.seed)
const W = 640
const H = 480
const MAX = 20
const root = fileURLToPath(new URL('../../', import.meta.url))

/** Wand clicks combined: union of the positive clicks' regions minus the negative clicks' regions. */
function wandTool(s: Session, imageId: number, ms: number[]): ClickTool {
  const regions: CropMask[] = []
  return async (points: ClickPoint[]) => {
    const p = points[points.length - 1]!
    const t = performance.now()
    regions.push(toCrop(await s.call<WandResultDto>('wandSelect', { imageId, x: p.x, y: p.y })))
    ms.push(performance.now() - t)
    const full = new Uint8Array(W * H)
    points.forEach((q, k) => {
      const r = regions[k]!
      for (let y = 0; y < r.h; y++) for (let x = 0; x < r.w; x++) if (r.data[y * r.w + x]) full[(r.y + y) * W + r.x + x] = q.label
    })
    return { x: 0, y: 0, w: W, h: H, data: full }
  }
}

async function measure(label: string, dir: string, dsDir: string, prompt: RegisterArgs | null): Promise<Record<string, unknown>> {
  const s = await Session.create(join(dir, `data-${label}`), join(dir, `${label}.twinlight`), label, classPreset('mfnet'))
  try {
    if (prompt) await registerPromptModel(s.ws.project, prompt)
    await s.job('startImport', { dir: dsDir, withoutLabels: true })
    const images = (await s.call<ImagePage>('listImages', { sort: 'name', limit: 1000 })).items
    const runs: number[][] = []
    const ms: number[] = []
    for (const [k, img] of images.entries()) {
      if (runs.length >= N) break
      const scene = generateScene(sceneSeed(SEED, k), { width: W, height: H })
      for (const o of scene.objects) {
        if (runs.length >= N) break
        if ((o.classIndex !== 1 && o.classIndex !== 2) || o.area < 400) continue
        const obj = cropWhere(scene.instances, W, { x: o.bbox[0], y: o.bbox[1], w: o.bbox[2], h: o.bbox[3] }, o.id)
        const tool: ClickTool = prompt
          ? async (points) => { const t = performance.now(); const m = await s.promptTool(img.id)(points); ms.push(performance.now() - t); return m }
          : wandTool(s, img.id, ms)
        runs.push((await clickUntil(obj, tool, { target: 0.9, maxClicks: MAX })).ious)
      }
    }
    const mean = (v: number[]) => +(v.reduce((a, b) => a + b, 0) / v.length).toFixed(3)
    const q = (p: number) => { const v = [...ms].sort((a, b) => a - b); return +v[Math.floor(p * (v.length - 1))]!.toFixed(1) }
    const r = {
      tool: label,
      objects: runs.length,
      nocAt85: mean(runs.map((v) => nocAt(v, 0.85, MAX))),
      nocAt90: mean(runs.map((v) => nocAt(v, 0.9, MAX))),
      reached90: runs.filter((v) => v.some((x) => x >= 0.9)).length,
      meanIouAfter1: mean(runs.map((v) => iouAfter(v, 1))),
      meanIouAfter3: mean(runs.map((v) => iouAfter(v, 3))),
      clicks: ms.length,
      clickMs: { p50: q(0.5), p95: q(0.95) }
    }
    console.log(JSON.stringify(r))
    return r
  } finally {
    await releasePrompt(s.ws)
    await s.ws.dispose()
  }
}

const dir = mkdtempSync(join(tmpdir(), 'twinlight-noc-'))
try {
  const ds = join(dir, 'ds')
  await writeSyntheticDataset(ds, { count: Math.ceil(N / 2) + 5, seed: SEED, width: W, height: H, compressionLevel: 1 })
  const graphs = join(dir, 'graphs')
  execFileSync(existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', [join(root, 'test/click/fixtures/make_sam_graphs.py'), graphs], { stdio: 'pipe' })
  const tiny = join(root, 'resources/models/tiny-sartm')
  const tools = [
    await measure('thermal wand (tolerance 24, RGB edges)', dir, ds, null),
    ...(existsSync(join(tiny, 'prompt_decoder.onnx')) ? [await measure('tiny-sartm prompt decoder', dir, ds, { folder: tiny })] : []),
    { ...(await measure('test SAM pair (disc graph, not a segmenter)', dir, ds, { encoder: join(graphs, 'sam_encoder.onnx'), decoder: join(graphs, 'sam_decoder.onnx'), name: 'test SAM graph' })), note: 'test/click/fixtures/make_sam_graphs.py paints a disc around the mean click: a wiring check, not a model; no real SAM weights are registered on this machine' }
  ]
  const out = {
    bench: 'NoC of the click tools (issue 20 item 4)',
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadavg1m: +loadavg()[0]!.toFixed(2), node: process.version },
    protocol: `cars and persons >= 400 px in generated ${W}x${H} street scenes (seed ${SEED}); click 1 at the object's deepest pixel, next at the deepest pixel of (mask XOR object), positive inside the object; NoC@t = clicks to IoU >= t, ${MAX} when never; IoU after k clicks keeps the last IoU of a run that reached 0.90 earlier`,
    latency: 'clickMs: the same calls through the dispatcher (embedding cached after the first click of an image); bench/results/click.json has the latency bench',
    tools
  }
  mkdirSync(join(root, 'bench/results'), { recursive: true })
  writeFileSync(join(root, 'bench/results/noc.json'), JSON.stringify(out, null, 2) + '\n')
  console.log('wrote bench/results/noc.json')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
