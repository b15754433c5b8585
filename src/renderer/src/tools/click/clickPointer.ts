/**
 * Pointer gestures of the click tool, kept apart from the canvas component so they can be tested:
 * a press and release that stay within a few screen pixels is a click (shift or the right button
 * make it a negative point); a longer drag in prompt mode is a box. Distances are measured on the
 * screen, not in image pixels, so a zoomed-in click that wobbles by one image pixel is still a click.
 * Also the preview's canvas for the draft layer.
 */
import { previewRgba, type ClickBox, type ClickMode, type ClickPreview } from './clickTool'

/** Screen pixels a press may move and still count as a click. */
export const DRAG_PX = 4

interface Pt {
  x: number
  y: number
}

export interface Press {
  screen: Pt
  image: Pt
  negative: boolean
}

export type Gesture = { kind: 'click'; x: number; y: number; negative: boolean } | { kind: 'box'; box: ClickBox }

/** The box a drag from `a` to `b` spans (image pixels, corners ordered, whole pixels covered). */
export function boxBetween(a: Pt, b: Pt): ClickBox {
  return { x0: Math.floor(Math.min(a.x, b.x)), y0: Math.floor(Math.min(a.y, b.y)), x1: Math.floor(Math.max(a.x, b.x)), y1: Math.floor(Math.max(a.y, b.y)) }
}

/** Whether the pointer has moved far enough from the press to be a drag. */
export function isDrag(press: Press, screen: Pt): boolean {
  return Math.hypot(screen.x - press.screen.x, screen.y - press.screen.y) > DRAG_PX
}

/**
 * What a press followed by a release means. The wand has no box: a drag there is a click where
 * the press began (the seed a person aimed at). A negative drag is not a box either.
 */
export function gestureOf(press: Press, release: { screen: Pt; image: Pt }, mode: ClickMode): Gesture {
  if (mode === 'prompt' && !press.negative && isDrag(press, release.screen)) return { kind: 'box', box: boxBetween(press.image, release.image) }
  return { kind: 'click', x: Math.floor(press.image.x), y: Math.floor(press.image.y), negative: press.negative }
}

/** Preview canvases by preview object and colour: redraws for markers or zoom reuse the pixels. */
const previewCanvases = new WeakMap<ClickPreview, { key: string; canvas: HTMLCanvasElement }>()

/** The preview mask as a canvas of its bbox in the class colour; a hover preview is fainter. */
export function previewCanvas(p: ClickPreview, color: readonly [number, number, number]): HTMLCanvasElement {
  const key = color.join(',')
  const hit = previewCanvases.get(p)
  if (hit && hit.key === key) return hit.canvas
  const canvas = document.createElement('canvas')
  canvas.width = p.bbox.w
  canvas.height = p.bbox.h
  // previewRgba allocates a plain (non-shared) buffer, which is what ImageData takes
  const rgba = previewRgba(p, color, p.hover ? 110 : 170) as Uint8ClampedArray<ArrayBuffer>
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, p.bbox.w, p.bbox.h), 0, 0)
  previewCanvases.set(p, { key, canvas })
  return canvas
}
