import type { Db } from './db'
import type { ModelVersionInfo } from '@shared/contract/types'
import { ApiError } from '@shared/contract/errors'

interface ModelRow {
  id: number
  name: string
  kind: 'base' | 'adapter'
  parent_id: number | null
  package_path: string
  metrics: string | null
  active: number
  created_at: string
  has_head: number
  tier: 'adapter' | 'head' | 'lora' | null
}

function toInfo(r: ModelRow): ModelVersionInfo {
  return { id: r.id, name: r.name, kind: r.kind, parentId: r.parent_id, packagePath: r.package_path, createdAt: r.created_at, metrics: r.metrics ? JSON.parse(r.metrics) : null, tier: r.kind === 'base' ? null : r.tier ?? (r.has_head ? 'head' : 'adapter') }
}

const SELECT = 'SELECT models.*, (SELECT count(*) FROM model_heads h WHERE h.model_id = models.id) AS has_head FROM models'

/** Base packages and adapter versions; exactly one (or none) is active. */
export class ModelsRepo {
  constructor(private readonly db: Db) {}

  /** `tier` is stored only for 'lora' versions (adapter and head versions are told apart by their blobs). */
  add(v: { name: string; kind: 'base' | 'adapter'; parentId: number | null; packagePath: string; adapter?: Uint8Array | null; metrics?: unknown; tier?: 'lora' }): number {
    const r = this.db
      .prepare('INSERT INTO models (name, kind, parent_id, package_path, adapter, metrics, tier) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(v.name, v.kind, v.parentId, v.packagePath, v.adapter ?? null, v.metrics === undefined ? null : JSON.stringify(v.metrics), v.tier ?? null)
    return Number(r.lastInsertRowid)
  }

  get(id: number): ModelVersionInfo {
    const r = this.db.prepare(`${SELECT} WHERE id = ?`).get(id) as ModelRow | undefined
    if (!r) throw new ApiError('not_found', `Model version ${id} does not exist in this project.`)
    return toInfo(r)
  }

  adapter(id: number): Uint8Array | null {
    const r = this.db.prepare('SELECT adapter FROM models WHERE id = ?').get(id) as { adapter: Buffer | null } | undefined
    if (!r) throw new ApiError('not_found', `Model version ${id} does not exist in this project.`)
    return r.adapter
  }

  /** The head blob of a head-tier version (models/versions/head.ts), or null. */
  head(id: number): Uint8Array | null {
    const r = this.db.prepare('SELECT head FROM model_heads WHERE model_id = ?').get(id) as { head: Buffer } | undefined
    return r ? r.head : null
  }

  setHead(id: number, head: Uint8Array): void {
    this.db.prepare('INSERT INTO model_heads (model_id, head) VALUES (?, ?) ON CONFLICT (model_id) DO UPDATE SET head = excluded.head').run(id, head)
  }

  list(): ModelVersionInfo[] {
    return (this.db.prepare(`${SELECT} ORDER BY id`).all() as ModelRow[]).map(toInfo)
  }

  active(): ModelVersionInfo | null {
    const r = this.db.prepare(`${SELECT} WHERE active = 1`).get() as ModelRow | undefined
    return r ? toInfo(r) : null
  }

  activate(id: number): void {
    this.get(id)
    this.db.transaction(() => {
      this.db.prepare('UPDATE models SET active = 0 WHERE active = 1').run()
      this.db.prepare('UPDATE models SET active = 1 WHERE id = ?').run(id)
    })()
  }

  /**
   * Deletes a version that nothing refers to. Pre-fills, revisions and fine-tuned children keep
   * their version for the audit trail, so a version they refer to is refused with the counts.
   */
  remove(id: number): void {
    const v = this.get(id)
    const count = (sql: string): number => (this.db.prepare(sql).get(id) as { n: number }).n
    const refs = [
      [count('SELECT count(*) AS n FROM models WHERE parent_id = ?'), 'fine-tuned version'],
      [count('SELECT count(*) AS n FROM proposals WHERE model_version_id = ?'), 'proposal'],
      [count('SELECT count(*) AS n FROM revisions WHERE model_version_id = ?'), 'revision'],
      [count('SELECT count(*) AS n FROM annotations WHERE model_version_id = ?'), 'label map']
    ].filter(([n]) => (n as number) > 0).map(([n, what]) => `${n} ${what}${n === 1 ? '' : 's'}`)
    if (refs.length) throw new ApiError('conflict', `Model version ${id} (${v.name}) cannot be removed: ${refs.join(', ')} of this project refer to it (kept for the history). Make another version active instead.`)
    this.db.prepare('DELETE FROM model_heads WHERE model_id = ?').run(id)
    this.db.prepare('DELETE FROM models WHERE id = ?').run(id)
  }

  setMetrics(id: number, metrics: unknown): void {
    this.db.prepare('UPDATE models SET metrics = ? WHERE id = ?').run(JSON.stringify(metrics), id)
  }
}
