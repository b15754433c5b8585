/** Select: a click picks the proposal region under it for accept / reject / relabel. */
import type { CanvasTool, ToolContext, ToolPointer } from '../tool'

export class SelectTool implements CanvasTool {
  readonly id = 'select'
  readonly cursor = 'default'

  constructor(private readonly ctx: ToolContext) {}

  onPointerDown(p: ToolPointer): void {
    const s = this.ctx.session()
    if (!s || p.button !== 0) return
    const x = Math.floor(p.image.x), y = Math.floor(p.image.y)
    const inside = x >= 0 && y >= 0 && x < s.width && y < s.height
    this.ctx.selectRegion((inside && this.ctx.regionAt(x, y)) || null)
  }
}
