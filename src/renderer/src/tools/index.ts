/** The annotator's canvas tools by id (the click tool gets its store and overlay from the canvas). */
import type { Tool } from '../stores/editor'
import { BrushTool } from './brush/brushTool'
import { eraserTool } from './eraser/eraserTool'
import { FillTool } from './fill/fillTool'
import { PolygonTool } from './polygon/polygonTool'
import { SelectTool } from './select/selectTool'
import { PanTool } from './pan/panTool'
import { ClickCanvasTool, type ClickToolDeps } from './click/clickCanvasTool'
import type { CanvasTool, ToolContext } from './tool'

export interface CanvasTools extends Record<Tool, CanvasTool> {
  polygon: PolygonTool
  pan: PanTool
}

export function createTools(ctx: ToolContext, click: ClickToolDeps): CanvasTools {
  return {
    brush: new BrushTool(ctx),
    eraser: eraserTool(ctx),
    fill: new FillTool(ctx),
    click: new ClickCanvasTool(click),
    polygon: new PolygonTool(ctx),
    select: new SelectTool(ctx),
    pan: new PanTool(ctx)
  }
}
