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
  /** Pixels in `rect` of the local map changed (paint, undo patch): redraw them. */
  dirty(rect: Rect | null): void
  /** History, status, pending count or save error changed. */
  state(): void
}

/**
 * The annotator's copy of one image's label map and the ordered queue of edits saving to main.
 * The local map is changed first (instant feedback); each edit is then saved with `applyEdit` in
 * order, one at a time, with the history head it was made on. A failed save stays queued (the
 * pixels stay painted) until `retry()`; nothing is dropped silently.
 */
export class EditSession {
  map: Uint8Array
  history: HistoryState = { head: 0, canUndo: false, canRedo: false, undoLabel: null, redoLabel: null }
  status: ImageStatus = 'new'
  readonly queue: PendingEdit[] = []
  saveError: unknown = null
  private saving = false
  private idleWaiters: Array<() => void> = []

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

  /** Records an edit already painted into `map`: `before` is the map as it was before the action. */
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
    this.on.dirty(null)
    this.on.state()
    return true
  }

  async applyPatch(p: LabelPatch): Promise<void> {
    const data = await inflateBase64(p.data)
    writeRect(this.map, this.width, p.rect, data)
    this.on.dirty(p.rect)
  }
}
