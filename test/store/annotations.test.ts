import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { classPreset } from '../../src/main/core/classPresets'
import { useTmp } from '../helpers/tmp'
import { rawDb } from '../../src/main/core/store/rawDb'

const tmp = useTmp()

function project() {
  const dir = tmp()
  const path = join(dir, 'p.twinlight')
  const s = ProjectStore.create(path, { classes: classPreset('mfnet') })
  const id = s.images.insert({ name: 'a', split: 'train', rgbPath: 'a.png', thermalPath: 'a.png', thermalChannel: 3, width: 8, height: 6, thermalBits: 8 })
  return { s, id, path }
}

const fill = (n: number, v: number) => new Uint8Array(n).fill(v)

describe('annotations', () => {
  it('applies an edit to exactly the rect, and undo/redo restore it', () => {
    const { s, id } = project()
    s.annotations.ensure(id, 8, 6)
    const r = s.annotations.applyEdit(id, 'Brush: person', 0, { x: 2, y: 1, w: 3, h: 2 }, fill(6, 2))
    expect(r.pixels).toBe(6)
    expect(r.state).toMatchObject({ head: 1, canUndo: true, canRedo: false, undoLabel: 'Brush: person' })
    let cur = s.annotations.current(id)!
    const painted = [...cur.labels].map((v, i) => (v ? i : -1)).filter((i) => i >= 0)
    expect(painted).toEqual([10, 11, 12, 18, 19, 20])
    expect(s.images.status(id)).toBe('in_review')

    const u = s.annotations.step(id, -1)
    expect(u.patch!.rect).toEqual({ x: 2, y: 1, w: 3, h: 2 })
    expect([...u.patch!.values]).toEqual([0, 0, 0, 0, 0, 0])
    expect(u.state).toMatchObject({ head: 0, canUndo: false, canRedo: true, redoLabel: 'Brush: person' })
    expect(s.annotations.current(id)!.labels.every((v) => v === 0)).toBe(true)

    s.annotations.step(id, 1)
    cur = s.annotations.current(id)!
    expect(cur.labels.filter((v) => v === 2).length).toBe(6)
  })

  it('persists the history across reopening the file', () => {
    const { s, id, path } = project()
    s.annotations.ensure(id, 8, 6)
    s.annotations.applyEdit(id, 'Brush: car', 0, { x: 0, y: 0, w: 2, h: 2 }, fill(4, 1))
    s.annotations.applyEdit(id, 'Fill: bike', 1, { x: 4, y: 4, w: 2, h: 2 }, fill(4, 3))
    s.close()
    const again = ProjectStore.open(path)
    expect(again.annotations.history(id, 10).map((e) => e.label)).toEqual(['Fill: bike', 'Brush: car'])
    again.annotations.step(id, -1)
    expect(again.annotations.state(id)).toMatchObject({ head: 1, undoLabel: 'Brush: car', redoLabel: 'Fill: bike' })
    again.close()
  })

  it('keeps saves as deltas, materialises every 32 edits, and undoes across that boundary', () => {
    const { s, id, path } = project()
    s.annotations.ensure(id, 8, 6)
    const expected: number[][] = [[...new Uint8Array(48)]]
    for (let k = 0; k < 40; k++) {
      s.annotations.applyEdit(id, `px ${k}`, k, { x: k % 8, y: Math.floor(k / 8) % 6, w: 1, h: 1 }, fill(1, 1 + (k % 8)))
      const m = [...expected.at(-1)!]
      m[(Math.floor(k / 8) % 6) * 8 + (k % 8)] = 1 + (k % 8)
      expected.push(m)
    }
    const row = () => rawDb(s).prepare('SELECT data_seq, head_seq FROM annotations WHERE image_id = ?').get(id)
    expect(row()).toEqual({ data_seq: 32, head_seq: 40 })
    for (let k = 40; k > 28; k--) {
      s.annotations.step(id, -1)
      expect([...s.annotations.current(id)!.labels], `after undo to ${k - 1}`).toEqual(expected[k - 1])
    }
    expect(row()).toEqual({ data_seq: 28, head_seq: 28 })
    s.close()
    const again = ProjectStore.open(path)
    expect([...again.annotations.current(id)!.labels]).toEqual(expected[28])
    again.annotations.step(id, 1)
    expect([...again.annotations.current(id)!.labels]).toEqual(expected[29])
    again.close()
  })

  it('a failed save (read-only file) throws and leaves memory and file consistent', () => {
    const { s, id, path } = project()
    s.annotations.ensure(id, 8, 6)
    s.annotations.applyEdit(id, 'ok', 0, { x: 0, y: 0, w: 1, h: 1 }, fill(1, 2))
    rawDb(s).pragma('query_only = ON') // every write now fails, as on a read-only file
    expect(() => s.annotations.applyEdit(id, 'fails', 1, { x: 1, y: 0, w: 1, h: 1 }, fill(1, 3))).toThrow()
    rawDb(s).pragma('query_only = OFF')
    expect([...s.annotations.current(id)!.labels.subarray(0, 2)]).toEqual([2, 0])
    expect(s.annotations.state(id).head).toBe(1)
    s.close()
    expect(ProjectStore.open(path).annotations.current(id)!.labels[1]).toBe(0)
  })

  it('drops the redo branch when a new edit follows an undo, and rejects stale or out-of-bounds edits', () => {
    const { s, id } = project()
    s.annotations.ensure(id, 8, 6)
    s.annotations.applyEdit(id, 'one', 0, { x: 0, y: 0, w: 1, h: 1 }, fill(1, 1))
    s.annotations.step(id, -1)
    s.annotations.applyEdit(id, 'two', 0, { x: 1, y: 0, w: 1, h: 1 }, fill(1, 2))
    expect(s.annotations.state(id)).toMatchObject({ head: 1, canRedo: false, undoLabel: 'two' })
    expect(() => s.annotations.applyEdit(id, 'stale', 0, { x: 0, y: 0, w: 1, h: 1 }, fill(1, 1))).toThrow(/changed since it was loaded/)
    expect(() => s.annotations.applyEdit(id, 'oob', 1, { x: 7, y: 5, w: 2, h: 2 }, fill(4, 1))).toThrow(/outside image/)
    expect(s.annotations.history(id, 10).map((e) => e.label)).toEqual(['two'])
  })

  it('accept writes a human revision with parent model and pixels edited, and sets the status', () => {
    const { s, id } = project()
    const model = s.models.add({ name: 'tiny', kind: 'base', parentId: null, packagePath: '/x' })
    s.annotations.replace(id, 8, 6, fill(48, 1), 'model', model)
    s.annotations.applyEdit(id, 'Reject region 1', 0, { x: 0, y: 0, w: 4, h: 2 }, fill(8, 0))
    const a = s.annotations.accept(id)
    expect(a.status).toBe('accepted')
    const rev = rawDb(s).prepare('SELECT source, model_version_id, pixels_edited FROM revisions WHERE id = ?').get(a.revisionId)
    expect(rev).toEqual({ source: 'human', model_version_id: model, pixels_edited: 8 })
    expect(s.images.status(id)).toBe('accepted')
  })

  it('filters images by status, split and class present, and sorts by confidence', () => {
    const { s, id } = project()
    const b = s.images.insert({ name: 'b', split: 'test', rgbPath: 'b.png', thermalPath: 'b.png', width: 8, height: 6, thermalBits: 8 })
    s.annotations.replace(id, 8, 6, fill(48, 2), 'import', null)
    s.images.setConfidence(id, 0.9)
    s.images.setConfidence(b, 0.3)
    expect(s.images.list(0, 10, { classPresent: 2 }, 'name').items.map((r) => r.name)).toEqual(['a'])
    expect(s.images.list(0, 10, { split: ['test'] }, 'name').items.map((r) => r.name)).toEqual(['b'])
    expect(s.images.list(0, 10, {}, 'confidence_asc').items.map((r) => r.name)).toEqual(['b', 'a'])
    s.images.setStatus(id, 'accepted')
    expect(s.images.nextUnreviewed(undefined, {}, 'name')).toBe(b)
    expect(s.images.nextUnreviewed(b, {}, 'name')).toBe(b)
  })
})
