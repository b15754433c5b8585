/**
 * The import dialog's preview: layout, counts per split, sample thumbnails, class table and
 * problems by file, read-only (nothing written into the dataset or a project).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writePst900Dataset } from '../../src/main/core/datasets/synthetic/writePst900'
import { previewImport } from '../../src/main/core/datasets/importPreview'

let base = ''
let ds = ''
let splits: { train: string[]; test: string[] }

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'twinlight-preview-'))
  ds = join(base, 'pst')
  ;({ splits } = await writePst900Dataset(ds, { count: 6, seed: 4 }))
}, 60_000)
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('previewImport', () => {
  it('reports the layout, counts per split, samples and the class table', async () => {
    const p = await previewImport(ds)
    expect(p.format).toBe('pst900')
    expect(p.detected).toBe('pst900')
    expect(p.splits).toEqual([{ split: 'train', count: splits.train.length }, { split: 'test', count: splits.test.length }])
    expect(p.total).toBe(6)
    expect(p.checked).toBe(6)
    expect(p.failing).toBe(0)
    expect(p.problems).toEqual([])
    expect(p.classes.map((c) => c.name)).toEqual(['Background', 'Fire-Extinguisher', 'Backpack', 'Hand-Drill', 'Survivor'])
    expect(p.samples.length).toBeGreaterThan(0)
    for (const s of p.samples) {
      expect(s.rgb).toMatch(/^data:image\/jpeg;base64,/)
      expect(s.thermal).toMatch(/^data:image\/jpeg;base64,/)
    }
  })

  it('lists problems by file: a truncated PNG, a thermal without RGB partner', async () => {
    const name = splits.train[0]!
    const victim = join(ds, 'train', 'thermal', `${name}.png`)
    const bytes = readFileSync(victim)
    writeFileSync(victim, bytes.subarray(0, bytes.length >> 1))
    const lonely = splits.test[0]!
    unlinkSync(join(ds, 'test', 'rgb', `${lonely}.png`))
    const before = readdirSync(join(ds, 'train', 'thermal')).length
    const p = await previewImport(ds)
    expect(p.problems.map((x) => x.file).sort()).toEqual([`test/thermal/${lonely}.png`, `train/thermal/${name}.png`].sort())
    expect(p.problems.find((x) => x.file.startsWith('train'))!.reason).toMatch(/truncat|CRC|end/i)
    expect(p.total).toBe(5)
    expect(p.failing).toBe(1)
    // Read-only: nothing added to the dataset.
    expect(readdirSync(join(ds, 'train', 'thermal')).length).toBe(before)
    writeFileSync(victim, bytes)
  })

  it('counts images the project already holds, by content hash', async () => {
    const first = await previewImport(ds)
    const { createHash } = await import('node:crypto')
    const n = splits.train[1]!
    const hash = createHash('sha256').update(readFileSync(join(ds, 'train', 'rgb', `${n}.png`))).update(readFileSync(join(ds, 'train', 'thermal', `${n}.png`))).digest('hex')
    const p = await previewImport(ds, { projectHashes: new Set([hash]) })
    expect(first.alreadyInProject).toBe(0)
    expect(p.alreadyInProject).toBe(1)
  })

  it('an unknown layout gives no format and the layouts looked for, so the user can choose one', async () => {
    const odd = join(base, 'odd')
    mkdirSync(join(odd, 'stuff'), { recursive: true })
    const p = await previewImport(odd)
    expect(p.format).toBeNull()
    expect(p.unknownLayout).toMatch(/unknown dataset layout/)
    expect(p.unknownLayout).toMatch(/PST900/)
  })

  it('a chosen layout is used even when another was detected', async () => {
    const p = await previewImport(ds, { format: 'fmb' })
    expect(p.detected).toBe('pst900')
    expect(p.format).toBe('fmb')
    expect(p.total).toBe(0)
  })
})
