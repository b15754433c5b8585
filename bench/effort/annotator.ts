/**
 * The simulated annotator's accounting (issue 20): what it takes to turn a proposal into the ground
 * truth with the app's tools, in the order a reviewer uses them:
 *  1. region decisions on the proposal's listed regions: a region whose pixels are mostly another
 *     class is relabelled to it, mostly void is rejected (1 action each); a region that is mostly
 *     its own class is accepted, free (accepting the image accepts it);
 *  2. click-to-segment per ground-truth object whose IoU in its window is below `target`: NoC
 *     clicks (clickUntil) with up to `maxClicks`, giving up after `patience` clicks that do not
 *     help; the best mask is painted with the object's class if that lowers the error. An object whose own errors (in its window, pixels where the
 *     proposal or the truth is its class) take no more brush strokes than the clicks plus the
 *     strokes left after them is brushed instead, with no click: nobody re-clicks an object that
 *     one stroke along its edge fixes (the annotator knows the cheaper way, as for discarding);
 *     when clicking is chosen every click counts, the useless ones too;
 *  3. brush strokes for what remains: connected pieces of wrong pixels per target class; a piece
 *     thinner than `minWidth` px (its deepest pixel closer than minWidth/2 to its edge) or smaller
 *     than `minArea` is tolerated (boundary slivers, like the IoU target); otherwise it costs
 *     ceil(area / strokeArea) strokes, strokeArea = brush diameter x stroke length.
 * The annotator may instead discard the proposal (eraser at its largest size, 400 px: ceil(height /
 * 400) strokes) and start from nothing; it does whichever costs fewer actions (withDiscard).
 * Pure: the click tool is a callback.
 */
import { connectedComponents } from '@shared/labelmap/components'
import { cropWhere, distanceToBoundary, type CropMask } from './masks'
import { clickUntil, type ClickTool } from './noc'

export interface TruthObject {
  id: number
  classIndex: number
  /** [x, y, w, h] */
  bbox: [number, number, number, number]
  area: number
}

export interface Truth {
  width: number
  height: number
  label: Uint8Array
  instances: Uint16Array
  objects: TruthObject[]
}

export interface RegionRef {
  id: number
  classIndex: number
}

export interface EffortRule {
  target: number
  maxClicks: number
  patience: number
  /** Objects smaller than this are brushed, not clicked. */
  minClickArea: number
  /** Margin (px) around an object's box in which its IoU is measured. */
  window: number
  brush: number
  strokeLength: number
  minWidth: number
  minArea: number
  /** Label value that is never scored (e.g. 255). */
  ignore: number
  /**
   * 'cheaper' (default): an object is brushed instead of clicked when that is no dearer (see 2.);
   * 'click': every object below the target is clicked, as the first committed runs counted
   * (results without this field in their rule).
   */
  objects?: 'cheaper' | 'click'
}

export const DEFAULT_RULE: EffortRule = { target: 0.9, maxClicks: 20, patience: 2, minClickArea: 64, window: 4, brush: 8, strokeLength: 64, minWidth: 3, minArea: 16, ignore: 255, objects: 'cheaper' }

export interface Effort {
  pixelsToFix: number
  rejects: number
  relabels: number
  clicks: number
  objectsClicked: number
  strokes: number
  /** Wrong pixels left after the tools (tolerated slivers), before the image is set to the truth. */
  residualPixels: number
  actions: number
  /** The proposal was erased and the image done from nothing (cheaper than correcting it). */
  discarded?: boolean
}

/** Eraser strokes that clear a whole image (largest brush 400 px, one sweep per 400 rows). */
export const discardStrokes = (height: number): number => Math.ceil(height / 400)

/** The cheaper of correcting the proposal and erasing it to do the image from nothing. */
export function withDiscard(review: Effort, fromNothing: Effort, height: number): Effort {
  const erase = discardStrokes(height)
  if (fromNothing.actions + erase >= review.actions) return review
  return { ...fromNothing, pixelsToFix: review.pixelsToFix, strokes: fromNothing.strokes + erase, actions: fromNothing.actions + erase, discarded: true }
}

export function wrongPixels(map: ArrayLike<number>, gt: ArrayLike<number>, ignore: number): number {
  let n = 0
  for (let i = 0; i < gt.length; i++) if (gt[i] !== ignore && map[i] !== gt[i]) n++
  return n
}

