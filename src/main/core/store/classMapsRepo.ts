/**
 * Explicit model → project class mappings, one per model manifest id (a table since schema 2;
 * before, meta keys `classMap:<manifest id>`). Validation belongs to prefill/classMap.ts.
 */
import type { Db } from './db'

export class ClassMapsRepo {
  constructor(private readonly db: Db) {}

  /** The stored mapping as written (JSON), or null when the manifest has none. */
  get(manifestId: string): unknown {
    const r = this.db.prepare('SELECT map FROM class_maps WHERE manifest_id = ?').get(manifestId) as { map: string } | undefined
    return r ? (JSON.parse(r.map) as unknown) : null
  }

  set(manifestId: string, map: (number | null)[]): void {
    this.db.prepare('INSERT INTO class_maps (manifest_id, map) VALUES (?, ?) ON CONFLICT (manifest_id) DO UPDATE SET map = excluded.map').run(manifestId, JSON.stringify(map))
  }

  remove(manifestId: string): void {
    this.db.prepare('DELETE FROM class_maps WHERE manifest_id = ?').run(manifestId)
  }
}
