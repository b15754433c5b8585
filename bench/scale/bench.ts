/**
 * bench/scale: a project with 100,000 image rows (label maps for a sample) — open, first grid
 * page, filter by status, save an edit (p50/p95), next-unreviewed, file size.
 * Run: npx tsx bench/scale/bench.ts [--rows 100000]  → bench/results/scale.json
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { classPreset } from '../../src/main/core/classPresets'
import { imageStatuses } from '@shared/contract/types'

const rows = Number(process.argv[process.argv.indexOf('--rows') + 1] || 100_000) || 100_000
const LABELLED = 2000
const W = 640
const H = 480
const dir = mkdtempSync(join(tmpdir(), 'twinlight-scale-'))
const path = join(dir, 'scale.twinlight')

const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!

// Build: rows in one transaction per 10k; a sample gets label maps (synthetic blocks).
let t = process.hrtime.bigint()
const s = ProjectStore.create(path, { classes: classPreset('mfnet') })
const label = new Uint8Array(W * H)
for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) label[y * W + x] = y > 300 ? 4 : (x >> 6) % 3
for (let start = 0; start < rows; start += 10_000) {
  s.transaction(() => {
    for (let i = start; i < Math.min(rows, start + 10_000); i++) {
      const id = s.images.insert({ name: `img${String(i).padStart(6, '0')}`, split: i % 4 === 0 ? 'test' : 'train', rgbPath: `images/${i}.png`, thermalPath: `images/${i}.png`, thermalChannel: 3, width: W, height: H, thermalBits: 8 })
      if (i < LABELLED) s.annotations.replace(id, W, H, label, 'model', null)
      s.images.setStatus(id, imageStatuses[i % 4]!)
      s.images.setConfidence(id, (i * 7919) % 1000 / 1000)
    }
  })
}
s.close()
const buildMs = ms(t)

t = process.hrtime.bigint()
const p = ProjectStore.open(path)
const summary = p.summary()
const openMs = ms(t)

t = process.hrtime.bigint()
const page = p.images.list(0, 200, {}, 'name')
const firstPageMs = ms(t)

t = process.hrtime.bigint()
const filtered = p.images.list(0, 200, { status: ['prefilled'] }, 'confidence_asc')
const filterMs = ms(t)

t = process.hrtime.bigint()
p.images.nextUnreviewed(page.items[100]!.id, {}, 'name')
const nextMs = ms(t)

// Saves: brush-sized rects (24x24) on labelled images, each one durable transaction.
const saves: number[] = []
const heads = new Map<number, number>()
for (let k = 0; k < 300; k++) {
  const id = 1 + (k % 50)
  const x = (k * 37) % (W - 24)
  const y = (k * 53) % (H - 24)
  const values = new Uint8Array(24 * 24).fill(1 + (k % 8))
  const t0 = process.hrtime.bigint()
  const r = p.annotations.applyEdit(id, `Brush ${k}`, heads.get(id) ?? 0, { x, y, w: 24, h: 24 }, values)
  saves.push(ms(t0))
  heads.set(id, r.state.head)
}
p.close()
const size = statSync(path).size

const result = {
  rows,
  labelled: LABELLED,
  imageSize: `${W}x${H}`,
  buildSeconds: +(buildMs / 1000).toFixed(1),
  openMs: +openMs.toFixed(1),
  firstGridPageMs: +firstPageMs.toFixed(1),
  filterByStatusMs: +filterMs.toFixed(1),
  nextUnreviewedMs: +nextMs.toFixed(1),
  saveEditMs: { p50: +pct(saves, 50).toFixed(2), p95: +pct(saves, 95).toFixed(2), n: saves.length, slowest: [...saves].sort((a, b) => b - a).slice(0, 5).map((v) => +v.toFixed(1)), note: 'one transaction per save (WAL, synchronous=NORMAL); the full map is rewritten every 32 edits of an image' },
  fileSizeMB: +(size / 1e6).toFixed(1),
  counts: summary.counts,
  filteredTotal: filtered.total,
  goals: { openMs: 1000, saveP95Ms: 5 },
  machine: '2 shared cores; other work running during the measurement',
  date: new Date().toISOString()
}
mkdirSync('bench/results', { recursive: true })
writeFileSync('bench/results/scale.json', JSON.stringify(result, null, 2) + '\n')
console.log(JSON.stringify(result, null, 2))
rmSync(dir, { recursive: true, force: true })
