/**
 * Canvas tools as objects, driven without a DOM: each tool writes label pixels only through the
 * edit session, which saves one edit per action and announces every change; a "canvas" that
 * redraws only the announced rectangles ends up showing exactly the map.
 */
import { describe, expect, it } from 'vitest'
import { EditSession } from '../lib/editSession'
import { deflateBase64, inflateBase64 } from '../lib/deflate'
import { extractRect, writeRect, type Rect } from '../lib/rect'
import { stampDisc, stampSegment } from '../lib/paintOps'
import { BrushTool } from './brush/brushTool'
import { eraserTool } from './eraser/eraserTool'
import { FillTool } from './fill/fillTool'
import { PolygonTool } from './polygon/polygonTool'
import { SelectTool } from './select/selectTool'
import { PanTool } from './pan/panTool'
import type { Point, ToolContext, ToolPointer } from './tool'

const W = 40
const H = 30
const history = (head: number) => ({ head, canUndo: head > 0, canRedo: false, undoLabel: null, redoLabel: null })

/** A session on a fake API that records saves and answers undo with the first edit's "before" patch. */
function setup(map = new Uint8Array(W * H)) {
  const saves: { label: string; rect: Rect; data: Uint8Array }[] = []
  let undoPatch: { rect: Rect; data: string } | null = null
  const api = {
    applyEdit: async (a: { label: string; rect: Rect; data: string; baseSeq: number }) => {
      saves.push({ label: a.label, rect: a.rect, data: await inflateBase64(a.data) })
      return { history: history(a.baseSeq + 1), status: 'in_review', pixels: 1 }
    },
    undo: async () => ({ history: history(0), status: 'new', patch: undoPatch })
  }
  const s = new EditSession(api as never, 1, W, H, map, { state: () => {} })
  // The canvas: redraws only what the session announces.
  const shown = map.slice()
  const changed: Array<Rect | null> = []
  s.onChanged((r) => {
    changed.push(r)
    const rect = r ?? { x: 0, y: 0, w: W, h: H }
    writeRect(shown, W, rect, extractRect(s.map, W, rect))
  })
  const view = { draft: [] as Array<[number, number]>, selected: null as number | null, panned: [0, 0], regions: new Uint32Array(W * H) }
  const ctx: ToolContext = {
    session: () => s,
    brushSize: () => 6,
    classIndex: () => 2,
    className: (i) => ['unlabeled', 'car', 'person'][i] ?? `class ${i}`,
    scale: () => 2,
    panBy: (dx, dy) => (view.panned = [view.panned[0]! + dx, view.panned[1]! + dy]),
    setDraft: (pts) => (view.draft = [...pts]),
    regionAt: (x, y) => view.regions[y * W + x]!,
    selectRegion: (id) => (view.selected = id)
  }
  const setUndo = async (rect: Rect, before: Uint8Array) => (undoPatch = { rect, data: await deflateBase64(extractRect(before, W, rect)) })
  return { s, ctx, saves, shown, changed, view, setUndo }
}

const at = (x: number, y: number, button = 0): ToolPointer => ({ image: { x, y }, screen: { x: x * 2, y: y * 2 }, button, shift: false })
const count = (m: Uint8Array, v: number) => m.reduce((n, x) => n + (x === v ? 1 : 0), 0)

