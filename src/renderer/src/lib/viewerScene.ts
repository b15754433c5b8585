import Konva from 'konva'
import type { MaskTile } from './maskRenderer'
import { unionRect, type Rect } from './rect'
import type { ProposalRegion } from './regions'

/** `side`: RGB here and thermal in a second, synchronised scene next to it. */
export type ViewMode = 'rgb' | 'thermal' | 'blend' | 'side'

/**
 * The annotator's Konva stage. Four layers, so a brush stroke redraws only what changes:
 * - `imageLayer`: RGB and thermal (static while painting),
 * - `maskLayer`: the committed label map, drawn from the MaskRenderer's offscreen canvas,
 * - `uiLayer`: region tags and the selected region's box, the click tool's preview and markers,
 * - `cursorLayer`: brush cursor and polygon draft (redrawn on every pointer move, nearly empty).
 * All content sits in one transform (zoom/pan) per layer, kept in sync.
 */
export class ViewerScene {
  readonly stage: Konva.Stage
  readonly imageLayer = new Konva.Layer({ listening: false, imageSmoothingEnabled: false })
  readonly maskLayer = new Konva.Layer({ listening: false, imageSmoothingEnabled: false })
  readonly uiLayer = new Konva.Layer({ listening: false, imageSmoothingEnabled: false })
  /** Brush cursor and polygon draft alone: they move on every pointer event, region tags do not. */
  readonly cursorLayer = new Konva.Layer({ listening: false })
  private readonly rgb = new Konva.Image({ image: undefined, x: 0, y: 0 })
  private readonly thermal = new Konva.Image({ image: undefined, x: 0, y: 0 })
  private readonly mask = new Konva.Group()
  private readonly edges = new Konva.Image({ image: undefined, x: 0, y: 0, visible: false, listening: false })
  private readonly cursor = new Konva.Circle({ radius: 5, stroke: '#ffffff', strokeWidth: 1, dash: [3, 3], visible: false, strokeScaleEnabled: false })
  private readonly draft = new Konva.Line({ points: [], stroke: '#4c9dff', strokeWidth: 1.5, closed: false, strokeScaleEnabled: false, dash: [6, 3] })
  private readonly regionGroup = new Konva.Group()
  /** Click tool: the mask preview (class colour, translucent) and its points/box markers. */
  private readonly clickPreview = new Konva.Image({ image: undefined, visible: false, listening: false })
  private readonly clickMarks = new Konva.Group()
  private maskTiles: MaskTile[] = []
  private pendingDirty: Rect | null = null
  private dirtyFrame = 0
  width = 1
  height = 1
  scale = 1
  x = 0
  y = 0
  mode: ViewMode = 'rgb'
  alpha = 0.5
  /** Called after every zoom/pan (the component re-scales region tags, updates the zoom readout). */
  onTransform: (() => void) | null = null
  /** Thermal→RGB registration applied to the thermal image, in image pixels. */
  offset = { dx: 0, dy: 0 }

  constructor(container: HTMLDivElement) {
    this.stage = new Konva.Stage({ container, width: container.clientWidth || 800, height: container.clientHeight || 600 })
    this.imageLayer.add(this.rgb, this.thermal, this.edges)
    this.maskLayer.add(this.mask)
    this.uiLayer.add(this.clickPreview, this.regionGroup, this.clickMarks)
    this.cursorLayer.add(this.draft, this.cursor)
    this.stage.add(this.imageLayer, this.maskLayer, this.uiLayer, this.cursorLayer)
  }

  destroy(): void {
    cancelAnimationFrame(this.dirtyFrame)
    this.stage.destroy()
  }

  resize(w: number, h: number): void {
    this.stage.size({ width: Math.max(1, w), height: Math.max(1, h) })
  }

  setSources(rgb: CanvasImageSource | null, thermal: CanvasImageSource | null, maskTiles: MaskTile[], width: number, height: number): void {
    this.width = width
    this.height = height
    this.rgb.image(rgb ?? undefined)
    this.rgb.size({ width, height })
    this.thermal.image(thermal ?? undefined)
    this.thermal.size({ width, height })
    this.maskTiles = maskTiles
    this.mask.destroyChildren()
    for (const t of maskTiles) this.mask.add(new Konva.Image({ image: t.canvas, x: t.x, y: t.y, width: t.w, height: t.h, listening: false }))
    this.applyMode()
  }

