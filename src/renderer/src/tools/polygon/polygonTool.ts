/** Polygon fill: clicks add vertices; clicking the first vertex, a double click or Enter fills it. */
import { fillPolygon } from '../../lib/paintOps'
import type { CanvasTool, Point, ToolContext, ToolPointer } from '../tool'

/** Screen pixels around the first vertex that count as closing the polygon. */
const CLOSE_RADIUS = 8

export class PolygonTool implements CanvasTool {
  readonly id = 'polygon'
  readonly cursor = 'crosshair'
  private points: Array<[number, number]> = []
  private hover: Point | null = null

  constructor(private readonly ctx: ToolContext) {}

  /** A polygon is being drawn: Enter and Esc belong to it. */
  get drawing(): boolean {
    return this.points.length > 0
  }

  onPointerDown(p: ToolPointer): void {
    if (!this.ctx.session() || p.button !== 0) return
    const first = this.points[0]
    if (first && this.points.length >= 3 && Math.hypot(first[0] - p.image.x, first[1] - p.image.y) * this.ctx.scale() < CLOSE_RADIUS) return this.close()
    this.points.push([p.image.x, p.image.y])
    this.ctx.setDraft(this.points, this.hover)
  }

  onPointerMove(p: ToolPointer): void {
    this.hover = p.image
    this.ctx.setDraft(this.points, this.hover)
  }

  onLeave(): void {
    this.hover = null
    this.ctx.setDraft(this.points, null)
  }

  onDoubleClick(): void {
    this.close()
  }

  onExit(): void {
    this.cancel()
  }

  /** Fills the polygon with the active class as one edit (fewer than 3 vertices: just drops it). */
  close(): void {
    const s = this.ctx.session()
    const pts = this.points
    this.cancel()
    if (!s || pts.length < 3) return
    const value = this.ctx.classIndex()
    s.edit(`Polygon: ${this.ctx.className(value)}`, (m, w, h) => fillPolygon(m, w, h, pts, value))
  }

  cancel(): void {
    this.points = []
    this.ctx.setDraft([], null)
  }
}