describe('canvas tools', () => {
  it('a brush stroke changes exactly the disc-and-segment pixels and saves one edit', async () => {
    const t = setup()
    const brush = new BrushTool(t.ctx)
    const path: Point[] = [{ x: 5.5, y: 5.5 }, { x: 15.5, y: 8.5 }, { x: 25.5, y: 20.5 }]
    brush.onPointerDown(at(path[0]!.x, path[0]!.y))
    for (const p of path.slice(1)) brush.onPointerMove(at(p.x, p.y))
    brush.onPointerUp()
    const want = new Uint8Array(W * H)
    stampDisc(want, W, H, 5.5, 5.5, 3, 2)
    stampSegment(want, W, H, 5.5, 5.5, 15.5, 8.5, 3, 2)
    stampSegment(want, W, H, 15.5, 8.5, 25.5, 20.5, 3, 2)
    expect([...t.s.map]).toEqual([...want])
    expect([...t.shown]).toEqual([...want]) // the canvas saw every pixel
    await t.s.idle()
    expect(t.saves.map((e) => e.label)).toEqual(['Brush: person'])
    const r = t.saves[0]!.rect
    expect(count(extractRect(want, W, r), 2)).toBe(count(want, 2)) // the saved rect holds the whole stroke
    expect([...t.saves[0]!.data]).toEqual([...extractRect(want, W, r)])
    expect(brush.ring()).toEqual({ radius: 3, value: 2 })
  })

  it('the eraser paints unlabeled; a tool switch mid-stroke saves what was painted', async () => {
    const t = setup(new Uint8Array(W * H).fill(1))
    const eraser = eraserTool(t.ctx)
    eraser.onPointerDown(at(10, 10))
    eraser.onExit()
    eraser.onPointerMove(at(30, 10)) // after the switch: no longer painting
    await t.s.idle()
    expect(count(t.s.map, 0)).toBeGreaterThan(20)
    expect(count(t.s.map, 0)).toBeLessThan(40)
    expect(t.saves.map((e) => e.label)).toEqual(['Eraser'])
    expect(eraser.ring()).toEqual({ radius: 3, value: 0 })
  })

  it('fill relabels the clicked region as one edit; a right click does nothing', async () => {
    const map = new Uint8Array(W * H)
    map.fill(1, 0, W * 5)
    const t = setup(map)
    const fill = new FillTool(t.ctx)
    fill.onPointerDown(at(3, 8, 2))
    fill.onPointerDown(at(3, 2))
    await t.s.idle()
    expect(count(t.s.map, 2)).toBe(W * 5)
    expect(t.saves.map((e) => [e.label, e.rect])).toEqual([['Fill: person', { x: 0, y: 0, w: W, h: 5 }]])
    expect([...t.shown]).toEqual([...t.s.map])
  })

  it('polygon: clicks add vertices, clicking the first one fills, Esc-like exit drops a draft', async () => {
    const t = setup()
    const poly = new PolygonTool(t.ctx)
    for (const [x, y] of [[10, 10], [20, 10], [20, 20], [10, 20]] as const) poly.onPointerDown(at(x, y))
    expect(poly.drawing).toBe(true)
    expect(t.view.draft).toHaveLength(4)
    poly.onPointerDown(at(11, 11)) // within 8 screen px (scale 2) of the first vertex: close
    await t.s.idle()
    expect(poly.drawing).toBe(false)
    expect(count(t.s.map, 2)).toBe(100)
    expect(t.saves.map((e) => e.label)).toEqual(['Polygon: person'])
    poly.onPointerDown(at(1, 1))
    poly.onExit()
    expect(poly.drawing).toBe(false)
    expect(t.view.draft).toEqual([])
    expect(t.saves).toHaveLength(1)
  })

  it('select picks the region under the pointer; pan moves the view by the drag', () => {
    const t = setup()
    t.view.regions[12 * W + 7] = 3
    const select = new SelectTool(t.ctx)
    select.onPointerDown(at(7.4, 12.9))
    expect(t.view.selected).toBe(3)
    select.onPointerDown(at(1, 1))
    expect(t.view.selected).toBeNull()
    const pan = new PanTool(t.ctx)
    pan.onPointerMove(at(9, 9)) // not pressed: nothing
    pan.onPointerDown(at(5, 5))
    pan.onPointerMove(at(8, 6))
    pan.onPointerMove(at(10, 10))
    pan.onPointerUp()
    pan.onPointerMove(at(30, 30))
    expect(t.view.panned).toEqual([10, 10]) // screen px: (10-5)*2, (10-5)*2
    expect(t.saves).toHaveLength(0)
  })

  it('undo reaches the canvas by the same route as painting', async () => {
    const t = setup()
    const before = t.s.map.slice()
    const fill = new FillTool(t.ctx)
    fill.onPointerDown(at(0, 0))
    expect(count(t.shown, 2)).toBe(W * H)
    await t.setUndo({ x: 0, y: 0, w: W, h: H }, before)
    await t.s.undo()
    expect(count(t.s.map, 0)).toBe(W * H)
    expect([...t.shown]).toEqual([...t.s.map])
    expect(t.changed).toHaveLength(2)
  })
})
