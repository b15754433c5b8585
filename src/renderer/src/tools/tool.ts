/**
 * Canvas tools as objects (issue 16 item 7, after tldraw's StateNode tools): the viewer routes
 * pointer events to the active tool and does nothing else. A tool never touches the DOM or Konva;
 * it sees the image through a small ToolContext, and writes label pixels only through the edit
 * session (`paint`/`edit`/`commit`), which announces every change to the canvas.
 */
import type { EditSession } from '../lib/editSession'
import type { Tool } from '../stores/editor'

export interface Point {
  x: number
  y: number
}

/** One pointer event as a tool sees it. */
export interface ToolPointer {
  /** Image pixels (fractional). */
  image: Point
  /** Pixels inside the pane the event happened in. */
  screen: Point
  /** 0 left, 1 middle, 2 right. */
  button: number
  shift: boolean
}

/** The part of the edit session a tool uses: read `map`, write through `paint`/`edit`/`commit`. */
export type ToolSession = Pick<EditSession, 'width' | 'height' | 'map' | 'paint' | 'edit' | 'commit'>

/** What the canvas offers its tools; small so tests can fake it without a DOM. */
export interface ToolContext {
  /** The open image's edit session, null while none is open. */
  session(): ToolSession | null
  brushSize(): number
  classIndex(): number
  className(index: number): string
  /** Screen pixels per image pixel. */
  scale(): number
  panBy(dx: number, dy: number): void
  /** The polygon being drawn (image pixels) and the rubber band to the cursor. */
  setDraft(points: Array<[number, number]>, hover: Point | null): void
  /** Id of the proposal region under an image pixel, 0 for none. */
  regionAt(x: number, y: number): number
  selectRegion(id: number | null): void
}

export interface CanvasTool {
  readonly id: Tool
  /** CSS cursor over the canvas ('none': the canvas draws the brush ring instead). */
  readonly cursor: string
  /** Also receives right-button presses (otherwise the right button pans). */
  readonly usesRightButton?: boolean
  onEnter?(): void
  onExit?(): void
  onPointerDown?(p: ToolPointer): void
  onPointerMove?(p: ToolPointer): void
  /** `cancelled`: the browser took the pointer away (pointercancel). */
  onPointerUp?(p: ToolPointer, cancelled: boolean): void
  /** The pointer left the pane. */
  onLeave?(): void
  onDoubleClick?(): void
  /** Brush ring under the cursor: radius in image pixels and the class it paints. */
  ring?(): { radius: number; value: number } | null
}