  setThermal(thermal: CanvasImageSource): void {
    this.thermal.image(thermal)
    this.imageLayer.batchDraw()
  }

  setMode(mode: ViewMode, alpha: number): void {
    this.mode = mode
    this.alpha = alpha
    this.applyMode()
  }

  setOffset(dx: number, dy: number): void {
    this.offset = { dx, dy }
    this.thermal.position({ x: dx, y: dy })
    this.imageLayer.batchDraw()
  }

  /** Align mode: thermal (offset) with the RGB edges on top, so misregistration is visible. */
  setEdges(edges: HTMLCanvasElement | null): void {
    this.edges.image(edges ?? undefined)
    this.edges.visible(!!edges)
    if (edges) this.edges.size({ width: edges.width, height: edges.height })
    this.imageLayer.batchDraw()
  }

  private applyMode(): void {
    this.rgb.visible(this.mode !== 'thermal')
    this.thermal.visible(this.mode === 'thermal' || this.mode === 'blend')
    this.thermal.opacity(this.mode === 'blend' ? this.alpha : 1)
    this.imageLayer.batchDraw()
  }

  setMaskStyle(opacity: number, visible: boolean): void {
    this.mask.opacity(opacity)
    this.mask.visible(visible)
    this.maskLayer.batchDraw()
  }

  /** The mask canvas changed (dirty rect already re-rendered): redraw its layer on the next frame. */
  maskChanged(sync = false): void {
    if (sync) this.maskLayer.draw()
    else this.maskLayer.batchDraw()
  }

  /**
   * Mask pixels in `r` (image coordinates) changed: on the next frame, repaint only that part of
   * the mask layer's canvas (clip, clear, draw the tiles under it) instead of redrawing the whole
   * layer. This is the per-move path of a brush stroke; zoom, pan and styling use full redraws.
   */
  maskChangedRect(r: Rect): void {
    this.pendingDirty = unionRect(this.pendingDirty, r)
    if (!this.dirtyFrame) this.dirtyFrame = requestAnimationFrame(() => this.flushDirty())
  }

  private flushDirty(): void {
    this.dirtyFrame = 0
    const r = this.pendingDirty
    this.pendingDirty = null
    if (!r || !this.mask.visible()) return
    const pr = this.maskLayer.getCanvas().getPixelRatio()
    const ctx = this.maskLayer.getNativeCanvasElement().getContext('2d')!
    const k = this.scale * pr
    const sx0 = Math.floor(this.x * pr + r.x * k) - 1
    const sy0 = Math.floor(this.y * pr + r.y * k) - 1
    const sx1 = Math.ceil(this.x * pr + (r.x + r.w) * k) + 1
    const sy1 = Math.ceil(this.y * pr + (r.y + r.h) * k) + 1
    const pad = Math.ceil(2 / this.scale) + 1
    ctx.save()
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.beginPath()
    ctx.rect(sx0, sy0, sx1 - sx0, sy1 - sy0)
    ctx.clip()
    ctx.clearRect(sx0, sy0, sx1 - sx0, sy1 - sy0)
    ctx.setTransform(k, 0, 0, k, this.x * pr, this.y * pr)
    ctx.globalAlpha = this.mask.opacity()
    ctx.imageSmoothingEnabled = false
    for (const t of this.maskTiles)
      if (t.x < r.x + r.w + pad && t.x + t.w > r.x - pad && t.y < r.y + r.h + pad && t.y + t.h > r.y - pad) ctx.drawImage(t.canvas, t.x, t.y, t.w, t.h)
    ctx.restore()
  }

  private applyTransform(): void {
    for (const l of [this.imageLayer, this.maskLayer, this.uiLayer, this.cursorLayer]) {
      l.scale({ x: this.scale, y: this.scale })
      l.position({ x: this.x, y: this.y })
      l.batchDraw()
    }
    this.onTransform?.()
  }

  /** Adopts another scene's zoom/pan (side-by-side panes stay in lock-step). */
  setTransform(scale: number, x: number, y: number): void {
    if (scale === this.scale && x === this.x && y === this.y) return
    this.scale = scale
    this.x = x
    this.y = y
    this.applyTransform()
  }

  fit(): void {
    const sw = this.stage.width()
    const sh = this.stage.height()
    this.scale = Math.min(sw / this.width, sh / this.height) * 0.98
    this.x = (sw - this.width * this.scale) / 2
    this.y = (sh - this.height * this.scale) / 2
    this.applyTransform()
  }

