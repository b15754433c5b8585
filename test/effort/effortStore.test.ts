/**
 * Issue #20 items 2, 3 in the store: the uncertainty-first order (active version's proposals by
 * confidence, ties by name; other versions' after; no proposal last), "next unreviewed" in that
 * order, and the correction trend per model version.
 */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { classPreset } from '../../src/main/core/classPresets'
import { rawDb } from '../../src/main/core/store/rawDb'
import { useTmp } from '../helpers/tmp'
import { addImage, paint, propose } from './fixture'

const tmp = useTmp()

function project() {
  const s = ProjectStore.create(join(tmp(), 'p.twinlight'), { classes: classPreset('mfnet') })
  const v1 = s.models.add({ name: 'base', kind: 'base', parentId: null, packagePath: '/x' })
  const v2 = s.models.add({ name: 'ft-1', kind: 'adapter', parentId: v1, packagePath: '/x' })
  return { s, v1, v2 }
}

describe('uncertainty-first order', () => {
  function scene() {
    const { s, v1, v2 } = project()
    // Inserted so that id order differs from name order: ties must go by name, not id.
    const ids = Object.fromEntries(['e', 'a', 'd', 'c', 'b'].map((n) => [n, addImage(s, n)])) as Record<'a' | 'b' | 'c' | 'd' | 'e', number>
    propose(s, ids.a, v2, 0.8)
    propose(s, ids.b, v2, 0.3)
    propose(s, ids.e, v2, 0.3)
    propose(s, ids.c, v1, 0.1) // the lowest confidence, but of a version that is no longer active
    s.models.activate(v2)
    return { s, v1, v2, ids }
  }
  const names = (s: ProjectStore, sort: 'uncertainty' | 'confidence_asc') => s.images.list(0, 10, {}, sort).items.map((r) => r.name)

  it("sorts the active version's proposals least confident first, ties by name, then other versions', then none", () => {
    const { s, v1, v2, ids } = scene()
    expect(names(s, 'uncertainty')).toEqual(['b', 'e', 'a', 'c', 'd'])
    // The old order trusts every stored confidence and breaks ties by id.
    expect(names(s, 'confidence_asc')).toEqual(['c', 'e', 'b', 'a', 'd'])
    const rows = Object.fromEntries(s.images.list(0, 10, {}, 'uncertainty').items.map((r) => [r.name, r.proposalVersionId]))
    expect(rows).toEqual({ a: v2, b: v2, c: v1, d: null, e: v2 })
    expect(s.images.get(ids.c).proposalVersionId).toBe(v1)
  })

  it('moves an image into the first group once the active version pre-fills it', () => {
    const { s, v2, ids } = scene()
    propose(s, ids.c, v2, 0.5)
    expect(names(s, 'uncertainty')).toEqual(['b', 'e', 'c', 'a', 'd'])
  })

  it('next unreviewed walks the same order, skips reviewed images and wraps around', () => {
    const { s, ids } = scene()
    s.annotations.accept(ids.e)
    const walk: string[] = []
    let at: number | undefined
    for (let k = 0; k < 5; k++) {
      at = s.images.nextUnreviewed(at, {}, 'uncertainty')!
      walk.push(s.images.get(at).name)
    }
    expect(walk).toEqual(['b', 'a', 'c', 'd', 'b'])
  })
})

describe('correction trend', () => {
  it('is the mean share of pixels corrected per image, by the version whose proposal the accepted map held', () => {
    const { s, v1, v2 } = project()
    s.models.add({ name: 'ft-unused', kind: 'adapter', parentId: v1, packagePath: '/x' })
    const [p, q, r, t, u] = ['p', 'q', 'r', 't', 'u'].map((n) => addImage(s, n)) as [number, number, number, number, number]
    propose(s, p, v1, 0.5)
    propose(s, q, v1, 0.5)
    paint(s, p, 12, 2) // 12 of 48 pixels: 0.25
    s.annotations.accept(p)
    s.annotations.accept(q) // accepted untouched: 0
    // Under v2: accepted with 6 corrected, reopened, 6 more, accepted again: 12 of 48 for the image.
    s.models.activate(v2)
    propose(s, r, v2, 0.9)
    paint(s, r, 6, 2)
    s.annotations.accept(r)
    paint(s, r, 6, 3)
    s.annotations.accept(r)
    // Repainting the whole image twice counts 96 pixels: capped at the image's 48.
    propose(s, t, v2, 0.9)
    paint(s, t, 48, 2)
    paint(s, t, 48, 3)
    s.annotations.accept(t)
    // Labelled from scratch, no model: 4 pixels.
    s.annotations.ensure(u, 8, 6)
    paint(s, u, 4, 2)
    s.annotations.accept(u)
    // An image pre-filled by v1 but accepted after v2 became active still counts for v1.
    const late = addImage(s, 'late')
    s.models.activate(v1)
    propose(s, late, v1, 0.5)
    s.models.activate(v2)
    paint(s, late, 24, 2)
    s.annotations.accept(late)

    const trend = s.effort.correctionTrend()
    expect(trend.map((x) => [x.versionId, x.name, x.active, x.images])).toEqual([
      [v1, 'base', false, 3],
      [v2, 'ft-1', true, 2],
      [v2 + 1, 'ft-unused', false, 0],
      [null, 'no model', false, 1]
    ])
    expect(trend[0]!.meanCorrectedShare).toBeCloseTo((0.25 + 0 + 0.5) / 3, 10)
    expect(trend[1]!.meanCorrectedShare).toBeCloseTo((0.25 + 1) / 2, 10)
    expect(trend[2]!.meanCorrectedShare).toBeNull()
    expect(trend[3]!.meanCorrectedShare).toBeCloseTo(4 / 48, 10)
  })

  it('counts an edit once even when it shares a timestamp with the acceptance before it', () => {
    const { s, v1 } = project()
    const id = addImage(s, 'x')
    propose(s, id, v1, 0.5)
    paint(s, id, 6, 2)
    s.annotations.accept(id)
    // The clock gives edits and the revision one millisecond: all stamped the same.
    rawDb(s).prepare("UPDATE edits SET created_at = '2026-12-04T10:00:00.000Z'").run()
    rawDb(s).prepare("UPDATE revisions SET created_at = '2026-12-04T10:00:00.000Z'").run()
    paint(s, id, 6, 3)
    s.annotations.accept(id)
    const revs = rawDb(s).prepare("SELECT pixels_edited AS n FROM revisions WHERE source = 'human' ORDER BY id").all() as { n: number }[]
    expect(revs.map((r) => r.n)).toEqual([6, 6])
    expect(s.effort.correctionTrend()[0]!.meanCorrectedShare).toBeCloseTo(12 / 48, 10)
  })

  it('lists every version with no images before anything is accepted', () => {
    const { s } = project()
    expect(s.effort.correctionTrend().map((x) => [x.images, x.meanCorrectedShare])).toEqual([[0, null], [0, null]])
  })
})
