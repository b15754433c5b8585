/**
 * The pst900 synthetic family: deterministic by seed, PST900's layout/sizes/classes, every class
 * over a handful of scenes, 0-valued reprojection holes only in thermal (raw agrees), imports with
 * PST900's class table, and `twinlight demo --family pst900` builds a project on it.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { generateIndoorScene, RAW_LO, RAW_SPAN } from '../../src/main/core/datasets/synthetic/indoorScene'
import { PST900_FOLDERS, writePst900Dataset } from '../../src/main/core/datasets/synthetic/writePst900'
import { importDataset } from '../../src/main/core/datasets/import'
import { MemorySink } from '../../src/main/core/datasets/sink'
import { decodeImage } from '../../src/main/core/imaging/png'
import { main } from '../../src/main/cli/index'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { captureOutput } from '../helpers/capture'
import { removeDir, tempDir } from './helpers'

const W = 320, H = 180
const PST_NAMES = ['Background', 'Fire-Extinguisher', 'Backpack', 'Hand-Drill', 'Survivor']

let work = ''
let ds = ''
beforeAll(async () => {
  work = await tempDir()
  ds = join(work, 'pst')
  await writePst900Dataset(ds, { count: 4, seed: 9 })
})
afterAll(() => removeDir(work))

describe('generateIndoorScene', () => {
  it('is deterministic: same seed gives identical bytes, another seed differs', () => {
    const a = generateIndoorScene(5, { width: W, height: H })
    const b = generateIndoorScene(5, { width: W, height: H })
    for (const k of ['rgb', 'thermal', 'thermalRaw', 'depth', 'label', 'instances'] as const) {
      expect(Buffer.compare(Buffer.from(a[k].buffer), Buffer.from(b[k].buffer))).toBe(0)
    }
    expect(a.objects).toEqual(b.objects)
    const c = generateIndoorScene(6, { width: W, height: H })
    expect(Buffer.compare(Buffer.from(a.rgb), Buffer.from(c.rgb))).not.toBe(0)
    expect(Buffer.compare(Buffer.from(a.label), Buffer.from(c.label))).not.toBe(0)
  })

  it('shows every PST900 class over ten scenes, with labels 0..4 and instances matching labels', () => {
    const seen = new Set<number>()
    let bad = 0
    for (let seed = 0; seed < 10; seed++) {
      const s = generateIndoorScene(seed, { width: W, height: H })
      const classOf = new Map(s.objects.map((o) => [o.id, o.classIndex]))
      for (let i = 0; i < s.label.length; i++) {
        if (s.label[i] > 4 || (s.instances[i] ? classOf.get(s.instances[i]) : 0) !== s.label[i]) bad++
        seen.add(s.label[i])
      }
    }
    expect(bad).toBe(0)
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4])
  })

  it('has 0-valued reprojection holes in thermal and raw alike, nowhere else, and raw maps onto 8-bit', () => {
    let interior = 0, unexplained = 0, rawMismatch = 0, offScale = 0, blackRgb = 0
    for (let seed = 0; seed < 5; seed++) {
      const s = generateIndoorScene(seed, { width: W, height: H })
      for (let i = 0; i < s.thermal.length; i++) {
        if ((s.thermal[i] === 0) !== (s.thermalRaw[i] === 0)) rawMismatch++
        if (s.rgb[3 * i] === 0 && s.rgb[3 * i + 1] === 0 && s.rgb[3 * i + 2] === 0) blackRgb++
        const x = i % W
        if (s.thermal[i] === 0) {
          if (x < 16) continue // beyond the thermal camera's frame
          interior++
          // Otherwise a nearer surface a few pixels to its right shifts over it in the thermal view.
          let nearer = false
          for (let k = 1; k <= 16 && x + k < W; k++) if (s.depth[i + k] < s.depth[i]) nearer = true
          if (!nearer) unexplained++
          continue
        }
        const expected = ((s.thermalRaw[i] - RAW_LO) * 255) / RAW_SPAN
        if (expected >= 1 && expected <= 255 && Math.abs(s.thermal[i] - expected) > 0.5) offScale++
      }
    }
    expect(interior).toBeGreaterThan(0)
    expect(unexplained).toBe(0)
    expect(rawMismatch).toBe(0)
    expect(offScale).toBe(0)
    expect(blackRgb).toBeLessThan(5 * W * H * 0.01) // RGB and labels have no holes
  })
})

describe('writePst900Dataset', () => {
  it("writes PST900's layout: the same name in every folder, 1280x720, 8-bit rgb/thermal/labels, 16-bit raw/depth", async () => {
    let total = 0
    for (const split of ['train', 'test']) {
      const names = (await readdir(join(ds, split, 'rgb'))).sort()
      total += names.length
      for (const f of PST900_FOLDERS) expect((await readdir(join(ds, split, f))).sort()).toEqual(names)
      for (const n of names) {
        const rgb = await decodeImage(join(ds, split, 'rgb', n))
        expect([rgb.width, rgb.height, rgb.channels, rgb.bitDepth]).toEqual([1280, 720, 3, 8])
        for (const [f, depth] of [['thermal', 8], ['labels', 8], ['thermal_raw', 16], ['depth', 16]] as const) {
          const im = await decodeImage(join(ds, split, f, n))
          expect([im.width, im.height, im.channels, im.bitDepth]).toEqual([1280, 720, 1, depth])
        }
      }
    }
    expect(total).toBe(4)
  })

  it('is byte-identical for the same seed', async () => {
    const again = join(work, 'again')
    await writePst900Dataset(again, { count: 4, seed: 9 })
    for (const split of ['train', 'test']) {
      for (const n of await readdir(join(ds, split, 'thermal'))) {
        expect(Buffer.compare(await readFile(join(ds, split, 'thermal', n)), await readFile(join(again, split, 'thermal', n)))).toBe(0)
      }
    }
  })

  it("imports through the PST900 importer with PST900's five classes and no problems", async () => {
    const sink = new MemorySink()
    const r = await importDataset(ds, {}, sink)
    expect(r.format).toBe('pst900')
    expect(r.problems).toEqual([])
    expect(r.imported).toBe(4)
    expect(sink.classes.map((c) => c.name)).toEqual(PST_NAMES)
    for (const { rec } of sink.images) {
      expect(rec.thermalBitDepth).toBe(8)
      expect(rec.thermalRawPath).toContain(`${rec.split}/thermal_raw/`)
    }
  })
})

describe('twinlight demo --family', () => {
  it('pst900 builds a project with PST900 classes and its images', async () => {
    const dir = join(work, 'demo')
    process.env.TWINLIGHT_HOME = join(work, 'home')
    const io = captureOutput()
    const code = await main(['demo', dir, '--family', 'pst900', '--count', '3', '--json'])
    vi.restoreAllMocks()
    delete process.env.TWINLIGHT_HOME
    expect(code, io.err.join('')).toBe(0)
    const store = ProjectStore.open(join(dir, 'demo-pst900.twinlight'), { recover: false })
    expect(store.classes().map((c) => c.name)).toEqual(PST_NAMES)
    expect(store.summary().imageCount).toBe(3)
    store.close()
  }, 60_000)

  it('refuses an unknown family with a clear sentence', async () => {
    const io = captureOutput()
    expect(await main(['demo', join(work, 'x'), '--family', 'forest'])).toBe(2)
    vi.restoreAllMocks()
    expect(io.err.join('')).toMatch(/--family must be one of street, pst900 \(got "forest"\)/)
  })
})
