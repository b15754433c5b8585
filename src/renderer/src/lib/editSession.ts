import type { Api, EditResult, HistoryState, ImageStatus, LabelPatch } from '@shared/contract'
import { deflateBase64, inflateBase64 } from './deflate'
import { extractRect, writeRect, type Rect } from './rect'

/** One edit the server has not confirmed yet; kept in memory until it is durable. */
interface PendingEdit {
  label: string
  rect: Rect
  data: Uint8Array
}

export interface SessionListener {
  /** History, status, pending count or save error changed. */
  state(): void
}

/** Pixels of the local map in `rect` changed (whole map when null): redraw them. */
export type ChangedListener = (rect: Rect | null) => void

/** A pixel operation on the row-major map; returns the rectangle it touched (null: nothing). */
export type PixelOp = (map: Uint8Array, width: number, height: number) => Rect | null

/**
 * The annotator's copy of one image's label map and the ordered queue of edits saving to main.
 * The local map is changed first (instant feedback); each edit is then saved with `applyEdit` in
 * order, one at a time, with the history head it was made on. A failed save stays queued (the
 * pixels stay painted) until `retry()`; nothing is dropped silently.
 *
 * The session is the only writer of the map's pixels (`paint`, `edit`, undo/redo patches, another
 * window's map): each write emits `changed(rect)`, the one route by which pixels reach the canvas.
 * Everyone else reads `map`.
 */
export class EditSession {
  readonly map: Uint8Array
  history: HistoryState = { head: 0, canUndo: false, canRedo: false, undoLabel: null, redoLabel: null }
  status: ImageStatus = 'new'
  readonly queue: PendingEdit[] = []
  saveError: unknown = null
  private saving = false
  private idleWaiters: Array<() => void> = []
  private readonly changedListeners = new Set<ChangedListener>()

  constructor(
    private readonly api: Api,
    readonly imageId: number,
    readonly width: number,
    readonly height: number,
    map: Uint8Array,
    private readonly on: SessionListener,
    /** Sent with every save, undo and redo so other windows learn who changed the image. */
    private readonly clientId?: string
  ) {
    this.map = map
  }

  get pending(): number {
    return this.queue.length
  }

  /** Subscribes to pixel changes; returns the unsubscribe function. */
  onChanged(fn: ChangedListener): () => void {
    this.changedListeners.add(fn)
    return () => this.changedListeners.delete(fn)
  }

  private changed(rect: Rect | null): void {
    for (const fn of this.changedListeners) fn(rect)
  }

  /** Writes pixels through `op` (part of an action still in progress, e.g. a stroke) and emits the change. */
  paint(op: PixelOp): Rect | null {
    const rect = op(this.map, this.width, this.height)
    if (rect) this.changed(rect)
    return rect
  }

  /** One whole action: writes pixels through `op` and records them as one edit (one undo entry). */
  edit(label: string, op: PixelOp): Rect | null {
    const rect = this.paint(op)
    if (rect) this.commit(label, rect)
    return rect
  }

  /** Records the pixels in `rect` painted since the last commit (through `paint`) as one edit. */
  commit(label: string, rect: Rect): void {
    this.queue.push({ label, rect, data: extractRect(this.map, this.width, rect) })
    this.on.state()
    void this.flush()
  }

  retry(): void {
    this.saveError = null
    this.on.state()
    void this.flush()
  }

  /** Resolves once every queued edit is saved (or one failed). */
  idle(): Promise<void> {
    if (!this.saving && (this.queue.length === 0 || this.saveError)) return Promise.resolve()
    return new Promise((r) => this.idleWaiters.push(r))
  }

  private async flush(): Promise<void> {
    if (this.saving || this.saveError) return
    this.saving = true
    try {
      while (this.queue.length > 0) {
        const e = this.queue[0]
        let res: EditResult
        try {
          res = await this.api.applyEdit({ imageId: this.imageId, label: e.label, baseSeq: this.history.head, rect: e.rect, data: await deflateBase64(e.data), clientId: this.clientId })
        } catch (err) {
          this.saveError = err
          break
        }
        this.queue.shift()
        this.history = res.history
        this.status = res.status
        this.on.state()
      }
    } finally {
      this.saving = false
      this.on.state()
      if (this.queue.length === 0 || this.saveError) this.idleWaiters.splice(0).forEach((r) => r())
    }
  }

  async undo(): Promise<void> {
    await this.step('undo')
  }

  async redo(): Promise<void> {
    await this.step('redo')
  }

  private async step(which: 'undo' | 'redo'): Promise<void> {
    await this.idle()
    if (this.queue.length > 0) throw new Error('An edit is not saved yet: retry the save before undoing.')
    const args = { imageId: this.imageId, clientId: this.clientId }
    const res = which === 'undo' ? await this.api.undo(args) : await this.api.redo(args)
    this.history = res.history
    this.status = res.status
    if (res.patch) await this.applyPatch(res.patch)
    this.on.state()
  }

  /**
   * Takes the stored map and history after another window changed the image. Refused (false) while
   * edits of this window are unsaved: those stay, and their save then reports the conflict.
   */
  replaceMap(map: Uint8Array, history: HistoryState, status: ImageStatus): boolean {
    if (this.queue.length > 0 || this.saving || map.length !== this.map.length) return false
    this.map.set(map)
    this.history = history
    this.status = status
    this.changed(null)
    this.on.state()
    return true
  }

  async applyPatch(p: LabelPatch): Promise<void> {
    const data = await inflateBase64(p.data)
    writeRect(this.map, this.width, p.rect, data)
    this.changed(p.rect)
  }
}
