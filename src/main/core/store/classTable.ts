/**
 * The project's class table, read once and kept until it changes. Every save checks its label
 * values against the table, so reading it per save was a query per brush stroke. Any write to
 * `classes` on this connection (this file's setClasses or another repo's) fires temporary triggers
 * that drop the copy; a rolled-back transaction drops it too (ProjectStore.transaction).
 */
import type { ClassInfo } from '@shared/contract/types'
import type { Db } from './db'

interface ClassRow {
  idx: number
  name: string
  r: number
  g: number
  b: number
  ignore: number
}

export class ClassTable {
  private cached: ClassInfo[] | null = null

  /** `watch`: install the change triggers (not on a read-only connection, which then never caches). */
  constructor(private readonly db: Db, private readonly watch: boolean) {
    if (!watch) return
    db.function('twinlight_classes_changed', { deterministic: false }, () => {
      this.cached = null
      return null
    })
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS classes_changed_${op.toLowerCase()} AFTER ${op} ON main.classes BEGIN SELECT twinlight_classes_changed(); END`)
    }
  }

  /** The classes in index order (a copy the caller may keep). */
  list(): ClassInfo[] {
    const rows = this.cached ?? this.read()
    if (this.watch) this.cached = rows
    return rows.map((c) => ({ ...c, color: [...c.color] as ClassInfo['color'] }))
  }

  /** The class indices in order, without copying the table (the per-save check). */
  indices(): number[] {
    const rows = this.cached ?? this.read()
    if (this.watch) this.cached = rows
    return rows.map((c) => c.index)
  }

  /** Replaces the table (the dataset's own indices, never renumbered). */
  replace(classes: ClassInfo[]): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM classes').run()
      const ins = this.db.prepare('INSERT INTO classes (idx, name, r, g, b, ignore) VALUES (?, ?, ?, ?, ?, ?)')
      for (const c of classes) ins.run(c.index, c.name, c.color[0], c.color[1], c.color[2], c.ignore ? 1 : 0)
    })()
  }

  /** Forget the copy (after a rollback, which fires no trigger). */
  invalidate(): void {
    this.cached = null
  }

  private read(): ClassInfo[] {
    const rows = this.db.prepare('SELECT idx, name, r, g, b, ignore FROM classes ORDER BY idx').all() as ClassRow[]
    return rows.map((r) => ({ index: r.idx, name: r.name, color: [r.r, r.g, r.b], ignore: r.ignore === 1 }))
  }
}
