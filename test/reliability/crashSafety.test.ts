import { describe, expect, it } from 'vitest'
import { deflateSync } from 'node:zlib'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { classPreset } from '../../src/main/core/classPresets'
import { writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import { useTmp } from '../helpers/tmp'
import { kill9, startServerProcess, type ServerProc } from './serverProcess'

const tmp = useTmp()
const TARGET_SAVES = 1000
const MIN_KILLS = 20
const W = 64
const H = 48

/** Seeded PRNG so a failure is reproducible. */
function rng(seed: number) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}

describe('crash safety (SIGKILL during saves)', () => {
  it(`keeps every acknowledged save across ≥${MIN_KILLS} kills, with an intact database`, async () => {
    const dir = tmp()
    const project = join(dir, 'crash.twinlight')
    const store = ProjectStore.create(project, { classes: classPreset('mfnet') })
    const ids: number[] = []
    for (let i = 0; i < 4; i++) ids.push(store.images.insert({ name: `img${i}`, split: 'train', rgbPath: 'x.png', thermalPath: 'x.png', width: W, height: H, thermalBits: 8 }))
    store.close()
    // A dataset big enough that an import is still running when a kill lands.
    const dataset = join(dir, 'ds')
    await writeSyntheticDataset(dataset, { count: 40, seed: 5, width: 320, height: 240 })

    const random = rng(42)
    const acked: { imageId: number; label: string; seq: number }[] = []
    let kills = 0
    let saveNo = 0
    let importJob: number | null = null
    while (acked.length < TARGET_SAVES || kills < MIN_KILLS) {
      const srv: ServerProc = await startServerProcess(project, join(dir, 'data'))
      // Re-sync the history heads: a save in flight at the kill may or may not have landed.
      const heads = new Map<number, number>()
      for (const id of ids) {
        await srv.call('getLabelMap', { imageId: id })
        heads.set(id, (await srv.call<{ state: { head: number } }>('getHistory', { imageId: id })).body.state.head)
      }
      if (kills === 3) importJob = (await srv.call<{ id: number }>('startImport', { dir: dataset })).body.id
      const budget = kills >= MIN_KILLS ? TARGET_SAVES - acked.length : Math.floor(10 + random() * 70)
      const killAfterMs = 5 + random() * 40
      const started = Date.now()
      let killed = false
      for (let k = 0; k < budget && !killed; k++) {
        const imageId = ids[Math.floor(random() * ids.length)]!
        const x = Math.floor(random() * (W - 8))
        const y = Math.floor(random() * (H - 8))
        const label = `save ${saveNo++}`
        const data = deflateSync(new Uint8Array(64).fill(1 + (saveNo % 8))).toString('base64')
        // Settled immediately into a value: a request cut by the kill must not become an unhandled rejection.
        const req = srv
          .call<{ history: { head: number } }>('applyEdit', { imageId, label, baseSeq: heads.get(imageId), rect: { x, y, w: 8, h: 8 }, data })
          .then((r) => r, () => null)
        // Kill at a random moment, possibly while this request is in flight.
        if (kills < MIN_KILLS && Date.now() - started > killAfterMs && random() < 0.3) {
          await kill9(srv)
          killed = true
          await req // answered or not: only acknowledged saves count
          break
        }
        const r = (await req)!
        expect(r, 'server answered').not.toBeNull()
        expect(r.status, JSON.stringify(r.body)).toBe(200)
        heads.set(imageId, r.body.history.head)
        acked.push({ imageId, label, seq: r.body.history.head })
      }
      if (!killed) await kill9(srv)
      kills++
    }

    const db = new Database(project)
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    const labels = new Set((db.prepare('SELECT label FROM edits').all() as { label: string }[]).map((r) => r.label))
    const missing = acked.filter((a) => !labels.has(a.label))
    expect(missing).toEqual([])
    db.close()

    // The import killed midway shows as resumable and finishes without duplicates.
    const srv = await startServerProcess(project, join(dir, 'data'))
    const job = (await srv.call<{ state: string }>('getJob', { id: importJob })).body
    expect(['interrupted', 'done']).toContain(job.state)
    const running = (await srv.call<{ state: string }[]>('listJobs')).body.filter((j) => j.state === 'running')
    expect(running).toEqual([])
    if (job.state === 'interrupted') {
      await srv.call('resumeJob', { id: importJob })
      await expect.poll(async () => (await srv.call<{ state: string }>('getJob', { id: importJob })).body.state, { timeout: 30_000 }).toBe('done')
    }
    const page = (await srv.call<{ total: number }>('listImages', { limit: 1 })).body
    expect(page.total).toBe(4 + 40)
    await kill9(srv)
    console.log(`crash safety: ${acked.length} acknowledged saves, ${kills} SIGKILLs, import job ${job.state} after the kills, integrity ok`)
  }, 600_000)
})
