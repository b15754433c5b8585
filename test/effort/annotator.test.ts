// The simulated annotator's accounting: region decisions, NoC clicks, brush strokes, totals.
import { describe, expect, it } from 'vitest'
import { brushStrokes, correctImage, DEFAULT_RULE, regionDecisions, withDiscard, type Effort, type Truth } from '../../bench/effort/annotator'
import { clickUntil, iouAfter, nocAt, type ClickPoint } from '../../bench/effort/noc'
import type { CropMask } from '../../bench/effort/masks'
import { proposalRegions } from '@shared/labelmap/regions'

const W = 40
const H = 30

/** A truth with one car (class 1) as a 10x8 box at (5, 5) and one person (class 2) 6x12 at (25, 10). */
function scene(): Truth {
  const label = new Uint8Array(W * H)
  const instances = new Uint16Array(W * H)
  const box = (id: number, c: number, x0: number, y0: number, w: number, h: number) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) { label[y * W + x] = c; instances[y * W + x] = id }
  }
  box(1, 1, 5, 5, 10, 8)
  box(2, 2, 25, 10, 6, 12)
  return { width: W, height: H, label, instances, objects: [{ id: 1, classIndex: 1, bbox: [5, 5, 10, 8], area: 80 }, { id: 2, classIndex: 2, bbox: [25, 10, 6, 12], area: 72 }] }
}

/** A perfect click tool: the instance under the first positive click. */
const oracle = (t: Truth) => () => async (pts: ClickPoint[]): Promise<CropMask> => {
  const id = t.instances[pts[0]!.y * W + pts[0]!.x]!
  const data = new Uint8Array(W * H)
  for (let i = 0; i < data.length; i++) data[i] = t.instances[i] === id ? 1 : 0
  return { x: 0, y: 0, w: W, h: H, data }
}

const regionsOf = (map: Uint8Array) => {
  const r = proposalRegions(map, null, W, H, [0])
  return { ids: r.ids, list: r.regions }
}

