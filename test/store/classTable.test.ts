// The class table is cached in ProjectStore: a save reads neither it nor the annotation row more than
// once, and every way the table changes (setClasses, another repo's SQL, a rollback) is seen at once.
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { rawDb } from '../../src/main/core/store/rawDb'
import { classPreset } from '../../src/main/core/classPresets'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()

function project() {
  const s = ProjectStore.create(join(tmp(), 'p.twinlight'), { classes: classPreset('mfnet') })
  const id = s.images.insert({ name: 'a', split: 'train', rgbPath: 'a.png', thermalPath: 'a.png', thermalChannel: 3, width: 8, height: 6, thermalBits: 8 })
  s.annotations.ensure(id, 8, 6)
  return { s, id }
}

/** Records the SQL of every statement the store prepares from now on. */
function recordSql(s: ProjectStore): string[] {
  const db = rawDb(s)
  const seen: string[] = []
  const prepare = db.prepare.bind(db)
  db.prepare = ((sql: string) => {
    seen.push(sql.replace(/\s+/g, ' ').trim())
    return prepare(sql)
  }) as typeof db.prepare
  return seen
}

const paint = (s: ProjectStore, id: number, value: number) => s.annotations.applyEdit(id, 'Brush', s.annotations.state(id).head, { x: 0, y: 0, w: 2, h: 1 }, Uint8Array.of(value, value))
const mfnetPlus = (name: string) => [...classPreset('mfnet'), { index: 9, name, color: [9, 9, 9] as [number, number, number], ignore: false }]

describe('class table cache', () => {
  it('a save reads the class table not at all and the annotation row once', () => {
    const { s, id } = project()
    paint(s, id, 1)
    const seen = recordSql(s)
    const r = s.annotations.applyEdit(id, 'Brush', 1, { x: 0, y: 0, w: 2, h: 1 }, Uint8Array.of(2, 2))
    expect(r.state).toEqual({ head: 2, canUndo: true, canRedo: false, undoLabel: 'Brush', redoLabel: null })
    expect(seen.filter((q) => /FROM classes/.test(q))).toEqual([])
    expect(seen.filter((q) => /^SELECT .* FROM annotations/.test(q))).toHaveLength(1)
    expect(r.state).toEqual(s.annotations.state(id))
    expect([...s.annotations.current(id)!.labels.slice(0, 2)]).toEqual([2, 2])
    s.close()
  })

  it('sees setClasses at once', () => {
    const { s, id } = project()
    expect(() => paint(s, id, 9)).toThrow(/label value\(s\) 9, which are not in the class table/)
    s.setClasses(mfnetPlus('pole'))
    expect(paint(s, id, 9).pixels).toBe(2)
    expect(s.classes().at(-1)!.name).toBe('pole')
    s.close()
  })

  it('sees a write to the classes table by other store code on the connection', () => {
    const { s, id } = project()
    expect(s.classes()[1]!.name).toBe('car')
    rawDb(s).prepare(`UPDATE classes SET name = 'vehicle' WHERE idx = 1`).run()
    expect(s.classes()[1]!.name).toBe('vehicle')
    rawDb(s).prepare('DELETE FROM classes WHERE idx = 8').run()
    expect(() => paint(s, id, 8)).toThrow(/label value\(s\) 8/)
    rawDb(s).prepare(`INSERT INTO classes (idx, name, r, g, b) VALUES (9, 'pole', 1, 2, 3)`).run()
    expect(paint(s, id, 9).pixels).toBe(2)
    s.close()
  })

  it('forgets classes a rolled-back transaction wrote', () => {
    const { s, id } = project()
    expect(() =>
      s.transaction(() => {
        s.setClasses(mfnetPlus('pole'))
        expect(s.classes()).toHaveLength(10) // read inside: the copy now holds the uncommitted row
        throw new Error('abort')
      })
    ).toThrow('abort')
    expect(s.classes()).toHaveLength(9)
    expect(() => paint(s, id, 9)).toThrow(/label value\(s\) 9/)
    s.close()
  })

  it('hands out copies', () => {
    const { s } = project()
    s.classes()[1]!.color[0] = 77
    s.classes()[1]!.name = 'x'
    expect(s.classes()[1]).toMatchObject({ name: 'car', color: [64, 0, 128] })
    s.close()
  })
})
