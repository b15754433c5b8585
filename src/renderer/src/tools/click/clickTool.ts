/**
 * Click-to-segment tool controller (issue 8), independent of Vue and Konva so the annotator can
 * mount it and tests can drive it:
 *  - mode 'wand': a click (or the hovered pixel, throttled) grows a region on thermal (wandSelect);
 *    [ and ] change the tolerance and redo the last click.
 *  - mode 'prompt': positive clicks, negative clicks (shift/right click), a dragged box → one mask
 *    from the project's prompt model (promptSegment); hovering with no points previews a single
 *    positive click there.
 *  - Enter writes the preview into the label map as the selected class and commits it through the
 *    edit session (one applyEdit, one undo entry, like a brush stroke); Esc drops the preview.
 * Requests are throttled by latency: one in flight, the newest waiting one replaces older ones,
 * and an answer older than the newest request is ignored.
 */
import type { Api } from '@shared/contract'
import type { ClickMask } from '@shared/contract/methods/prompt'
import { inflateBase64 } from '../../lib/deflate'

export type ClickMode = 'wand' | 'prompt'

export interface ClickPoint {
  x: number
  y: number
  label: 0 | 1
}

export interface ClickBox {
  x0: number
  y0: number
  x1: number
  y1: number
}

export interface ClickPreview {
  bbox: { x: number; y: number; w: number; h: number }
  /** bbox crop, 1 inside. */
  mask: Uint8Array
  area: number
  /** Decoder score (prompt mode) or null (wand). */
  score: number | null
  /** True when it is a hover preview (no click made yet). */
  hover: boolean
}

type Rect = { x: number; y: number; w: number; h: number }

/** The part of the annotator's EditSession the tool needs (the session writes the pixels). */
export interface ClickSession {
  readonly imageId: number
  readonly width: number
  readonly height: number
  edit(label: string, op: (map: Uint8Array, width: number) => Rect | null): Rect | null
}

export interface ClickToolOptions {
  api: Pick<Api, 'wandSelect' | 'promptSegment'>
  session: ClickSession
  /** Called when the preview, points, busy flag or error change (redraw the draft layer). */
  onChange?: () => void
  inflate?: (b64: string) => Promise<Uint8Array>
}

type Request = { kind: 'wand'; x: number; y: number; hover: boolean } | { kind: 'prompt'; points: ClickPoint[]; box: ClickBox | null; hover: boolean }

export class ClickTool {
  mode: ClickMode = 'wand'
  points: ClickPoint[] = []
  box: ClickBox | null = null
  preview: ClickPreview | null = null
  busy = false
  error: string | null = null
  wand = { tolerance: 24, useRgbEdges: true, edgeThreshold: 60 }
  private lastWandClick: { x: number; y: number } | null = null
  private issued = 0
  private applied = 0
  private waiting: Request | null = null
  private readonly inflate: (b64: string) => Promise<Uint8Array>

  constructor(private readonly o: ClickToolOptions) {
    this.inflate = o.inflate ?? inflateBase64
  }

  setMode(mode: ClickMode): void {
    this.cancel()
    this.mode = mode
  }

  /** A click at image pixel (x, y); `negative` (shift or right button) adds a background point. */
  click(x: number, y: number, negative = false): Promise<void> {
    if (!this.inside(x, y)) return Promise.resolve()
    if (this.mode === 'wand') {
      this.lastWandClick = { x, y }
      return this.request({ kind: 'wand', x, y, hover: false })
    }
    this.points.push({ x, y, label: negative ? 0 : 1 })
    return this.request({ kind: 'prompt', points: [...this.points], box: this.box, hover: false })
  }

  /** Pointer moved: live preview while nothing is clicked yet. */
  hover(x: number, y: number): Promise<void> {
    if (!this.inside(x, y)) return Promise.resolve()
    if (this.mode === 'wand' && !this.lastWandClick) return this.request({ kind: 'wand', x, y, hover: true })
    if (this.mode === 'prompt' && this.points.length === 0 && !this.box) return this.request({ kind: 'prompt', points: [{ x, y, label: 1 }], box: null, hover: true })
    return Promise.resolve()
  }

  /** A dragged box (prompt mode). */
  setBox(b: ClickBox): Promise<void> {
    this.mode = 'prompt'
    this.box = b
    return this.request({ kind: 'prompt', points: [...this.points], box: b, hover: false })
  }

  /** Wand tolerance up/down ([ and ]); redoes the last click with the new value. */
  adjustTolerance(delta: number): Promise<void> {
    return this.setWandOptions({ tolerance: this.wand.tolerance + delta })
  }

