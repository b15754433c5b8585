/**
 * The NoC protocol of interactive segmentation, shared by the simulated annotator and the NoC
 * figures: the first click at the object's deepest pixel, each next click at the deepest pixel of
 * the error (tool mask XOR object; positive when that pixel belongs to the object, negative
 * otherwise), all clicks so far sent together, until IoU ≥ target or maxClicks. Pure: the click
 * tool is a callback.
 */
import { cropIou, deepestPixel, emptyCrop, at, xorCrop, type CropMask } from './masks'

export interface ClickPoint {
  x: number
  y: number
  label: 0 | 1
}

/** A click tool: every click so far → one mask. */
export type ClickTool = (points: ClickPoint[]) => Promise<CropMask>

export interface ClickRunOptions {
  target: number
  maxClicks: number
  /** Stop after this many clicks in a row that do not raise the best IoU (an annotator gives up); default never. */
  patience?: number
}

export interface ClickRun {
  /** IoU after click 1, 2, ... */
  ious: number[]
  /** The best mask seen and its IoU. */
  best: CropMask
  bestIou: number
  clicks: number
}

export async function clickUntil(object: CropMask, tool: ClickTool, o: ClickRunOptions): Promise<ClickRun> {
  const points: ClickPoint[] = []
  let pred = emptyCrop()
  let best = emptyCrop()
  let bestIou = 0
  let stale = 0
  const ious: number[] = []
  while (points.length < o.maxClicks) {
    const p = deepestPixel(xorCrop(object, pred))
    if (!p) break // the mask is exact
    points.push({ ...p, label: at(object, p.x, p.y) ? 1 : 0 })
    pred = await tool(points)
    const iou = cropIou(pred, object)
    ious.push(iou)
    if (iou > bestIou) { bestIou = iou; best = pred; stale = 0 } else stale++
    if (iou >= o.target) break
    if (o.patience !== undefined && stale >= o.patience) break
  }
  return { ious, best, bestIou, clicks: points.length }
}

/** Clicks needed to reach `target` (maxClicks when never reached), from a run's IoU curve. */
export function nocAt(ious: readonly number[], target: number, maxClicks: number): number {
  const i = ious.findIndex((v) => v >= target)
  return i < 0 ? maxClicks : i + 1
}

/** IoU after k clicks; a run that stopped early (exact mask or target reached) keeps its last IoU. */
export function iouAfter(ious: readonly number[], k: number): number {
  if (!ious.length) return 1
  return ious[Math.min(k, ious.length) - 1]!
}
