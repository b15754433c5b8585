/** Pan: dragging moves the view. Also what the middle (and, for most tools, right) button does. */
import type { CanvasTool, Point, ToolContext, ToolPointer } from '../tool'

export class PanTool implements CanvasTool {
  readonly id = 'pan'
  readonly cursor = 'grab'
  private last: Point | null = null

  constructor(private readonly ctx: ToolContext) {}

  onPointerDown(p: ToolPointer): void {
    this.last = p.screen
  }

  onPointerMove(p: ToolPointer): void {
    if (!this.last) return
    this.ctx.panBy(p.screen.x - this.last.x, p.screen.y - this.last.y)
    this.last = p.screen
  }

  onPointerUp(): void {
    this.last = null
  }
}