describe('simulated annotator', () => {
  it('a proposal equal to the truth needs 0 actions and 0 pixels', async () => {
    const t = scene()
    const e = await correctImage(t.label, t, regionsOf(t.label), oracle(t), DEFAULT_RULE)
    expect(e).toMatchObject({ pixelsToFix: 0, actions: 0, clicks: 0, strokes: 0, rejects: 0, relabels: 0 })
  })

  it('a region of the wrong class is relabelled, a false one rejected: 2 actions', async () => {
    const t = scene()
    const p = Uint8Array.from(t.label)
    for (let i = 0; i < p.length; i++) if (t.label[i] === 1) p[i] = 3 // car called bike
    for (let y = 20; y < 26; y++) for (let x = 2; x < 10; x++) p[y * W + x] = 2 // a ghost person
    const r = regionsOf(p)
    const d = regionDecisions(r.ids, r.list, t.label, 255)
    expect(d.map((x) => x.action).sort()).toEqual(['accept', 'reject', 'relabel'])
    const e = await correctImage(p, t, r, oracle(t), DEFAULT_RULE)
    expect(e).toMatchObject({ pixelsToFix: 80 + 48, rejects: 1, relabels: 1, clicks: 0, strokes: 0, actions: 2 })
  })

  it('with no proposal, each object costs one click with a perfect tool', async () => {
    const t = scene()
    // With the default 8x64 brush one stroke covers each object: a tie, and ties go to the brush.
    expect(await correctImage(new Uint8Array(W * H), t, null, oracle(t), DEFAULT_RULE)).toMatchObject({ clicks: 0, strokes: 2, actions: 2 })
    const e = await correctImage(new Uint8Array(W * H), t, null, oracle(t), { ...DEFAULT_RULE, brush: 2, strokeLength: 10 })
    expect(e).toMatchObject({ pixelsToFix: 152, clicks: 2, objectsClicked: 2, strokes: 0, actions: 2 })
  })

  it('an object one stroke fixes is brushed, not clicked; a worse one is clicked', async () => {
    const t = scene()
    // A tool that needs three clicks: the first two answers spill over the whole window.
    const slow = () => async (pts: ClickPoint[]): Promise<CropMask> => {
      if (pts.length >= 3) return oracle(t)()(pts)
      return { x: 0, y: 0, w: W, h: H, data: new Uint8Array(W * H).fill(1) }
    }
    const p = Uint8Array.from(t.label)
    for (let y = 10; y < 13; y++) for (let x = 5; x < 15; x++) p[y * W + x] = 0 // the car's bottom 3 rows missed: IoU 0.625
    const e = await correctImage(p, t, null, slow, DEFAULT_RULE)
    expect(e).toMatchObject({ clicks: 0, objectsClicked: 0, strokes: 1, actions: 1 })
    // The first runs' rule clicks it anyway: three clicks.
    expect(await correctImage(p, t, null, slow, { ...DEFAULT_RULE, objects: 'click' })).toMatchObject({ clicks: 3, objectsClicked: 1, strokes: 0, actions: 3 })
    // The car missed entirely with a small brush: 80 px are 4 strokes of 20 px, 3 clicks are cheaper.
    const small = { ...DEFAULT_RULE, brush: 2, strokeLength: 10 }
    const none = await correctImage(new Uint8Array(W * H), t, null, slow, small)
    expect(none).toMatchObject({ clicks: 6, objectsClicked: 2, strokes: 0, actions: 6 })
  })

  it('without a click tool the brush does it: strokes by area, slivers tolerated', async () => {
    const t = scene()
    const rule = { ...DEFAULT_RULE, brush: 4, strokeLength: 10 } // 40 px a stroke
    const e = await correctImage(new Uint8Array(W * H), t, null, null, rule)
    expect(e).toMatchObject({ clicks: 0, strokes: 2 + 2, actions: 4 }) // 80 px → 2, 72 px → 2
    const sliver = Uint8Array.from(t.label)
    for (let y = 5; y < 13; y++) sliver[y * W + 5] = 0 // a 1-px column of the car missed
    expect(brushStrokes(sliver, t.label, W, H, rule)).toEqual({ strokes: 0, tolerated: 8 })
  })

  it('a proposal dearer to correct than to redo is erased (1 stroke at 30 rows) and done from nothing', () => {
    const e = (actions: number, pixelsToFix = 0): Effort => ({ pixelsToFix, rejects: 0, relabels: 0, clicks: actions, objectsClicked: 0, strokes: 0, residualPixels: 0, actions })
    expect(withDiscard(e(50, 900), e(10, 300), H)).toMatchObject({ actions: 11, strokes: 1, pixelsToFix: 900, discarded: true })
    const kept = withDiscard(e(11, 900), e(10, 300), H)
    expect(kept.actions).toBe(11)
    expect(kept.discarded).toBeUndefined()
  })

  it('NoC: a tool that needs a second (negative) click; counts and IoU curve', async () => {
    const obj: CropMask = { x: 0, y: 0, w: 10, h: 10, data: new Uint8Array(100).fill(1) }
    // first answer spills 10 columns to the right; with a negative point it is exact
    const tool = async (pts: ClickPoint[]): Promise<CropMask> => (pts.length === 1 ? { x: 0, y: 0, w: 20, h: 10, data: new Uint8Array(200).fill(1) } : obj)
    const run = await clickUntil(obj, tool, { target: 0.9, maxClicks: 20 })
    expect(run.ious).toEqual([0.5, 1])
    expect(run.clicks).toBe(2)
    expect(nocAt(run.ious, 0.85, 20)).toBe(2)
    expect(nocAt([0.5, 0.6], 0.9, 20)).toBe(20)
    expect(iouAfter(run.ious, 3)).toBe(1)
  })

  it('NoC: the second click is negative, at the centre of the spill', async () => {
    const obj: CropMask = { x: 0, y: 0, w: 10, h: 10, data: new Uint8Array(100).fill(1) }
    const seen: ClickPoint[][] = []
    const tool = async (pts: ClickPoint[]): Promise<CropMask> => { seen.push(pts.map((p) => ({ ...p }))); return { x: 0, y: 0, w: 21, h: 10, data: new Uint8Array(210).fill(1) } }
    const run = await clickUntil(obj, tool, { target: 0.9, maxClicks: 20, patience: 2 })
    expect(seen[0]).toEqual([{ x: 4, y: 4, label: 1 }])
    expect(seen[1]![1]).toEqual({ x: 15, y: 4, label: 0 })
    expect(run.clicks).toBe(3) // gave up after two clicks that did not help
  })
})
