import type { Db } from './db'
import type { ImageStatus } from '@shared/contract/types'
import type { HistoryEntry, HistoryState } from '@shared/contract/methods/annotations'
import { ApiError } from '@shared/contract/errors'
import { deflateLabels, inflateLabels, readRect, writeRect } from './labelCodec'
import { classMaskOf } from './imagesRepo'

export type RevisionSource = 'human' | 'model' | 'import'
export interface Rect {
  x: number
  y: number
  w: number
  h: number
}
interface AnnRow {
  width: number
  height: number
  data: Buffer
  head_seq: number
  source: RevisionSource
  model_version_id: number | null
}
interface EditRow {
  id: number
  seq: number
  label: string
  x: number
  y: number
  w: number
  h: number
  before: Buffer
  after: Buffer
  pixels: number
  undone: number
}

/**
 * Current label maps, their undo history and their revisions. Every public method that writes runs
 * in one transaction, so a crash leaves either the whole action or none of it.
 */
export class AnnotationsRepo {
  constructor(private readonly db: Db) {}

  current(imageId: number): { width: number; height: number; labels: Uint8Array; headSeq: number; source: RevisionSource; modelVersionId: number | null } | null {
    const r = this.db.prepare('SELECT width, height, data, head_seq, source, model_version_id FROM annotations WHERE image_id = ?').get(imageId) as AnnRow | undefined
    if (!r) return null
    return {
      width: r.width,
      height: r.height,
      labels: inflateLabels(r.data, r.width * r.height, `label map of image ${imageId}`),
      headSeq: r.head_seq,
      source: r.source,
      modelVersionId: r.model_version_id
    }
  }

  currentDeflated(imageId: number): { width: number; height: number; data: Buffer } | null {
    return (this.db.prepare('SELECT width, height, data FROM annotations WHERE image_id = ?').get(imageId) as { width: number; height: number; data: Buffer } | undefined) ?? null
  }

