import type { Db } from './db'
import type { ImageDetail, ImagePage, ImageRow, ImageStatus } from '@shared/contract/types'
import { ApiError } from '@shared/contract/errors'

export interface NewImage {
  name: string
  split: string
  splitOrder?: number | null
  rgbPath: string
  thermalPath: string
  thermalChannel?: number | null
  thermalRawPath?: string | null
  width: number
  height: number
  thermalBits: 8 | 16
  contentHash?: string | null
}

export interface ImageFilter {
  status?: ImageStatus[]
  split?: string[]
  classPresent?: number
  search?: string
}
export type ImageSort = 'name' | 'confidence_asc' | 'confidence_desc' | 'status' | 'uncertainty'

interface Row {
  id: number
  name: string
  split: string
  status: ImageStatus
  width: number
  height: number
  thermal_bits: 8 | 16
  confidence: number | null
  proposal_version: number | null
}
interface FullRow extends Row {
  rgb_path: string
  thermal_path: string
  thermal_channel: number | null
  thermal_raw_path: string | null
  reg_dx: number
  reg_dy: number
  content_hash: string | null
  has_proposal: number
  has_annotation: number
}

/** The model version of an image's newest proposal (the one `images.confidence` was taken from). */
const PROPOSAL_VERSION = '(SELECT p.model_version_id FROM proposals p WHERE p.image_id = images.id ORDER BY p.id DESC LIMIT 1)'
/**
 * Uncertainty-first: 0 = the newest proposal is the active version's, 1 = it came from another
 * version (its confidence is stale: sorted after, still least confident first), 2 = no proposal.
 */
const UNCERTAINTY_GROUP = `CASE WHEN confidence IS NULL THEN 2 WHEN ${PROPOSAL_VERSION} IS (SELECT m.id FROM models m WHERE m.active = 1) THEN 0 ELSE 1 END`
const LIST_COLS = `id, name, split, status, width, height, thermal_bits, confidence, ${PROPOSAL_VERSION} AS proposal_version`
/**
 * Sort keys as SQL expressions, so "the next image after X in this order" is one indexed-range
 * query (row-value comparison) instead of a scan. Confidence is in [0,1]; images without a
 * proposal sort last either way.
 */
const KEYS: Record<ImageSort, string[]> = {
  name: ['name', 'id'],
  status: ['status', 'name', 'id'],
  confidence_asc: ['coalesce(confidence, 2)', 'id'],
  confidence_desc: ['-coalesce(confidence, -1)', 'id'],
  uncertainty: [UNCERTAINTY_GROUP, 'coalesce(confidence, 2)', 'name', 'id']
}
const ORDER = Object.fromEntries(Object.entries(KEYS).map(([k, v]) => [k, v.join(', ')])) as Record<ImageSort, string>

function toRow(r: Row): ImageRow {
  return { id: r.id, name: r.name, split: r.split, status: r.status, width: r.width, height: r.height, thermalBitDepth: r.thermal_bits, confidence: r.confidence, proposalVersionId: r.proposal_version }
}

function where(f: ImageFilter): { sql: string; params: unknown[] } {
  const parts: string[] = []
  const params: unknown[] = []
  if (f.status?.length) {
    parts.push(`status IN (${f.status.map(() => '?').join(',')})`)
    params.push(...f.status)
  }
  if (f.split?.length) {
    parts.push(`split IN (${f.split.map(() => '?').join(',')})`)
    params.push(...f.split)
  }
  if (f.classPresent !== undefined) {
    // class_mask holds classes 0..52 as bits; beyond that the filter cannot be answered from it.
    if (f.classPresent > 52) throw new ApiError('invalid_argument', 'classPresent filter supports class indices 0..52.')
    parts.push('(class_mask & ?) != 0')
    params.push(2 ** f.classPresent)
  }
  if (f.search) {
    parts.push("name LIKE ? ESCAPE '\\'")
    params.push(`%${f.search.replace(/[\\%_]/g, (c) => '\\' + c)}%`)
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params }
}

export class ImagesRepo {
  constructor(private readonly db: Db) {}

