/**
 * The pre-fill job end to end on generated MFNet-layout projects with a generated package:
 * proposals + confidence + regions for every image, reviewed images never overwritten, resume
 * after a kill without redoing finished images, corrupt images reported and skipped, class
 * mismatch refused until a mapping is stored.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { useTmp } from '../helpers/tmp'
import { makePackage, makeProject, openWorkstation } from './helpers'
import { ensureBaseModel } from '../../src/main/core/models/versions/modelVersions'
import { disposeTestWorkstations } from '../helpers/workstation'
import { modelHandlers } from '../../src/main/core/api/handlers/models'
import { classPreset } from '../../src/main/core/classPresets'
import type { PrefillResult } from '../../src/main/core/prefill/prefillJob'
import type { ProjectStore } from '../../src/main/core/store/projectStore'
import { rawDb } from '../../src/main/core/store/rawDb'

const tmp = useTmp()
afterAll(() => disposeTestWorkstations())

function proposalRows(store: ProjectStore): Map<number, { id: number; created_at: string }> {
  const rows = rawDb(store).prepare('SELECT id, image_id, created_at FROM proposals').all() as { id: number; image_id: number; created_at: string }[]
  return new Map(rows.map((r) => [r.image_id, { id: r.id, created_at: r.created_at }]))
}

describe('prefill job', () => {
  it('gives every image a proposal, a confidence map and regions; the map becomes current', async () => {
    const p = await makeProject(tmp(), 6)
    const store = p.ws.project
    const vid = await ensureBaseModel(store, makePackage())
    const t0 = Date.now()
    const job = p.ws.jobs.start('prefill', { modelVersionId: vid })
    const done = await p.ws.jobs.wait(job.id)
    const wall = (Date.now() - t0) / 1000
    expect(done.state).toBe('done')
    const r = done.result as PrefillResult
    expect(r).toMatchObject({ images: 6, prefilled: 6, proposalOnly: 0, problems: [], ep: 'cpu', modelVersionId: vid })
    expect(r.seconds).toBeGreaterThan(0)
    expect(r.seconds).toBeLessThanOrEqual(wall + 0.01)
    expect(r.imagesPerSecond).toBeCloseTo(6 / r.seconds, 1)
    for (const id of p.ids) {
      const prop = store.proposals.latest(id)!
      expect(prop.width * prop.height).toBe(160 * 120)
      expect(prop.confidence).not.toBeNull()
      expect(prop.regions.length).toBeGreaterThan(0)
      const area = prop.regions.reduce((a, x) => a + x.area, 0)
      let nonZero = 0
      for (const v of prop.labels) if (v !== 0) nonZero++
      expect(area).toBe(nonZero) // every non-background pixel is in exactly one region
      for (const reg of prop.regions) expect(reg.meanConfidence).toBeGreaterThan(0)
      const cur = store.annotations.current(id)!
      expect(cur.source).toBe('model')
      expect(cur.modelVersionId).toBe(vid)
      expect(Buffer.from(cur.labels).equals(Buffer.from(prop.labels))).toBe(true)
      const row = store.images.get(id)
      expect(row.status).toBe('prefilled')
      expect(row.confidence).toBeCloseTo(prop.meanConfidence!, 9)
    }
    const h = modelHandlers(p.ws)
    const regions = await h.listRegions({ imageId: p.ids[0]! })
    expect(regions!.regions).toEqual(store.proposals.latest(p.ids[0]!)!.regions)
    const stats = await h.getCacheStats({})
    expect(stats.entries).toBe(6)
    const exec = await h.getExecutionInfo({})
    expect(exec.name).toBe('CPU')
    expect(exec.attempts.map((a) => a.name)).toEqual(['CUDA', 'DirectML', 'CoreML', 'CPU'])
    expect(p.ws.ep?.name).toBe('CPU')
    await p.ws.closeProject()
  })

  it('never overwrites reviewed images; --only-unreviewed skips them entirely', async () => {
    const p = await makeProject(tmp(), 5)
    const store = p.ws.project
    const vid = await ensureBaseModel(store, makePackage())
    await p.ws.jobs.wait(p.ws.jobs.start('prefill', { modelVersionId: vid }).id)
    const [a, b] = p.ids
    // A person edits image a (in review) and accepts image b.
    store.annotations.applyEdit(a!, 'paint', 0, { x: 0, y: 0, w: 2, h: 1 }, Uint8Array.from([3, 3]))
    store.annotations.accept(b!)
    const before = proposalRows(store)
    const mapA = store.annotations.current(a!)!.labels.slice()
    const mapB = store.annotations.current(b!)!.labels.slice()
    const second = await p.ws.jobs.wait(p.ws.jobs.start('prefill', { modelVersionId: vid, onlyUnreviewed: true }).id)
    expect((second.result as PrefillResult)).toMatchObject({ images: 3, prefilled: 3, proposalOnly: 0 })
    const after = proposalRows(store)
    expect(after.get(a!)).toEqual(before.get(a!))
    expect(after.get(b!)).toEqual(before.get(b!))
    for (const id of p.ids.slice(2)) expect(after.get(id)!.id).not.toBe(before.get(id)!.id)
    expect(store.images.status(a!)).toBe('in_review')
    expect(store.images.status(b!)).toBe('accepted')
    // Without the filter, reviewed images get a new proposal but keep their maps.
    const third = await p.ws.jobs.wait(p.ws.jobs.start('prefill', { modelVersionId: vid }).id)
    expect((third.result as PrefillResult)).toMatchObject({ images: 5, prefilled: 3, proposalOnly: 2 })
    expect(proposalRows(store).get(a!)!.id).not.toBe(before.get(a!)!.id)
    expect(Buffer.from(store.annotations.current(a!)!.labels).equals(Buffer.from(mapA))).toBe(true)
    expect(Buffer.from(store.annotations.current(b!)!.labels).equals(Buffer.from(mapB))).toBe(true)
    expect([...store.annotations.current(a!)!.labels.subarray(0, 2)]).toEqual([3, 3]) // the person's edit survives
    await p.ws.closeProject()
  })

  it('resumes after a kill without redoing finished images', async () => {
    const dir = tmp()
    const p = await makeProject(dir, 40)
    const vid = await ensureBaseModel(p.ws.project, makePackage())
    const job = p.ws.jobs.start('prefill', { modelVersionId: vid })
    // Kill after the first committed batch: abort from the first image.changed event.
    const off = p.ws.hub.subscribe((e) => { if (e === 'image.changed' && p.ws.jobs.isRunning(job.id)) p.ws.jobs.cancel(job.id) })
    const stopped = await p.ws.jobs.wait(job.id)
    off()
    expect(stopped.state).toBe('cancelled')
    const store = p.ws.project
    const first = proposalRows(store)
    expect(first.size).toBeGreaterThan(0)
    expect(first.size).toBeLessThan(40)
    // Make it look like the process died mid-run (state left "running"), then reopen elsewhere.
    store.jobs.update(job.id, { state: 'running' })
    await p.ws.closeProject()
    const ws2 = await openWorkstation(p.dataDir)
    await ws2.openProject(p.projectPath)
    expect(ws2.project.jobs.get(job.id).state).toBe('interrupted')
    ws2.jobs.resume(job.id)
    const finished = await ws2.jobs.wait(job.id)
    expect(finished.state).toBe('done')
    expect((finished.result as PrefillResult).images).toBe(40)
    const all = proposalRows(ws2.project)
    expect(all.size).toBe(40)
    for (const [imageId, row] of first) expect(all.get(imageId)).toEqual(row) // same row id and created_at: not redone
    const count = (rawDb(ws2.project).prepare('SELECT count(*) AS n FROM proposals').get() as { n: number }).n
    expect(count).toBe(40)
    const revisions = (rawDb(ws2.project).prepare("SELECT count(*) AS n FROM revisions WHERE source = 'model'").get() as { n: number }).n
    expect(revisions).toBe(40) // one model revision per image: none written twice
    await ws2.closeProject()
  })

  it('reports a corrupt image and goes on', async () => {
    const p = await makeProject(tmp(), 4)
    writeFileSync(join(p.datasetDir, 'images', `${p.names[1]}.png`), Buffer.from('\x89PNG\r\n\x1a\nthis is not a png'))
    const vid = await ensureBaseModel(p.ws.project, makePackage())
    const done = await p.ws.jobs.wait(p.ws.jobs.start('prefill', { modelVersionId: vid }).id)
    expect(done.state).toBe('done')
    const r = done.result as PrefillResult
    expect(r.images).toBe(3)
    expect(r.problems).toHaveLength(1)
    expect(r.problems[0]!.file).toContain(`${p.names[1]}.png`)
    expect(r.problems[0]!.reason).toMatch(/corrupt|truncated|header/)
    expect(p.ws.project.proposals.latest(p.ids[1]!)).toBeNull()
    expect(p.ws.project.images.status(p.ids[1]!)).toBe('new')
    for (const id of [p.ids[0]!, p.ids[2]!, p.ids[3]!]) expect(p.ws.project.images.status(id)).toBe('prefilled')
    await p.ws.closeProject()
  })

  it('refuses a model whose classes differ until an explicit mapping is stored', async () => {
    const p = await makeProject(tmp(), 3)
    const store = p.ws.project
    store.setClasses(classPreset('pst900'))
    const vid = await ensureBaseModel(store, makePackage())
    const failed = await p.ws.jobs.wait(p.ws.jobs.start('prefill', { modelVersionId: vid }).id)
    expect(failed.state).toBe('failed')
    expect(failed.error).toMatch(/differ from this project's.*class mapping/)
    expect((rawDb(store).prepare('SELECT count(*) AS n FROM proposals').get() as { n: number }).n).toBe(0)
    const h = modelHandlers(p.ws)
    await expect(h.setClassMapping({ modelVersionId: vid, mapping: [0, 1] })).rejects.toThrow(/needs 9 entries/)
    await expect(h.setClassMapping({ modelVersionId: vid, mapping: [0, 1, 2, 3, 4, 0, 0, 9, 0] })).rejects.toThrow(/not a class index/)
    const mapping = [0, 1, 2, 3, 4, 0, 0, 0, 0]
    expect(await h.setClassMapping({ modelVersionId: vid, mapping })).toEqual({ model: 'test-tiny@0.0.1', mapping })
    const ok = await p.ws.jobs.wait(p.ws.jobs.start('prefill', { modelVersionId: vid }).id)
    expect(ok.state).toBe('done')
    for (const id of p.ids) for (const v of store.proposals.latest(id)!.labels) expect(v).toBeLessThanOrEqual(4)
    await p.ws.closeProject()
  })

  it('registers the package as the base version, activates it, and lists it', async () => {
    const p = await makeProject(tmp(), 1)
    const h = modelHandlers(p.ws)
    const vid = await ensureBaseModel(p.ws.project, makePackage())
    expect(await ensureBaseModel(p.ws.project, makePackage())).toBe(vid)
    const list = await h.listModels({})
    expect(list.activeId).toBe(vid)
    expect(list.models.find((m) => m.id === vid)).toMatchObject({ kind: 'base', name: 'test-tiny@0.0.1' })
    expect((await h.getExecutionInfo({ forceCpu: true })).forceCpu).toBe(true)
    const info = await h.startPrefill({ onlyUnreviewed: false, cpu: false })
    await expect(Promise.resolve().then(() => h.startPrefill({ onlyUnreviewed: false, cpu: false }))).rejects.toThrow(/still running/)
    const done = await p.ws.jobs.wait(info.id)
    expect(done.state).toBe('done')
    expect(done.result).toMatchObject({ modelVersionId: vid, ep: 'cpu', epReason: 'CPU forced by setting' })
    const exec = await h.getExecutionInfo({ forceCpu: false })
    expect(exec).toMatchObject({ name: 'CPU', reason: 'CPU forced by setting', forceCpu: false })
    await p.ws.closeProject()
  })
})
