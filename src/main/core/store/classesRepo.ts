/**
 * The open project's class table as the user edits it: rename, recolour, ignore flag, add, merge
 * (a delete is a merge into the class that takes the pixels). Each action is one transaction and
 * one `class_changes` row holding the table before and after it, so the log is the audit trail and
 * `undoLast` can restore any of them. Indices are never renumbered: a removed class leaves a gap.
 */
import type { ClassInfo } from '@shared/contract/types'
import type { ClassChangeInfo, ClassChangeKind } from '@shared/contract/methods/classes'
import { ApiError } from '@shared/contract/errors'
import { classNameProblem, MAX_CLASSES, nextFreeIndex } from '@shared/formats/classTable'
import type { Db } from './db'
import type { AnnotationsRepo } from './annotationsRepo'
import { classMaskOf } from './imagesRepo'
import { remapClass, unmapClass } from './classRemap'

interface ChangeRow {
  id: number
  kind: ClassChangeKind
  summary: string
  from_idx: number | null
  to_idx: number | null
  before_classes: string
  pixels: number
  images: number
  undone: number
  created_at: string
}

export class ClassesRepo {
  constructor(
    private readonly db: Db,
    private readonly annotations: AnnotationsRepo
  ) {}

  list(): ClassInfo[] {
    const rows = this.db.prepare('SELECT idx, name, r, g, b, ignore FROM classes ORDER BY idx').all() as { idx: number; name: string; r: number; g: number; b: number; ignore: number }[]
    return rows.map((r) => ({ index: r.idx, name: r.name, color: [r.r, r.g, r.b], ignore: r.ignore === 1 }))
  }

  rename(index: number, name: string): ClassChangeInfo {
    const c = this.get(index)
    const n = name.trim()
    if (n === c.name) throw new ApiError('invalid_argument', `Class ${index} is already named "${n}".`)
    this.checkName(n, index)
    return this.change('rename', `Renamed class ${index} "${c.name}" to "${n}"`, (t) => t.map((k) => (k.index === index ? { ...k, name: n } : k)))
  }

  setColor(index: number, color: [number, number, number]): ClassChangeInfo {
    const c = this.get(index)
    return this.change('color', `Recoloured "${c.name}" (${index}) from rgb(${c.color.join(',')}) to rgb(${color.join(',')})`, (t) =>
      t.map((k) => (k.index === index ? { ...k, color: [...color] } : k))
    )
  }

  setIgnore(index: number, ignore: boolean): ClassChangeInfo {
    const c = this.get(index)
    if (c.ignore === ignore) throw new ApiError('invalid_argument', `Class "${c.name}" (${index}) is already ${ignore ? 'ignored' : 'not ignored'}.`)
    return this.change('ignore', `${ignore ? 'Marked' : 'Unmarked'} "${c.name}" (${index}) as ignored in training and metrics`, (t) =>
      t.map((k) => (k.index === index ? { ...k, ignore } : k))
    )
  }

  add(cls: { name: string; color: [number, number, number]; ignore: boolean; index?: number }): ClassChangeInfo {
    const table = this.list()
    if (table.length >= MAX_CLASSES) throw new ApiError('conflict', `The class table is full (${MAX_CLASSES} classes, label values 0–255).`)
    const index = cls.index ?? nextFreeIndex(table)!
    const taken = table.find((k) => k.index === index)
    if (taken) throw new ApiError('conflict', `Index ${index} is already class "${taken.name}".`)
    const name = cls.name.trim()
    this.checkName(name, -1)
    return this.change('add', `Added class ${index} "${name}"`, (t) => [...t, { index, name, color: [cls.color[0], cls.color[1], cls.color[2]] as [number, number, number], ignore: cls.ignore }].sort((a, b) => a.index - b.index), { to: index })
  }

  /**
   * Removes class `from` and rewrites its pixels to `to` in every current map, history delta and
   * proposal, in one transaction. The cached decoded maps are dropped: they hold the old values.
   */
  merge(from: number, to: number): ClassChangeInfo {
    if (from === to) throw new ApiError('invalid_argument', `Class ${from} cannot be merged into itself; pick another class to take its pixels.`)
    const a = this.get(from)
    const b = this.get(to)
    try {
      return this.db.transaction(() => {
        const current = this.countInCurrentMaps(from)
        const info = this.change('merge', '', (t) => t.filter((k) => k.index !== from), { from, to })
        const count = remapClass(this.db, info.id, from, to)
        this.annotations.forgetCached()
        this.refreshClassMasks(count.imageIds)
        const summary = `Merged "${a.name}" (${from}) into "${b.name}" (${to}): ${current.pixels} px in ${current.images} label map(s), ${count.pixels.proposal} px of proposals`
        this.db.prepare('UPDATE class_changes SET summary = ?, pixels = ?, images = ? WHERE id = ?').run(summary, current.pixels, current.images, info.id)
        return this.info(info.id)
      })()
    } finally {
      this.annotations.forgetCached() // a failed transaction rolled the file back; the cache may hold the remapped maps
    }
  }

