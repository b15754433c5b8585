/** Brush (and, painting class 0, eraser): a stroke of discs, written live, saved as one edit on release. */
import { stampDisc, stampSegment } from '../../lib/paintOps'
import { unionRect, type Rect } from '../../lib/rect'
import type { CanvasTool, Point, ToolContext, ToolPointer } from '../tool'

export class BrushTool implements CanvasTool {
  readonly cursor = 'none'
  private stroke: { last: Point; rect: Rect | null; value: number } | null = null

  constructor(
    private readonly ctx: ToolContext,
    readonly id: 'brush' | 'eraser' = 'brush'
  ) {}

  private value(): number {
    return this.id === 'eraser' ? 0 : this.ctx.classIndex()
  }

  ring() {
    return { radius: this.ctx.brushSize() / 2, value: this.value() }
  }

  onPointerDown(p: ToolPointer): void {
    const s = this.ctx.session()
    if (!s || p.button !== 0) return
    const value = this.value()
    const { x, y } = p.image
    const rect = s.paint((m, w, h) => stampDisc(m, w, h, x, y, this.ctx.brushSize() / 2, value))
    this.stroke = { last: p.image, rect, value }
  }

  onPointerMove(p: ToolPointer): void {
    const s = this.ctx.session()
    const st = this.stroke
    if (!s || !st) return
    const a = st.last, b = p.image
    const r = s.paint((m, w, h) => stampSegment(m, w, h, a.x, a.y, b.x, b.y, this.ctx.brushSize() / 2, st.value))
    st.last = b
    if (r) st.rect = unionRect(st.rect, r)
  }

  onPointerUp(): void {
    this.finish()
  }

  /** A tool switch mid-stroke (a key while dragging) saves what was painted. */
  onExit(): void {
    this.finish()
  }

  private finish(): void {
    const st = this.stroke
    this.stroke = null
    if (st?.rect) this.ctx.session()?.commit(this.id === 'eraser' ? 'Eraser' : `Brush: ${this.ctx.className(st.value)}`, st.rect)
  }
}
