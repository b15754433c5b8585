// A project made by the previous app version (schema 1: training reports, adapter gates and class
// mappings as `meta` key prefixes) opens in this one with all of them intact, moved into tables.
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { LATEST_SCHEMA, migrations } from '../../src/main/core/store/migrations'
import { rawDb } from '../../src/main/core/store/rawDb'
import { getReport } from '../../src/main/core/training/versions'
import { loadGate } from '../../src/main/core/models/versions/adapterGate'
import { classMapping } from '../../src/main/core/prefill/classMap'
import { readPromptConfig } from '../../src/main/core/click/config'
import type { ModelManifest } from '../../src/shared/modelPackage'
import type { TrainingReport } from '../../src/shared/contract/methods/training'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()

const report = { modelVersionId: 2, parentId: 1, baseId: 1, createdAt: '2026-11-30T10:00:00.000Z', rank: 4, steps: 300, batch: 512, seed: 7, trainImages: 8, heldOutImages: 2, heldOutRule: 'share', classes: [{ index: 1, name: 'car', parent: 0.5, candidate: 0.6 }], parentMIoU: 0.5, candidateMIoU: 0.6, lossCurve: [{ step: 1, loss: 1.5 }], activated: true, decision: 'Activated.', mode: 'worker', gate: { radius: 3, trainMax: 2, heldOutApplied: 2 }, timings: { loadMs: 1, trainMs: 2, evalMs: 3, totalMs: 6 } } as unknown as TrainingReport
const gate = { mean: [0.25, 0.5], std: [1, 2], radius: 3, trainMax: 2 }
const prompt = { name: 'SAM', kind: 'onnx-pair', format: 'sam', id: 'abcdef0123456789', encoder: 'enc.onnx', decoder: 'dec.onnx', source: 'rgb', addedAt: '2026-11-30T10:00:00.000Z' }
const manifest = { id: 'other-model', classes: [{ index: 0, name: 'background' }, { index: 1, name: 'vehicle' }] } as unknown as ModelManifest

/** Writes a schema-1 project by hand, as the previous version left it. */
function schemaOneProject(): string {
  const path = join(tmp(), 'old.twinlight')
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.exec(migrations.find((m) => m.version === 1)!.sql)
  db.pragma('application_id = 1415007316') // 'TWLT'
  db.pragma('user_version = 1')
  const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)')
  meta.run('name', 'Old project')
  meta.run('training.report.2', JSON.stringify(report))
  meta.run('training.gate.2', JSON.stringify(gate))
  meta.run('classMap:other-model', JSON.stringify([0, 2]))
  meta.run('promptModel', JSON.stringify(prompt))
  meta.run('import.splitFiles', JSON.stringify({ format: 'mfnet', root: '/data', splitFiles: [] }))
  meta.run('training.report.draft', 'not a report') // not an id: no table takes it, so it stays
  const cls = db.prepare('INSERT INTO classes (idx, name, r, g, b) VALUES (?, ?, ?, ?, ?)')
  ;['unlabeled', 'car', 'person'].forEach((n, i) => cls.run(i, n, i, i, i))
  db.prepare(`INSERT INTO models (id, name, kind, package_path) VALUES (1, 'base', 'base', 'm')`).run()
  db.prepare(`INSERT INTO models (id, name, kind, parent_id, package_path, active) VALUES (2, 'base · fine-tune 1', 'adapter', 1, 'm', 1)`).run()
  db.close()
  return path
}

describe('schema 2 migration', () => {
  it('opens a schema-1 project with its training reports, gates and class mappings intact', () => {
    const path = schemaOneProject()
    const s = ProjectStore.open(path)
    expect(rawDb(s).pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA)
    expect(LATEST_SCHEMA).toBeGreaterThanOrEqual(2)
    expect(getReport(s, 2)).toEqual(report)
    expect(loadGate(s, 2)).toEqual(gate)
    expect(classMapping(s, manifest)).toEqual(Uint8Array.from([0, 2]))
    // Moved, not copied; settings that are single keys stay in meta.
    const keys = (rawDb(s).prepare('SELECT key FROM meta ORDER BY key').all() as { key: string }[]).map((r) => r.key)
    expect(keys).toEqual(['import.splitFiles', 'name', 'promptModel', 'training.report.draft'])
    expect(rawDb(s).prepare('SELECT model_id FROM training_reports').all()).toEqual([{ model_id: 2 }])
    expect(readPromptConfig(s)?.name).toBe('SAM')
    expect(s.name).toBe('Old project')
    s.close()

    const again = ProjectStore.open(path)
    expect(getReport(again, 2)).toEqual(report)
    expect(loadGate(again, 2)).toEqual(gate)
    again.close()
  })

  it('keeps new records in the tables, not in meta', () => {
    const s = ProjectStore.open(schemaOneProject())
    s.trainingRecords.saveGate(3, gate)
    s.classMaps.set('third', [1, 0])
    s.classMaps.remove('other-model')
    expect(s.trainingRecords.gate(3)).toEqual(gate)
    expect(s.classMaps.get('third')).toEqual([1, 0])
    expect(s.classMaps.get('other-model')).toBeNull()
    expect(s.getMeta('training.gate.3')).toBeNull()
    s.close()
  })
})