  /**
   * Changes the wand's settings (tolerance, RGB-edge barrier, edge threshold; clamped to the
   * contract's 1..255) and redoes the last click.
   */
  setWandOptions(patch: Partial<ClickTool['wand']>): Promise<void> {
    Object.assign(this.wand, patch)
    this.wand.tolerance = Math.max(1, Math.min(255, this.wand.tolerance))
    this.wand.edgeThreshold = Math.max(1, Math.min(255, Math.round(this.wand.edgeThreshold)))
    this.o.onChange?.()
    const c = this.lastWandClick
    return c && this.mode === 'wand' ? this.request({ kind: 'wand', x: c.x, y: c.y, hover: false }) : Promise.resolve()
  }

  /**
   * Writes the preview into the label map as `classIndex` and commits it (one undo entry).
   * Returns false when there is nothing to commit.
   */
  commit(classIndex: number, className: string): boolean {
    const p = this.preview
    if (!p || p.area === 0) return false
    const { x, y, w, h } = p.bbox
    this.o.session.edit(`${this.mode === 'wand' ? 'Thermal wand' : 'Click mask'} (${className})`, (map, width) => {
      for (let r = 0; r < h; r++) {
        const row = (y + r) * width + x
        for (let c = 0; c < w; c++) if (p.mask[r * w + c]) map[row + c] = classIndex
      }
      return { x, y, w, h }
    })
    this.clear()
    return true
  }

  /** Esc: drop points, box and preview. */
  cancel(): void {
    this.clear()
  }

  /** Keyboard: Enter commits, Escape cancels, [ / ] tolerance. Returns true when handled. */
  key(key: string, classIndex: number, className: string): boolean {
    if (key === 'Enter') return this.commit(classIndex, className)
    if (key === 'Escape') {
      const had = this.preview !== null || this.points.length > 0 || this.box !== null
      this.cancel()
      return had
    }
    if (key === '[' || key === ']') {
      void this.adjustTolerance(key === ']' ? 4 : -4)
      return true
    }
    return false
  }

  private clear(): void {
    this.points = []
    this.box = null
    this.preview = null
    this.lastWandClick = null
    this.error = null
    this.waiting = null
    this.applied = ++this.issued // answers still in flight are now stale
    this.o.onChange?.()
  }

  private inside(x: number, y: number): boolean {
    return x >= 0 && y >= 0 && x < this.o.session.width && y < this.o.session.height
  }

  private async request(r: Request): Promise<void> {
    if (this.busy) {
      // one in flight: remember only the newest; a click always beats a hover
      if (!this.waiting || !r.hover || this.waiting.hover) this.waiting = r
      return
    }
    this.busy = true
    this.o.onChange?.()
    try {
      let next: Request | null = r
      while (next) {
        const id = ++this.issued
        await this.run(next, id)
        next = this.waiting
        this.waiting = null
      }
    } finally {
      this.busy = false
      this.o.onChange?.()
    }
  }

  private async run(r: Request, id: number): Promise<void> {
    const imageId = this.o.session.imageId
    let m: ClickMask & { score?: number }
    try {
      m =
        r.kind === 'wand'
          ? await this.o.api.wandSelect({ imageId, x: Math.floor(r.x), y: Math.floor(r.y), ...this.wand })
          : await this.o.api.promptSegment({ imageId, points: r.points, ...(r.box ? { box: r.box } : {}) })
    } catch (e) {
      if (id > this.applied) this.error = (e as Error).message
      return
    }
    if (id <= this.applied) return // cancelled or superseded meanwhile
    this.applied = id
    this.error = null
    const mask = m.area > 0 ? await this.inflate(m.data) : new Uint8Array(0)
    this.preview = { bbox: m.bbox, mask, area: m.area, score: typeof m.score === 'number' ? m.score : null, hover: r.hover }
    this.o.onChange?.()
  }
}

/** RGBA pixels of a preview (for a draft-layer image at bbox), in the class colour at `alpha`. */
export function previewRgba(p: ClickPreview, color: readonly [number, number, number], alpha = 140): Uint8ClampedArray {
  const out = new Uint8ClampedArray(p.bbox.w * p.bbox.h * 4)
  for (let i = 0; i < p.mask.length; i++) {
    if (!p.mask[i]) continue
    out[i * 4] = color[0]
    out[i * 4 + 1] = color[1]
    out[i * 4 + 2] = color[2]
    out[i * 4 + 3] = alpha
  }
  return out
}