  /** 1 image pixel = 1 screen pixel, keeping the point under `at` (default: centre) fixed. */
  oneToOne(at?: { x: number; y: number }): void {
    this.zoomAt(at ?? { x: this.stage.width() / 2, y: this.stage.height() / 2 }, 1 / this.scale)
  }

  /** Zoom by `factor` keeping the image point under the screen point `at` where it is. */
  zoomAt(at: { x: number; y: number }, factor: number): void {
    const next = Math.min(64, Math.max(0.02, this.scale * factor))
    const f = next / this.scale
    this.x = at.x - (at.x - this.x) * f
    this.y = at.y - (at.y - this.y) * f
    this.scale = next
    this.applyTransform()
  }

  panBy(dx: number, dy: number): void {
    this.x += dx
    this.y += dy
    this.applyTransform()
  }

  toImage(p: { x: number; y: number }): { x: number; y: number } {
    return { x: (p.x - this.x) / this.scale, y: (p.y - this.y) / this.scale }
  }

  setCursor(p: { x: number; y: number } | null, radius: number, color = '#ffffff'): void {
    this.cursor.visible(!!p)
    if (p) {
      this.cursor.position(p)
      this.cursor.radius(Math.max(0.5, radius))
      this.cursor.stroke(color)
    }
    this.cursorLayer.batchDraw()
  }

  setDraft(points: Array<[number, number]>, hover: { x: number; y: number } | null): void {
    const flat = points.flat()
    if (hover && points.length) flat.push(hover.x, hover.y)
    this.draft.points(flat)
    this.cursorLayer.batchDraw()
  }

  /**
   * Click tool overlay: the preview mask (an RGBA canvas of its bbox), the prompt points (green
   * positive, red negative) and the box, or a box being dragged. Markers keep their screen size.
   */
  setClickOverlay(preview: { canvas: HTMLCanvasElement; bbox: Rect } | null, points: ReadonlyArray<{ x: number; y: number; label: 0 | 1 }>, box: { x0: number; y0: number; x1: number; y1: number } | null): void {
    this.clickPreview.visible(!!preview)
    if (preview) this.clickPreview.setAttrs({ image: preview.canvas, x: preview.bbox.x, y: preview.bbox.y, width: preview.bbox.w, height: preview.bbox.h })
    this.clickMarks.destroyChildren()
    const r = 4 / this.scale
    for (const p of points)
      this.clickMarks.add(new Konva.Circle({ x: p.x + 0.5, y: p.y + 0.5, radius: r, fill: p.label ? '#3ddc84' : '#ff4d4d', stroke: '#000000', strokeWidth: 1, strokeScaleEnabled: false }))
    if (box) this.clickMarks.add(new Konva.Rect({ x: box.x0, y: box.y0, width: box.x1 - box.x0 + 1, height: box.y1 - box.y0 + 1, stroke: '#ffd84c', strokeWidth: 1.5, dash: [6, 3], strokeScaleEnabled: false }))
    this.uiLayer.batchDraw()
  }

  /** Region tags: id, class and confidence at each region's corner; the selected one boxed. */
  setRegions(regions: ProposalRegion[], names: (cls: number) => string, selected: number | null, decided: Map<number, 'accepted' | 'rejected'>): void {
    this.regionGroup.destroyChildren()
    const s = 1 / this.scale
    for (const r of regions) {
      const d = decided.get(r.id)
      const isSel = r.id === selected
      if (isSel) this.regionGroup.add(new Konva.Rect({ ...r.bbox, width: r.bbox.w, height: r.bbox.h, stroke: '#4c9dff', strokeWidth: 2, strokeScaleEnabled: false }))
      const conf = r.meanConfidence === null ? '' : ` ${Math.round(r.meanConfidence * 100)}%`
      const text = `${r.id} ${names(r.classIndex)}${conf}${d === 'accepted' ? ' ✓' : d === 'rejected' ? ' ✗' : ''}`
      const tag = new Konva.Label({ x: r.bbox.x, y: r.bbox.y, scaleX: s, scaleY: s, opacity: d ? 0.55 : 0.9 })
      tag.add(new Konva.Tag({ fill: isSel ? '#2a5a96' : '#000000cc', cornerRadius: 2 }))
      tag.add(new Konva.Text({ text, fontSize: 11, padding: 2, fill: '#ffffff' }))
      this.regionGroup.add(tag)
    }
    this.uiLayer.batchDraw()
  }
}