  /** Undoes the newest change not yet undone: restores the table, and for a merge the pixels. */
  undoLast(): ClassChangeInfo {
    const row = this.db.prepare('SELECT * FROM class_changes WHERE undone = 0 ORDER BY id DESC LIMIT 1').get() as ChangeRow | undefined
    if (!row) throw new ApiError('not_found', 'There is no class change to undo.')
    if (row.kind === 'add') this.refuseUndoOfUsedClass(row.to_idx!)
    try {
      return this.db.transaction(() => {
        if (row.kind === 'merge') {
          const touched = unmapClass(this.db, row.id, row.from_idx!, row.to_idx!)
          this.annotations.forgetCached()
          this.refreshClassMasks(touched)
        }
        this.writeTable(JSON.parse(row.before_classes) as ClassInfo[])
        this.db.prepare('UPDATE class_changes SET undone = 1 WHERE id = ?').run(row.id)
        return this.info(row.id)
      })()
    } finally {
      this.annotations.forgetCached()
    }
  }

  changes(limit: number): ClassChangeInfo[] {
    return (this.db.prepare('SELECT * FROM class_changes ORDER BY id DESC LIMIT ?').all(limit) as ChangeRow[]).map(toInfo)
  }

  private info(id: number): ClassChangeInfo {
    return toInfo(this.db.prepare('SELECT * FROM class_changes WHERE id = ?').get(id) as ChangeRow)
  }

  private get(index: number): ClassInfo {
    const c = this.list().find((k) => k.index === index)
    if (!c) throw new ApiError('not_found', `The project has no class with index ${index}.`)
    return c
  }

  private checkName(name: string, index: number): void {
    const problem = classNameProblem(name, this.list().filter((k) => k.index !== index).map((k) => k.name))
    if (problem) throw new ApiError('invalid_argument', problem)
  }

  /** Writes the new table and its log row (one transaction); returns the row. */
  private change(kind: ClassChangeKind, summary: string, edit: (t: ClassInfo[]) => ClassInfo[], idx: { from?: number; to?: number } = {}): ClassChangeInfo {
    return this.db.transaction(() => {
      const before = this.list()
      const after = edit(before)
      this.writeTable(after)
      const r = this.db
        .prepare('INSERT INTO class_changes (kind, summary, from_idx, to_idx, before_classes, after_classes) VALUES (?, ?, ?, ?, ?, ?)')
        .run(kind, summary, idx.from ?? null, idx.to ?? null, JSON.stringify(before), JSON.stringify(after))
      return this.info(Number(r.lastInsertRowid))
    })()
  }

  /** A class that already holds pixels cannot be un-added: its pixels would hold a value outside the table. */
  private refuseUndoOfUsedClass(index: number): void {
    const inMaps = this.countInCurrentMaps(index).pixels
    if (inMaps) {
      const name = this.list().find((k) => k.index === index)?.name ?? `class ${index}`
      throw new ApiError('conflict', `Cannot undo adding "${name}" (${index}): ${inMaps} labelled pixel(s) hold it now. Merge it into another class instead.`)
    }
  }

  private writeTable(classes: ClassInfo[]): void {
    this.db.prepare('DELETE FROM classes').run()
    const ins = this.db.prepare('INSERT INTO classes (idx, name, r, g, b, ignore) VALUES (?, ?, ?, ?, ?, ?)')
    for (const c of classes) ins.run(c.index, c.name, c.color[0], c.color[1], c.color[2], c.ignore ? 1 : 0)
  }

  /** Pixels of `from` in the current maps (one map in memory at a time), for the log's sentence. */
  private countInCurrentMaps(from: number): { pixels: number; images: number } {
    let pixels = 0
    let images = 0
    for (const { id } of this.db.prepare('SELECT image_id AS id FROM annotations').all() as { id: number }[]) {
      const labels = this.annotations.current(id)!.labels
      let n = 0
      for (let i = 0; i < labels.length; i++) if (labels[i] === from) n++
      pixels += n
      if (n) images++
    }
    return { pixels, images }
  }

  private refreshClassMasks(imageIds: Iterable<number>): void {
    const set = this.db.prepare('UPDATE images SET class_mask = ? WHERE id = ?')
    for (const id of imageIds) {
      const cur = this.annotations.current(id)
      if (cur) set.run(classMaskOf(cur.labels), id)
    }
  }
}

function toInfo(r: ChangeRow): ClassChangeInfo {
  return { id: r.id, kind: r.kind, summary: r.summary, from: r.from_idx, to: r.to_idx, pixels: r.pixels, images: r.images, undone: r.undone === 1, createdAt: r.created_at }
}
