import type { Db } from './db'
import type { ImageStatus } from '@shared/contract/types'
import type { HistoryEntry, HistoryState } from '@shared/contract/methods/annotations'
import { ApiError } from '@shared/contract/errors'
import { valuesOutside } from '@shared/labelmap/histogram'
import { deflateLabels, inflateLabels, readRect, writeRect } from './labelCodec'
import { classMaskOf } from './imagesRepo'
import { LabelMapCache } from './labelMapCache'
import type { ClassTable } from './classTable'

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
  data_seq: number
  head_seq: number
  source: RevisionSource
  model_version_id: number | null
  updated_at: string
}
interface EditRow {
  id: number
  seq: number
  x: number
  y: number
  w: number
  h: number
  before: Buffer
  after: Buffer
}

/** Edits kept as deltas before the full map is rewritten (bounds load cost and WAL growth). */
const MATERIALIZE_EVERY = 32

/**
 * Current label maps, their undo history and their revisions.
 *
 * A save writes only its delta (rect before/after) and moves the history head: the stored full
 * map (`data`, as of `data_seq`) is rewritten every MATERIALIZE_EVERY edits, on accept and on
 * replace. The current map = data + edits (data_seq, head_seq]. Every public write is one
 * transaction, so a crash keeps either the whole action or none of it.
 */
export class AnnotationsRepo {
  private readonly cache = new LabelMapCache(12)

  constructor(
    private readonly db: Db,
    private readonly classes: ClassTable
  ) {}

  /** The current map (a copy the caller may keep or change). */
  current(imageId: number): { width: number; height: number; labels: Uint8Array; headSeq: number; source: RevisionSource; modelVersionId: number | null } | null {
    const m = this.load(imageId)
    if (!m) return null
    return { width: m.row.width, height: m.row.height, labels: m.labels.slice(), headSeq: m.row.head_seq, source: m.row.source, modelVersionId: m.row.model_version_id }
  }

  /**
   * The current map, deflated. A read never writes: with deltas pending the map is rebuilt and
   * deflated in memory (the next save materialises it), so reading works on a full disk or a
   * read-only file.
   */
  currentDeflated(imageId: number): { width: number; height: number; data: Buffer } | null {
    const row = this.row(imageId)
    if (!row) return null
    if (row.data_seq === row.head_seq) return { width: row.width, height: row.height, data: row.data }
    const m = this.load(imageId)!
    return { width: m.row.width, height: m.row.height, data: deflateLabels(m.labels) }
  }