export interface Decision {
  id: number
  action: 'accept' | 'reject' | 'relabel'
  to: number
}

/** Majority vote of the truth under each region (see 1. above). */
export function regionDecisions(regionIds: Uint32Array, regions: readonly RegionRef[], gt: ArrayLike<number>, ignore: number): Decision[] {
  const idx = new Map(regions.map((r, i) => [r.id, i]))
  const hist = regions.map(() => new Map<number, number>())
  for (let i = 0; i < regionIds.length; i++) {
    const k = idx.get(regionIds[i]!)
    if (k === undefined || gt[i] === ignore) continue
    const h = hist[k]!
    h.set(gt[i]!, (h.get(gt[i]!) ?? 0) + 1)
  }
  return regions.map((r, k) => {
    let to = r.classIndex
    let n = hist[k]!.get(r.classIndex) ?? 0
    for (const [c, m] of hist[k]!) if (m > n) { to = c; n = m }
    return { id: r.id, action: to === r.classIndex ? 'accept' : to === 0 ? 'reject' : 'relabel', to }
  })
}

export function applyDecisions(map: Uint8Array, regionIds: Uint32Array, decisions: readonly Decision[]): void {
  const to = new Map(decisions.filter((d) => d.action !== 'accept').map((d) => [d.id, d.to]))
  if (!to.size) return
  for (let i = 0; i < map.length; i++) {
    const t = to.get(regionIds[i]!)
    if (t !== undefined) map[i] = t
  }
}

type Box = { x: number; y: number; w: number; h: number }

function windowOf(o: TruthObject, margin: number, w: number, h: number): Box {
  const x = Math.max(0, o.bbox[0] - margin)
  const y = Math.max(0, o.bbox[1] - margin)
  return { x, y, w: Math.min(w, o.bbox[0] + o.bbox[2] + margin) - x, h: Math.min(h, o.bbox[1] + o.bbox[3] + margin) - y }
}

/** IoU of one class in a box: semantic (touching objects of the class count together). */
export function classIouIn(map: ArrayLike<number>, gt: ArrayLike<number>, width: number, box: Box, c: number): number {
  let inter = 0
  let uni = 0
  for (let y = box.y; y < box.y + box.h; y++) {
    for (let x = box.x; x < box.x + box.w; x++) {
      const i = y * width + x
      const p = map[i] === c
      const g = gt[i] === c
      if (p && g) inter++
      if (p || g) uni++
    }
  }
  return uni === 0 ? 1 : inter / uni
}

function wrongIn(map: ArrayLike<number>, gt: ArrayLike<number>, width: number, box: Box, ignore: number): number {
  let n = 0
  for (let y = box.y; y < box.y + box.h; y++) for (let x = box.x; x < box.x + box.w; x++) { const i = y * width + x; if (gt[i] !== ignore && map[i] !== gt[i]) n++ }
  return n
}

/** Brush strokes for the wrong pixels left (see 3. above). */
export function brushStrokes(map: ArrayLike<number>, gt: ArrayLike<number>, width: number, height: number, rule: Pick<EffortRule, 'brush' | 'strokeLength' | 'minWidth' | 'minArea' | 'ignore'>): { strokes: number; tolerated: number } {
  const n = width * height
  const target = new Uint8Array(n).fill(255)
  const wrong = new Uint8Array(n)
  for (let i = 0; i < n; i++) if (gt[i] !== rule.ignore && map[i] !== gt[i]) { target[i] = gt[i] === 255 ? 254 : gt[i]!; wrong[i] = 1 }
  const { ids, regions } = connectedComponents(target, width, height, { connectivity: 4, skipClasses: [255] })
  if (!regions.length) return { strokes: 0, tolerated: 0 }
  const dt = distanceToBoundary(wrong, width, height)
  const deepest = new Float64Array(regions.length + 1)
  for (let i = 0; i < n; i++) if (ids[i] && dt[i]! > deepest[ids[i]!]!) deepest[ids[i]!] = dt[i]!
  const half = (rule.minWidth / 2) ** 2
  const strokeArea = rule.brush * rule.strokeLength
  let strokes = 0
  let tolerated = 0
  for (const r of regions) {
    if (r.area < rule.minArea || deepest[r.id]! < half) tolerated += r.area
    else strokes += Math.ceil(r.area / strokeArea)
  }
  return { strokes, tolerated }
}

