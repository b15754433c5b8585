/**
 * The pixel side of a class merge: every stored blob that holds label values (current maps, the
 * before/after of history deltas, proposals) has `from` rewritten to `to`, one row at a time so a
 * big project is never held in memory at once. Each changed blob leaves a mask of the pixels it
 * changed, which an undo uses to put `from` back where the pixel still holds `to`.
 */
import type { Db } from './db'
import type { Region } from './proposalsRepo'
import { deflateLabels, inflateLabels } from './labelCodec'

type Table = 'annotation' | 'edit_before' | 'edit_after' | 'proposal'

interface Blob {
  ids: string
  read: string
  write: string
}

/** Where each kind of blob lives; `n` is the pixel count the inflate is bounded by. */
const BLOBS: Record<Table, Blob> = {
  annotation: {
    ids: 'SELECT image_id AS id FROM annotations ORDER BY image_id',
    read: 'SELECT image_id AS imageId, data AS blob, width * height AS n FROM annotations WHERE image_id = ?',
    write: `UPDATE annotations SET data = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE image_id = ?`
  },
  edit_before: { ids: 'SELECT id FROM edits ORDER BY id', read: 'SELECT image_id AS imageId, before AS blob, w * h AS n FROM edits WHERE id = ?', write: 'UPDATE edits SET before = ? WHERE id = ?' },
  edit_after: { ids: 'SELECT id FROM edits ORDER BY id', read: 'SELECT image_id AS imageId, after AS blob, w * h AS n FROM edits WHERE id = ?', write: 'UPDATE edits SET after = ? WHERE id = ?' },
  proposal: { ids: 'SELECT id FROM proposals ORDER BY id', read: 'SELECT image_id AS imageId, labels AS blob, width * height AS n FROM proposals WHERE id = ?', write: 'UPDATE proposals SET labels = ? WHERE id = ?' }
}

export interface RemapCount {
  /** Pixels changed per table. */
  pixels: Record<Table, number>
  /** Images whose stored map, history or proposal changed. */
  imageIds: Set<number>
}

/** Rewrites `from` → `to` everywhere (inside the caller's transaction) and records the masks under `changeId`. */
export function remapClass(db: Db, changeId: number, from: number, to: number): RemapCount {
  const count: RemapCount = { pixels: { annotation: 0, edit_before: 0, edit_after: 0, proposal: 0 }, imageIds: new Set() }
  const saveMask = db.prepare('INSERT INTO class_change_pixels (change_id, tbl, row_id, mask, regions) VALUES (?, ?, ?, ?, ?)')
  for (const tbl of Object.keys(BLOBS) as Table[]) {
    const b = BLOBS[tbl]
    const read = db.prepare(b.read)
    const write = db.prepare(b.write)
    for (const { id } of db.prepare(b.ids).all() as { id: number }[]) {
      const row = read.get(id) as { imageId: number; blob: Buffer; n: number }
      const labels = inflateLabels(row.blob, row.n, `${tbl.replace('_', ' ')} ${id}`)
      const mask = new Uint8Array(labels.length)
      let changed = 0
      for (let i = 0; i < labels.length; i++) {
        if (labels[i] === from) {
          labels[i] = to
          mask[i] = 1
          changed++
        }
      }
      if (!changed) continue
      write.run(deflateLabels(labels), id)
      let regions: string | null = null
      if (tbl === 'proposal') regions = remapRegions(db, id, from, to)
      saveMask.run(changeId, tbl, id, deflateLabels(mask), regions)
      count.pixels[tbl] += changed
      count.imageIds.add(row.imageId)
    }
  }
  return count
}

/** Puts `from` back where the merge `changeId` changed a pixel that still holds `to`. Returns the images touched. */
export function unmapClass(db: Db, changeId: number, from: number, to: number): Set<number> {
  const touched = new Set<number>()
  const rows = db.prepare('SELECT tbl, row_id FROM class_change_pixels WHERE change_id = ? ORDER BY tbl, row_id').all(changeId) as { tbl: Table; row_id: number }[]
  const maskOf = db.prepare('SELECT mask, regions FROM class_change_pixels WHERE change_id = ? AND tbl = ? AND row_id = ?')
  for (const { tbl, row_id: id } of rows) {
    const b = BLOBS[tbl]
    const row = db.prepare(b.read).get(id) as { imageId: number; blob: Buffer; n: number } | undefined
    if (!row) continue // the history entry or proposal is gone since (a new edit dropped the redo branch, a re-run replaced it)
    const saved = maskOf.get(changeId, tbl, id) as { mask: Buffer; regions: string | null }
    const labels = inflateLabels(row.blob, row.n, `${tbl.replace('_', ' ')} ${id}`)
    const mask = inflateLabels(saved.mask, row.n, `merge mask of ${tbl.replace('_', ' ')} ${id}`)
    for (let i = 0; i < labels.length; i++) if (mask[i] && labels[i] === to) labels[i] = from
    db.prepare(b.write).run(deflateLabels(labels), id)
    touched.add(row.imageId)
    if (tbl === 'proposal' && saved.regions !== null) db.prepare('UPDATE proposals SET regions = ? WHERE id = ?').run(saved.regions, id)
  }
  return touched
}

/** Relabels a proposal's regions; returns the regions JSON as it was, for the undo. */
function remapRegions(db: Db, proposalId: number, from: number, to: number): string {
  const before = (db.prepare('SELECT regions FROM proposals WHERE id = ?').get(proposalId) as { regions: string }).regions
  const regions = (JSON.parse(before) as Region[]).map((r) => (r.classIndex === from ? { ...r, classIndex: to } : r))
  db.prepare('UPDATE proposals SET regions = ? WHERE id = ?').run(JSON.stringify(regions), proposalId)
  return before
}
