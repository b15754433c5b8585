/** Flood fill: a click relabels the connected pixels of the clicked class (one region) as one edit. */
import { floodFill } from '../../lib/paintOps'
import type { CanvasTool, ToolContext, ToolPointer } from '../tool'

export class FillTool implements CanvasTool {
  readonly id = 'fill'
  readonly cursor = 'crosshair'

  constructor(private readonly ctx: ToolContext) {}

  onPointerDown(p: ToolPointer): void {
    const s = this.ctx.session()
    if (!s || p.button !== 0) return
    const value = this.ctx.classIndex()
    const x = Math.floor(p.image.x), y = Math.floor(p.image.y)
    s.edit(`Fill: ${this.ctx.className(value)}`, (m, w, h) => floodFill(m, w, h, x, y, value))
  }
}
