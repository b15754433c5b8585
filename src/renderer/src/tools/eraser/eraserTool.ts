/** Eraser: the brush painting class 0 (unlabeled), with its own undo label. */
import { BrushTool } from '../brush/brushTool'
import type { ToolContext } from '../tool'

export const eraserTool = (ctx: ToolContext): BrushTool => new BrushTool(ctx, 'eraser')