  /**
   * Replaces the whole label map (import, model pre-fill) and records a revision. History is
   * cleared: a new base map starts a new history.
   */
  replace(imageId: number, width: number, height: number, labels: Uint8Array, source: RevisionSource, modelVersionId: number | null): number {
    if (labels.length !== width * height) throw new ApiError('invalid_argument', `Label map of image ${imageId} has ${labels.length} pixels, expected ${width}x${height}.`)
    const blob = deflateLabels(labels)
    this.cache.drop(imageId)
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM edits WHERE image_id = ?').run(imageId)
      this.db
        .prepare(
          `INSERT INTO annotations (image_id, width, height, data, data_seq, head_seq, source, model_version_id, updated_at)
           VALUES (?, ?, ?, ?, 0, 0, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
           ON CONFLICT (image_id) DO UPDATE SET width = excluded.width, height = excluded.height, data = excluded.data, data_seq = 0, head_seq = 0,
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
    return this.guard(imageId, () => {
      const m = this.load(imageId)
      if (!m) throw new ApiError('not_found', `Image ${imageId} has no label map yet.`)
      const { row, labels } = m
      if (baseSeq !== row.head_seq) {
        throw new ApiError('conflict', `Image ${imageId} changed since it was loaded (history at ${row.head_seq}, edit based on ${baseSeq}); reload it.`)
      }
      checkRect(rect, row.width, row.height, imageId)
      if (values.length !== rect.w * rect.h) throw new ApiError('invalid_argument', `Edit data has ${values.length} pixels, rect needs ${rect.w * rect.h}.`)
      this.checkValues(values, imageId)
      const before = readRect(labels, row.width, rect)
      const pixels = writeRect(labels, row.width, rect, values)
      const seq = row.head_seq + 1
      // A new action drops the redo branch, as every editor does.
      this.db.prepare('DELETE FROM edits WHERE image_id = ? AND seq >= ?').run(imageId, seq)
      this.db
        .prepare('INSERT INTO edits (image_id, seq, label, x, y, w, h, before, after, pixels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(imageId, seq, label, rect.x, rect.y, rect.w, rect.h, deflateLabels(before), deflateLabels(values), pixels)
      // Classes the edit painted show up in the class filter at once; vanished ones on materialising.
      this.db.prepare(`UPDATE images SET status = 'in_review', class_mask = class_mask | ? WHERE id = ?`).run(classMaskOf(values), imageId)
      this.setHead(imageId, row.data_seq, seq, labels)
      if (seq - row.data_seq >= MATERIALIZE_EVERY) this.materialize(imageId)
      // The new edit is the head and the redo branch is gone: the state needs no read.
      return { pixels, state: { head: seq, canUndo: true, canRedo: false, undoLabel: label, redoLabel: null } }
    })
  }

  /** Undo (`dir` = -1) or redo (+1) one edit; returns the patch the client applies. */
  step(imageId: number, dir: -1 | 1): { state: HistoryState; patch: { rect: Rect; values: Uint8Array } | null } {
    return this.guard(imageId, () => {
      const m = this.load(imageId)
      if (!m) throw new ApiError('not_found', `Image ${imageId} has no label map yet.`)
      const { row, labels } = m
      const seq = dir < 0 ? row.head_seq : row.head_seq + 1
      const e = this.db.prepare('SELECT id, seq, x, y, w, h, before, after FROM edits WHERE image_id = ? AND seq = ?').get(imageId, seq) as EditRow | undefined
      if (!e || seq === 0) return { state: this.state(imageId), patch: null }
      const rect = { x: e.x, y: e.y, w: e.w, h: e.h }
      const values = inflateLabels(dir < 0 ? e.before : e.after, e.w * e.h, `history entry ${e.seq} of image ${imageId}`)
      writeRect(labels, row.width, rect, values)
      this.db.prepare('UPDATE edits SET undone = ? WHERE id = ?').run(dir < 0 ? 1 : 0, e.id)
      const head = dir < 0 ? seq - 1 : seq
      this.setHead(imageId, row.data_seq, head, labels)
      // The undone edit is baked into the stored map: rewrite it (rare: after 32 edits or an accept).
      if (head < row.data_seq) this.materialize(imageId)
      if (dir > 0) this.db.prepare('UPDATE images SET class_mask = class_mask | ? WHERE id = ?').run(classMaskOf(values), imageId)
      return { state: this.state(imageId), patch: { rect, values } }
    })
  }

  /** Forgets every cached map (a class merge rewrote stored pixels under them). */
  forgetCached(): void {
    this.cache.clear()
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

  /** The newest revision id of every image that has one (acceptance writes one: training's recency order). */
  latestRevisionIds(): Map<number, number> {
    const rows = this.db.prepare('SELECT image_id, MAX(id) AS rev FROM revisions GROUP BY image_id').all() as { image_id: number; rev: number }[]
    return new Map(rows.map((r) => [r.image_id, r.rev]))
  }

  /** Accepts the current map: a `human` revision with the parent model and the pixels edited since the last revision. */
  accept(imageId: number): { status: ImageStatus; revisionId: number } {
    return this.db.transaction(() => {
      if (!this.row(imageId)) throw new ApiError('not_found', `Image ${imageId} has no label map to accept.`)
      this.materialize(imageId)
      const row = this.row(imageId)!
      const edited = this.db.prepare('SELECT coalesce(sum(pixels), 0) AS n FROM edits WHERE image_id = ? AND undone = 0 AND counted = 0').get(imageId) as { n: number }
      this.db.prepare('UPDATE edits SET counted = 1 WHERE image_id = ? AND undone = 0').run(imageId)
      const r = this.db
        .prepare(`INSERT INTO revisions (image_id, source, model_version_id, pixels_edited, width, height, data) VALUES (?, 'human', ?, ?, ?, ?, ?)`)
        .run(imageId, row.model_version_id, edited.n, row.width, row.height, row.data)
      this.db.prepare(`UPDATE images SET status = 'accepted' WHERE id = ?`).run(imageId)
      return { status: 'accepted' as ImageStatus, revisionId: Number(r.lastInsertRowid) }
    })()
  }

  /**
   * Refuses values outside the class table: saved, they would be accepted and exported as labels
   * that no import takes back. 255 passes only where the table has it (an ignore class).
   */
  private checkValues(values: Uint8Array, imageId: number): void {
    const known = this.classes.indices()
    const allowed = new Uint8Array(256)
    for (const v of known) allowed[v] = 1
    const bad = valuesOutside(values, allowed)
    if (bad.length) {
      throw new ApiError('invalid_argument', `Edit of image ${imageId} paints label value(s) ${bad.join(', ')}, which are not in the class table (${known.join(', ') || 'empty'}).`)
    }
  }

  /**
   * Runs a write that patches the cached map in place; if the transaction fails (disk full, file
   * became read-only) the cached copy is dropped so memory never disagrees with the file.
   */
  private guard<T>(imageId: number, fn: () => T): T {
    try {
      return this.db.transaction(fn)()
    } catch (e) {
      this.cache.drop(imageId)
      throw e
    }
  }

  private row(imageId: number): AnnRow | undefined {
    return this.db.prepare('SELECT width, height, data, data_seq, head_seq, source, model_version_id, updated_at FROM annotations WHERE image_id = ?').get(imageId) as AnnRow | undefined
  }

  /**
   * The current map, from the cache when it matches the stored version, else rebuilt from data +
   * deltas. One read of the row: the stored map comes along only when the cached version is stale.
   */
  private load(imageId: number): { row: Omit<AnnRow, 'data'>; labels: Uint8Array } | null {
    const row = this.db
      .prepare(
        `SELECT width, height, data_seq, head_seq, source, model_version_id, updated_at,
           CASE WHEN data_seq || '/' || head_seq || '/' || updated_at = ? THEN NULL ELSE data END AS data
         FROM annotations WHERE image_id = ?`
      )
      .get(this.cache.keyOf(imageId) ?? '', imageId) as (Omit<AnnRow, 'data'> & { data: Buffer | null }) | undefined
    if (!row) return null
    const key = versionKey(row)
    const hit = row.data === null ? this.cache.get(imageId, key) : null
    if (hit) return { row, labels: hit }
    const full = row.data === null ? this.row(imageId)! : (row as AnnRow)
    const labels = inflateLabels(full.data, full.width * full.height, `label map of image ${imageId}`)
    const pending = this.db
      .prepare('SELECT id, seq, x, y, w, h, before, after FROM edits WHERE image_id = ? AND seq > ? AND seq <= ? ORDER BY seq')
      .all(imageId, full.data_seq, full.head_seq) as EditRow[]
    for (const e of pending) writeRect(labels, full.width, e, inflateLabels(e.after, e.w * e.h, `history entry ${e.seq} of image ${imageId}`))
    this.cache.put(imageId, key, labels)
    return { row: full, labels }
  }

  /** Moves the head; the time is taken here (strftime's format) so the cache key needs no read back. */
  private setHead(imageId: number, dataSeq: number, head: number, labels: Uint8Array): void {
    const now = new Date().toISOString()
    this.db.prepare('UPDATE annotations SET head_seq = ?, updated_at = ? WHERE image_id = ?').run(head, now, imageId)
    this.cache.put(imageId, versionKey({ data_seq: dataSeq, head_seq: head, updated_at: now }), labels)
  }

  /** Rewrites the stored full map at the current head (inside the caller's transaction). */
  private materialize(imageId: number): void {
    const m = this.load(imageId)
    if (!m) return
    this.db.prepare('UPDATE annotations SET data = ?, data_seq = head_seq WHERE image_id = ?').run(deflateLabels(m.labels), imageId)
    this.db.prepare('UPDATE images SET class_mask = ? WHERE id = ?').run(classMaskOf(m.labels), imageId)
    const row = this.db.prepare('SELECT data_seq, head_seq, updated_at FROM annotations WHERE image_id = ?').get(imageId) as { data_seq: number; head_seq: number; updated_at: string }
    this.cache.put(imageId, versionKey(row), m.labels)
  }
}

/** The stored version a decoded map matches (the SQL in load builds the same string). */
function versionKey(r: { data_seq: number; head_seq: number; updated_at: string }): string {
  return `${r.data_seq}/${r.head_seq}/${r.updated_at}`
}

/** Throws unless the rect lies inside the image (callers check before decoding the rect's data). */
export function checkRect(r: Rect, width: number, height: number, imageId: number): void {
  if (r.x + r.w > width || r.y + r.h > height) {
    throw new ApiError('invalid_argument', `Edit rect ${r.x},${r.y} ${r.w}x${r.h} lies outside image ${imageId} (${width}x${height}).`)
  }
}
