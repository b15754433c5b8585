/**
 * Editing the open project's class table through the API (issue #18 item 1): rename, recolour,
 * add, and a merge that remaps the pixels of every current map, history delta and proposal as one
 * undoable, logged action; a merge needs a target; the decoded-map cache never serves old pixels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateSync, inflateSync } from 'node:zlib'
import { createDispatcher, type Dispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import type { Workstation } from '../../src/main/core/workstation'
import type { MethodName } from '../../src/shared/contract/methods'
import { makeProject } from '../models/helpers'
import { rawDb } from '../../src/main/core/store/rawDb'

const W = 32
const H = 24
let dir: string
let ws: Workstation
let api: Dispatcher
let ids: number[]
const events: { event: string; payload: unknown }[] = []

async function ok<T = unknown>(method: MethodName, args: unknown): Promise<T> {
  const r = await api.call(method, args)
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`)
  return r.result as T
}
async function fails(method: MethodName, args: unknown): Promise<{ code: string; message: string }> {
  const r = await api.call(method, args)
  if (r.ok) throw new Error(`${method} should have failed`)
  return r.error
}
const edit = (imageId: number, rect: { x: number; y: number; w: number; h: number }, value: number) =>
  ok('applyEdit', { imageId, label: `paint ${value}`, baseSeq: ws.project.annotations.state(imageId).head, rect, data: deflateSync(new Uint8Array(rect.w * rect.h).fill(value)).toString('base64') })
const current = (imageId: number) => ws.project.annotations.current(imageId)!.labels
const count = (labels: Uint8Array, v: number) => labels.reduce((n, x) => n + (x === v ? 1 : 0), 0)
const classMask = (imageId: number) => (rawDb(ws.project).prepare('SELECT class_mask AS m FROM images WHERE id = ?').get(imageId) as { m: number }).m

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twinlight-class-edits-'))
  const p = await makeProject(dir, 2, { width: W, height: H })
  ws = p.ws
  ids = p.ids
  api = createDispatcher(allHandlers(ws), () => undefined)
  ws.hub.subscribe((event, payload) => events.push({ event, payload }))
})

afterAll(async () => {
  await ws.closeProject()
  rmSync(dir, { recursive: true, force: true })
})

describe('table-only changes', () => {
  it('renames, recolours and adds, each logged and undoable', async () => {
    const renamed = await ok<{ classes: { index: number; name: string }[] }>('renameClass', { index: 2, name: 'pedestrian' })
    expect(renamed.classes.find((c) => c.index === 2)!.name).toBe('pedestrian')
    expect(ws.project.summary().classes.find((c) => c.index === 2)!.name).toBe('pedestrian')
    expect((await fails('renameClass', { index: 2, name: 'Car' })).message).toBe('There is already a class named "Car".')
    expect((await fails('renameClass', { index: 42, name: 'x' })).code).toBe('not_found')

    await ok('setClassColor', { index: 2, color: [10, 20, 30] })
    expect(ws.project.classes().find((c) => c.index === 2)!.color).toEqual([10, 20, 30])

    const added = await ok<{ change: { kind: string; to: number } }>('addClass', { name: 'tree', color: [0, 200, 0] })
    expect(added.change).toMatchObject({ kind: 'add', to: 9 })
    expect(ws.project.classes().map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect((await fails('addClass', { name: 'wall', color: [1, 2, 3], index: 4 })).message).toBe('Index 4 is already class "curve".')

    const log = await ok<{ kind: string; summary: string }[]>('listClassChanges', {})
    expect(log.map((c) => c.kind)).toEqual(['add', 'color', 'rename'])
    expect(log[2]!.summary).toBe('Renamed class 2 "person" to "pedestrian"')

    // Undo walks back newest first: the add, the colour, the name.
    await ok('undoClassChange', {})
    await ok('undoClassChange', {})
    await ok('undoClassChange', {})
    const person = ws.project.classes().find((c) => c.index === 2)!
    expect(person).toEqual({ index: 2, name: 'person', color: [64, 64, 0], ignore: false })
    expect(ws.project.classes()).toHaveLength(9)
    expect(events.some((e) => e.event === 'classes.changed')).toBe(true)
  })

  it('refuses to un-add a class that already holds pixels', async () => {
    await ok('addClass', { name: 'tree', color: [0, 200, 0] })
    await edit(ids[1]!, { x: 0, y: 0, w: 2, h: 2 }, 9)
    const e = await fails('undoClassChange', {})
    expect(e.code).toBe('conflict')
    expect(e.message).toBe('Cannot undo adding "tree" (9): 4 labelled pixel(s) hold it now. Merge it into another class instead.')
  })
})

describe('merge with remap', () => {
  it('refuses a merge without a target, into itself, or into a missing class', async () => {
    expect((await fails('mergeClasses', { from: 3 })).code).toBe('invalid_argument')
    expect((await fails('mergeClasses', { from: 3, to: 3 })).message).toBe('Class 3 cannot be merged into itself; pick another class to take its pixels.')
    expect((await fails('mergeClasses', { from: 3, to: 77 })).message).toBe('The project has no class with index 77.')
    expect(ws.project.classes().some((c) => c.index === 3)).toBe(true)
  })

  it('remaps bike → car in maps, history and proposals, and the undo puts every pixel back', async () => {
    const [a, b] = ids as [number, number]
    // Image a: bike, then car over part of it, then bike again (history deltas hold bike on both sides).
    await edit(a, { x: 0, y: 0, w: 8, h: 8 }, 3)
    await edit(a, { x: 4, y: 4, w: 8, h: 8 }, 1)
    await edit(a, { x: 10, y: 10, w: 4, h: 4 }, 3)
    // Image b: an imported map with bike, and a model proposal with a bike region.
    const mapB = new Uint8Array(W * H)
    mapB.fill(3, 0, 50)
    mapB.fill(2, 50, 80)
    ws.project.annotations.replace(b, W, H, mapB, 'import', null)
    const prop = new Uint8Array(W * H).fill(3, 100, 140)
    ws.project.proposals.put({ imageId: b, modelVersionId: null, width: W, height: H, labels: prop, confidence: null, regions: [{ id: 1, classIndex: 3, area: 40, meanConfidence: 0.5, bbox: [0, 3, 32, 2] }], meanConfidence: 0.5 })

    const beforeA = current(a) // also fills the decoded-map cache
    const beforeB = current(b)
    expect(count(beforeA, 3)).toBe(64 - 16 + 16)
    expect(classMask(b) & (1 << 3)).not.toBe(0)

    const r = await ok<{ change: { kind: string; pixels: number; images: number; summary: string }; classes: { index: number }[] }>('mergeClasses', { from: 3, to: 1 })
    expect(r.change).toMatchObject({ kind: 'merge', pixels: 64 + 50, images: 2 })
    expect(r.change.summary).toBe('Merged "bike" (3) into "car" (1): 114 px in 2 label map(s), 40 px of proposals')
    expect(r.classes.map((c) => c.index)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]) // a gap at 3: no renumbering

    // Every pixel that was bike is car now, nothing else moved; the cache did not serve the old map.
    const afterA = current(a)
    for (let i = 0; i < afterA.length; i++) expect(afterA[i]).toBe(beforeA[i] === 3 ? 1 : beforeA[i])
    const payload = await ok<{ data: string }>('getLabelMap', { imageId: b, which: 'current' })
    expect(count(inflateSync(Buffer.from(payload.data, 'base64')), 3)).toBe(0)
    expect(count(current(b), 3)).toBe(0)
    expect(count(current(b), 1)).toBe(50)
    const p = ws.project.proposals.latest(b)!
    expect(count(p.labels, 3)).toBe(0)
    expect(count(p.labels, 1)).toBe(40)
    expect(p.regions[0]!.classIndex).toBe(1)
    expect(classMask(b) & (1 << 3)).toBe(0)
    expect(classMask(b) & (1 << 1)).not.toBe(0)

    // Stroke undo after the merge restores car, never the removed bike value.
    const undo = await ok<{ patch: { data: string } }>('undo', { imageId: a })
    expect(undo.patch).not.toBeNull()
    expect(count(current(a), 3)).toBe(0)
    await ok('redo', { imageId: a })
    // Painting the removed class is refused now.
    expect((await edit(a, { x: 0, y: 0, w: 1, h: 1 }, 3).catch((e: Error) => e.message))).toMatch(/not in the class table/)

    const log = await ok<{ kind: string }[]>('listClassChanges', { limit: 1 })
    expect(log[0]!.kind).toBe('merge')

    const back = await ok<{ change: { undone: boolean }; classes: { index: number; name: string }[] }>('undoClassChange', {})
    expect(back.change.undone).toBe(true)
    expect(back.classes.find((c) => c.index === 3)!.name).toBe('bike')
    expect(Array.from(current(a))).toEqual(Array.from(beforeA))
    expect(Array.from(current(b))).toEqual(Array.from(beforeB))
    const p2 = ws.project.proposals.latest(b)!
    expect(Array.from(p2.labels)).toEqual(Array.from(prop))
    expect(p2.regions[0]!.classIndex).toBe(3)
    expect(classMask(b) & (1 << 3)).not.toBe(0)
    // The history deltas got bike back too: undoing the last stroke gives the car under it.
    await ok('undo', { imageId: a })
    expect(count(current(a), 3)).toBe(64 - 16)
    const last = events.filter((e) => e.event === 'classes.changed').pop()
    expect(last!.payload).toMatchObject({ remapped: true })
  })
})

describe('class files and new projects', () => {
  it('parses JSON and YAML class files, and names the file when it cannot', async () => {
    const json = await ok<{ classes: { index: number; name: string; ignore: boolean }[] }>('parseClassFile', {
      fileName: 'classes.json',
      text: JSON.stringify({ classes: [{ name: 'sky', color: [0, 0, 255] }, { name: 'road' }, { index: 255, name: 'void', ignore: true }] })
    })
    expect(json.classes.map((c) => [c.index, c.name, c.ignore])).toEqual([[0, 'sky', false], [1, 'road', false], [255, 'void', true]])
    const yaml = await ok<{ classes: { index: number; name: string }[] }>('parseClassFile', { fileName: 'data.yaml', text: 'names:\n  0: background\n  1: person\n  4: car\n' })
    expect(yaml.classes.map((c) => [c.index, c.name])).toEqual([[0, 'background'], [1, 'person'], [4, 'car']])
    const bad = await fails('parseClassFile', { fileName: 'labels.yml', text: 'classes: [a, a: b' })
    expect(bad.code).toBe('bad_input')
    expect(bad.message).toMatch(/^labels\.yml: cannot read class list as YAML/)
  })

  it('creates a project with an own table and refuses a table with problems in sentences', async () => {
    const path = join(dir, 'own.twinlight')
    const e = await fails('createProjectWithClasses', { path, classes: [{ index: 0, name: 'a', color: [0, 0, 0], ignore: false }, { index: 1, name: 'A ', color: [1, 1, 1], ignore: false }] })
    expect(e.message).toBe(`The class table for ${path} cannot be used: Two classes are named "A" (indices 0 and 1).`)
    const s = await ok<{ classes: unknown[] }>('createProjectWithClasses', {
      path,
      classes: [{ index: 1, name: 'car', color: [255, 0, 0], ignore: false }, { index: 0, name: 'unlabeled', color: [0, 0, 0], ignore: false }, { index: 255, name: 'void', color: [0, 0, 0], ignore: true }]
    })
    expect(s.classes).toEqual([
      { index: 0, name: 'unlabeled', color: [0, 0, 0], ignore: false },
      { index: 1, name: 'car', color: [255, 0, 0], ignore: false },
      { index: 255, name: 'void', color: [0, 0, 0], ignore: true }
    ])
  })
})