/** Brush strokes for one object's errors in its window: pixels where the map or the truth is class `c` and they differ. */
export function objectStrokes(map: ArrayLike<number>, gt: ArrayLike<number>, width: number, box: Box, c: number, rule: Pick<EffortRule, 'brush' | 'strokeLength' | 'minWidth' | 'minArea' | 'ignore'>): number {
  const m = new Uint8Array(box.w * box.h)
  const g = new Uint8Array(box.w * box.h)
  for (let y = 0; y < box.h; y++) {
    for (let x = 0; x < box.w; x++) {
      const i = (box.y + y) * width + box.x + x
      const k = y * box.w + x
      m[k] = map[i]!
      // Errors not involving c are another object's business: count them as right here.
      g[k] = gt[i] === c || map[i] === c ? gt[i]! : map[i]!
    }
  }
  return brushStrokes(m, g, box.w, box.h, rule).strokes
}

/**
 * Effort to turn `start` into the truth. `regions` (with the proposal's region id map) is null for
 * an image without a proposal; `tool` null means no click tool.
 */
export async function correctImage(start: Uint8Array, truth: Truth, regions: { ids: Uint32Array; list: readonly RegionRef[] } | null, tool: ((o: TruthObject) => ClickTool) | null, rule: EffortRule = DEFAULT_RULE): Promise<Effort> {
  const { width: w, height: h, label: gt } = truth
  const map = Uint8Array.from(start)
  const e: Effort = { pixelsToFix: wrongPixels(map, gt, rule.ignore), rejects: 0, relabels: 0, clicks: 0, objectsClicked: 0, strokes: 0, residualPixels: 0, actions: 0 }
  if (regions) {
    const d = regionDecisions(regions.ids, regions.list, gt, rule.ignore)
    applyDecisions(map, regions.ids, d)
    e.rejects = d.filter((x) => x.action === 'reject').length
    e.relabels = d.filter((x) => x.action === 'relabel').length
  }
  if (tool) {
    for (const o of [...truth.objects].sort((a, b) => b.area - a.area)) {
      if (o.area < rule.minClickArea) continue
      const win = windowOf(o, rule.window, w, h)
      if (classIouIn(map, gt, w, win, o.classIndex) >= rule.target) continue
      const brushOnly = rule.objects === 'click' ? Infinity : objectStrokes(map, gt, w, win, o.classIndex, rule)
      if (brushOnly === 0) continue
      const obj: CropMask = cropWhere(truth.instances, w, { x: o.bbox[0], y: o.bbox[1], w: o.bbox[2], h: o.bbox[3] }, o.id)
      const run = await clickUntil(obj, tool(o), { target: rule.target, maxClicks: rule.maxClicks, patience: rule.patience })
      if (run.clicks >= brushOnly) continue // brushing it is no dearer than clicking (its strokes are counted in 3.)
      const m = run.best
      if (!m.w || !m.h) { if (rule.objects === 'click') { e.clicks += run.clicks; e.objectsClicked++ } continue }
      const box = { x: Math.min(win.x, m.x), y: Math.min(win.y, m.y), w: 0, h: 0 }
      box.w = Math.max(win.x + win.w, m.x + m.w) - box.x
      box.h = Math.max(win.y + win.h, m.y + m.h) - box.y
      const before = wrongIn(map, gt, w, box, rule.ignore)
      const saved: [number, number][] = []
      for (let y = 0; y < m.h; y++) for (let x = 0; x < m.w; x++) if (m.data[y * m.w + x]) { const i = (m.y + y) * w + m.x + x; saved.push([i, map[i]!]); map[i] = o.classIndex }
      if (wrongIn(map, gt, w, box, rule.ignore) >= before) for (const [i, v] of saved) map[i] = v
      if (run.clicks + objectStrokes(map, gt, w, win, o.classIndex, rule) >= brushOnly) {
        for (const [i, v] of saved) map[i] = v
        continue
      }
      e.clicks += run.clicks
      e.objectsClicked++
    }
  }
  const b = brushStrokes(map, gt, w, h, rule)
  e.strokes = b.strokes
  e.residualPixels = b.tolerated
  e.actions = e.rejects + e.relabels + e.clicks + e.strokes
  return e
}