  insert(img: NewImage): number {
    const r = this.db
      .prepare(
        `INSERT INTO images (name, split, split_order, rgb_path, thermal_path, thermal_channel, thermal_raw_path, width, height, thermal_bits, content_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(img.name, img.split, img.splitOrder ?? null, img.rgbPath, img.thermalPath, img.thermalChannel ?? null, img.thermalRawPath ?? null, img.width, img.height, img.thermalBits, img.contentHash ?? null)
    return Number(r.lastInsertRowid)
  }

  list(offset: number, limit: number, filter: ImageFilter, sort: ImageSort): ImagePage {
    const w = where(filter)
    const total = (this.db.prepare(`SELECT count(*) AS n FROM images ${w.sql}`).get(...w.params) as { n: number }).n
    // The page's ids first, then their columns: the proposal-version lookup runs for the page's rows only.
    const ids = (this.db.prepare(`SELECT id FROM images ${w.sql} ORDER BY ${ORDER[sort]} LIMIT ? OFFSET ?`).all(...w.params, limit, offset) as { id: number }[]).map((r) => r.id)
    const byId = new Map((this.db.prepare(`SELECT ${LIST_COLS} FROM images WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as Row[]).map((r) => [r.id, r]))
    return { total, offset, items: ids.map((id) => toRow(byId.get(id)!)) }
  }

  /** Every stored file path the images reference (rgb, thermal, raw thermal), as stored. */
  referencedPaths(): string[] {
    const rows = this.db.prepare('SELECT rgb_path AS a, thermal_path AS b, thermal_raw_path AS c FROM images').all() as { a: string; b: string; c: string | null }[]
    return rows.flatMap((r) => [r.a, r.b, ...(r.c ? [r.c] : [])])
  }

  /** Every image's split and name (unique together): what an import already holds. */
  splitAndNames(): { split: string; name: string }[] {
    return this.db.prepare('SELECT split, name FROM images').all() as { split: string; name: string }[]
  }

  /** The split of every image with this status, by id. */
  splitsByStatus(status: ImageStatus): Map<number, string> {
    const rows = this.db.prepare('SELECT id, split FROM images WHERE status = ?').all(status) as { id: number; split: string }[]
    return new Map(rows.map((r) => [r.id, r.split]))
  }

  /** Content hashes of the images that have one (RGB + thermal bytes), for duplicate checks. */
  contentHashes(): Set<string> {
    const rows = this.db.prepare('SELECT content_hash AS h FROM images WHERE content_hash IS NOT NULL').all() as { h: string }[]
    return new Set(rows.map((r) => r.h))
  }

  /** Ids in browser order, for jobs that walk a filtered set. */
  ids(filter: ImageFilter, sort: ImageSort = 'name'): number[] {
    const w = where(filter)
    return (this.db.prepare(`SELECT id FROM images ${w.sql} ORDER BY ${ORDER[sort]}`).all(...w.params) as { id: number }[]).map((r) => r.id)
  }

  get(id: number): ImageDetail & { thermalChannel: number | null; thermalRawPath: string | null; contentHash: string | null } {
    const r = this.db
      .prepare(
        `SELECT i.*, EXISTS(SELECT 1 FROM proposals p WHERE p.image_id = i.id) AS has_proposal, ${PROPOSAL_VERSION.replace('images.id', 'i.id')} AS proposal_version,
                EXISTS(SELECT 1 FROM annotations a WHERE a.image_id = i.id) AS has_annotation
         FROM images i WHERE i.id = ?`
      )
      .get(id) as FullRow | undefined
    if (!r) throw new ApiError('not_found', `Image ${id} does not exist in this project.`)
    return {
      ...toRow(r),
      rgbPath: r.rgb_path,
      thermalPath: r.thermal_path,
      thermalChannel: r.thermal_channel,
      thermalRawPath: r.thermal_raw_path,
      contentHash: r.content_hash,
      registration: { dx: r.reg_dx, dy: r.reg_dy },
      hasProposal: r.has_proposal === 1,
      hasAnnotation: r.has_annotation === 1
    }
  }

  /** The next image after `after` in the given order whose status still needs a person (wrapping around). */
  nextUnreviewed(after: number | undefined, filter: ImageFilter, sort: ImageSort): number | null {
    const w = where({ ...filter, status: ['new', 'prefilled'] })
    const first = () => (this.db.prepare(`SELECT id FROM images ${w.sql} ORDER BY ${ORDER[sort]} LIMIT 1`).get(...w.params) as { id: number } | undefined)?.id ?? null
    if (after === undefined) return first()
    const keys = KEYS[sort]
    const cond = `(${keys.join(', ')}) > (SELECT ${keys.join(', ')} FROM images WHERE id = ?)`
    const sql = `SELECT id FROM images ${w.sql ? `${w.sql} AND` : 'WHERE'} ${cond} ORDER BY ${ORDER[sort]} LIMIT 1`
    const next = this.db.prepare(sql).get(...w.params, after) as { id: number } | undefined
    return next?.id ?? first()
  }

  setStatus(id: number, status: ImageStatus): void {
    this.db.prepare('UPDATE images SET status = ? WHERE id = ?').run(status, id)
  }

  status(id: number): ImageStatus {
    const r = this.db.prepare('SELECT status FROM images WHERE id = ?').get(id) as { status: ImageStatus } | undefined
    if (!r) throw new ApiError('not_found', `Image ${id} does not exist in this project.`)
    return r.status
  }

  setRegistration(id: number, dx: number, dy: number): void {
    const r = this.db.prepare('UPDATE images SET reg_dx = ?, reg_dy = ? WHERE id = ?').run(dx, dy, id)
    if (r.changes === 0) throw new ApiError('not_found', `Image ${id} does not exist in this project.`)
  }

  setClassMask(id: number, mask: number): void {
    this.db.prepare('UPDATE images SET class_mask = ? WHERE id = ?').run(mask, id)
  }

  setConfidence(id: number, confidence: number | null): void {
    this.db.prepare('UPDATE images SET confidence = ? WHERE id = ?').run(confidence, id)
  }

  counts(): Record<ImageStatus, number> {
    const out: Record<ImageStatus, number> = { new: 0, prefilled: 0, in_review: 0, accepted: 0 }
    for (const r of this.db.prepare('SELECT status, count(*) AS n FROM images GROUP BY status').all() as { status: ImageStatus; n: number }[]) out[r.status] = r.n
    return out
  }

  splits(): string[] {
    return (this.db.prepare('SELECT DISTINCT split FROM images ORDER BY split').all() as { split: string }[]).map((r) => r.split)
  }
}

/** Bitmask of classes 0..52 present in a label map (for the class filter). */
export function classMaskOf(labels: Uint8Array): number {
  const seen = new Uint8Array(256)
  for (let i = 0; i < labels.length; i++) seen[labels[i]!] = 1
  let mask = 0
  for (let c = 0; c < 53; c++) if (seen[c]) mask += 2 ** c
  return mask
}
