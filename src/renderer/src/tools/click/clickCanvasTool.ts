/**
 * The click tool on the canvas: left click a point (right or shift: negative), a drag a box (prompt
 * mode), hovering a throttled preview; the ClickTool controller does the rest and commits through
 * the edit session.
 */
import type { CanvasTool, ToolPointer } from '../tool'
import { boxBetween, gestureOf, isDrag, type Press } from './clickPointer'
import type { ClickBox, ClickMode, ClickTool } from './clickTool'

/** What the canvas tool needs from the click store and the canvas. */
export interface ClickToolDeps {
  controller(): ClickTool | null
  mode(): ClickMode
  hasDraft(): boolean
  /** Learns the prompt model and prepares embeddings (the tool was picked). */
  activate(): void
  cancel(): void
  /** Redraws points, box and preview; `dragBox` is the box being dragged. */
  drawOverlay(dragBox: ClickBox | null): void
}

export class ClickCanvasTool implements CanvasTool {
  readonly id = 'click'
  readonly cursor = 'crosshair'
  readonly usesRightButton = true
  /** The press in progress (a click, or a box once it becomes a drag). */
  private press: Press | null = null

  constructor(private readonly d: ClickToolDeps) {}

  onEnter(): void {
    this.d.activate()
  }

  onExit(): void {
    this.press = null
    this.d.cancel()
  }

  onPointerDown(p: ToolPointer): void {
    if (p.button !== 0 && p.button !== 2) return
    this.press = { screen: p.screen, image: p.image, negative: p.button === 2 || p.shift }
  }

  onPointerMove(p: ToolPointer): void {
    const press = this.press
    // While pressed: show the box being dragged; otherwise a throttled preview under the cursor.
    if (press) this.d.drawOverlay(this.d.mode() === 'prompt' && !press.negative && isDrag(press, p.screen) ? boxBetween(press.image, p.image) : null)
    else void this.d.controller()?.hover(p.image.x, p.image.y)
  }

  onPointerUp(p: ToolPointer, cancelled: boolean): void {
    const press = this.press
    this.press = null
    const c = this.d.controller()
    if (!press || !c || cancelled) return
    const g = gestureOf(press, { screen: p.screen, image: p.image }, this.d.mode())
    if (g.kind === 'box') void c.setBox(g.box)
    else void c.click(g.x, g.y, g.negative)
  }

  /** A hover preview follows the cursor; with the cursor gone it would only mislead. */
  onLeave(): void {
    if (!this.d.hasDraft()) this.d.cancel()
  }
}