  /**
   * Replaces the whole label map (import, model pre-fill) and records a revision. History is
   * cleared: a new base map starts a new history.
   */
  replace(imageId: number, width: number, height: number, labels: Uint8Array, source: RevisionSource, modelVersionId: number | null): number {
    if (labels.length !== width * height) throw new ApiError('invalid_argument', `Label map of image ${imageId} has ${labels.length} pixels, expected ${width}x${height}.`)
    const blob = deflateLabels(labels)
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM edits WHERE image_id = ?').run(imageId)
      this.db
        .prepare(
          `INSERT INTO annotations (image_id, width, height, data, head_seq, source, model_version_id, updated_at)
           VALUES (?, ?, ?, ?, 0, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
           ON CONFLICT (image_id) DO UPDATE SET width = excluded.width, height = excluded.height, data = excluded.data, head_seq = 0,
             source = excluded.source, model_version_id = excluded.model_version_id, updated_at = excluded.updated_at`
        )
        .run(imageId, width, height, blob, source, modelVersionId)
      this.db.prepare('UPDATE images SET class_mask = ? WHERE id = ?').run(classMaskOf(labels), imageId)
      const r = this.db
        .prepare('INSERT INTO revisions (image_id, source, model_version_id, pixels_edited, width, height, data) VALUES (?, ?, ?, 0, ?, ?, ?)')
        .run(imageId, source, modelVersionId, width, height, blob)
      return Number(r.lastInsertRowid)
    })()
  }

  /** Makes an empty (all-unlabeled) map for an image that has none, so a person can start painting. */
  ensure(imageId: number, width: number, height: number): void {
    this.db
      .prepare(`INSERT OR IGNORE INTO annotations (image_id, width, height, data, head_seq, source) VALUES (?, ?, ?, ?, 0, 'human')`)
      .run(imageId, width, height, deflateLabels(new Uint8Array(width * height)))
  }

  /** Saves one user action. Returns the changed pixel count and the new history state. */
  applyEdit(imageId: number, label: string, baseSeq: number, rect: Rect, values: Uint8Array): { pixels: number; state: HistoryState } {
    return this.db.transaction(() => {
      const cur = this.current(imageId)
      if (!cur) throw new ApiError('not_found', `Image ${imageId} has no label map yet.`)
      if (baseSeq !== cur.headSeq) {
        throw new ApiError('conflict', `Image ${imageId} changed since it was loaded (history at ${cur.headSeq}, edit based on ${baseSeq}); reload it.`)
      }
      checkRect(rect, cur.width, cur.height, imageId)
      if (values.length !== rect.w * rect.h) throw new ApiError('invalid_argument', `Edit data has ${values.length} pixels, rect needs ${rect.w * rect.h}.`)
      const before = readRect(cur.labels, cur.width, rect)
      const pixels = writeRect(cur.labels, cur.width, rect, values)
      const seq = cur.headSeq + 1
      // A new action drops the redo branch, as every editor does.
      this.db.prepare('DELETE FROM edits WHERE image_id = ? AND seq >= ?').run(imageId, seq)
      this.db
        .prepare('INSERT INTO edits (image_id, seq, label, x, y, w, h, before, after, pixels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(imageId, seq, label, rect.x, rect.y, rect.w, rect.h, deflateLabels(before), deflateLabels(values), pixels)
      this.store(imageId, cur.labels, seq)
      this.db.prepare(`UPDATE images SET status = 'in_review' WHERE id = ?`).run(imageId)
      return { pixels, state: this.state(imageId) }
    })()
  }

  /** Undo (`dir` = -1) or redo (+1) one edit; returns the patch the client applies. */
  step(imageId: number, dir: -1 | 1): { state: HistoryState; patch: { rect: Rect; values: Uint8Array } | null } {
    return this.db.transaction(() => {
      const cur = this.current(imageId)
      if (!cur) throw new ApiError('not_found', `Image ${imageId} has no label map yet.`)
      const seq = dir < 0 ? cur.headSeq : cur.headSeq + 1
      const e = this.db.prepare('SELECT * FROM edits WHERE image_id = ? AND seq = ?').get(imageId, seq) as EditRow | undefined
      if (!e || seq === 0) return { state: this.state(imageId), patch: null }
      const rect = { x: e.x, y: e.y, w: e.w, h: e.h }
      const values = inflateLabels(dir < 0 ? e.before : e.after, e.w * e.h, `history entry ${e.seq} of image ${imageId}`)
      writeRect(cur.labels, cur.width, rect, values)
      this.db.prepare('UPDATE edits SET undone = ? WHERE id = ?').run(dir < 0 ? 1 : 0, e.id)
      this.store(imageId, cur.labels, dir < 0 ? seq - 1 : seq)
      return { state: this.state(imageId), patch: { rect, values } }
    })()
  }

  state(imageId: number): HistoryState {
    const head = (this.db.prepare('SELECT head_seq FROM annotations WHERE image_id = ?').get(imageId) as { head_seq: number } | undefined)?.head_seq ?? 0
    const undo = this.db.prepare('SELECT label FROM edits WHERE image_id = ? AND seq = ?').get(imageId, head) as { label: string } | undefined
    const redo = this.db.prepare('SELECT label FROM edits WHERE image_id = ? AND seq = ?').get(imageId, head + 1) as { label: string } | undefined
    return { head, canUndo: !!undo, canRedo: !!redo, undoLabel: undo?.label ?? null, redoLabel: redo?.label ?? null }
  }

  history(imageId: number, limit: number): HistoryEntry[] {
    const rows = this.db
      .prepare('SELECT seq, label, pixels, undone, created_at FROM edits WHERE image_id = ? ORDER BY seq DESC LIMIT ?')
      .all(imageId, limit) as { seq: number; label: string; pixels: number; undone: number; created_at: string }[]
    return rows.map((r) => ({ seq: r.seq, label: r.label, pixels: r.pixels, undone: r.undone === 1, createdAt: r.created_at }))
  }

  /** Accepts the current map: a `human` revision with the parent model and the pixels edited since the last revision. */
  accept(imageId: number): { status: ImageStatus; revisionId: number } {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT width, height, data, model_version_id FROM annotations WHERE image_id = ?').get(imageId) as AnnRow | undefined
      if (!row) throw new ApiError('not_found', `Image ${imageId} has no label map to accept.`)
      const last = this.db.prepare('SELECT max(id) AS id FROM revisions WHERE image_id = ?').get(imageId) as { id: number | null }
      const edited = this.db
        .prepare(`SELECT coalesce(sum(pixels), 0) AS n FROM edits WHERE image_id = ? AND undone = 0 AND created_at >= coalesce((SELECT created_at FROM revisions WHERE id = ?), '')`)
        .get(imageId, last.id) as { n: number }
      const r = this.db
        .prepare(`INSERT INTO revisions (image_id, source, model_version_id, pixels_edited, width, height, data) VALUES (?, 'human', ?, ?, ?, ?, ?)`)
        .run(imageId, row.model_version_id, edited.n, row.width, row.height, row.data)
      this.db.prepare(`UPDATE images SET status = 'accepted' WHERE id = ?`).run(imageId)
      return { status: 'accepted' as ImageStatus, revisionId: Number(r.lastInsertRowid) }
    })()
  }

  private store(imageId: number, labels: Uint8Array, headSeq: number): void {
    this.db
      .prepare(`UPDATE annotations SET data = ?, head_seq = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE image_id = ?`)
      .run(deflateLabels(labels), headSeq, imageId)
    this.db.prepare('UPDATE images SET class_mask = ? WHERE id = ?').run(classMaskOf(labels), imageId)
  }
}

function checkRect(r: Rect, width: number, height: number, imageId: number): void {
  if (r.x + r.w > width || r.y + r.h > height) {
    throw new ApiError('invalid_argument', `Edit rect ${r.x},${r.y} ${r.w}x${r.h} lies outside image ${imageId} (${width}x${height}).`)
  }
}
