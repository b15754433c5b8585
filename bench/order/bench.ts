/**
 * bench/order: what the uncertainty-first order and the correction trend cost on a 100,000-image
 * project (issue #20 items 2, 3): half the images hold a proposal of the active version, a quarter
 * one of an older version, a quarter none; 5,000 are accepted with recorded corrections.
 * Run: npx tsx bench/order/bench.ts [--rows 100000]  → bench/results/order.json
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { classPreset } from '../../src/main/core/classPresets'
import type { ImageSort } from '../../src/main/core/store/imagesRepo'

const rows = Number(process.argv[process.argv.indexOf('--rows') + 1] || 100_000) || 100_000
const ACCEPTED = 5000
const dir = mkdtempSync(join(tmpdir(), 'twinlight-effort-'))
const path = join(dir, 'effort.twinlight')
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6
/** Median of 5 runs (the machine is shared). */
function time(fn: () => unknown): number {
  const xs: number[] = []
  for (let k = 0; k < 5; k++) {
    const t = process.hrtime.bigint()
    fn()
    xs.push(ms(t))
  }
  return +xs.sort((a, b) => a - b)[2]!.toFixed(1)
}

const s = ProjectStore.create(path, { classes: classPreset('mfnet') })
const v1 = s.models.add({ name: 'base', kind: 'base', parentId: null, packagePath: '/x' })
const v2 = s.models.add({ name: 'ft-1', kind: 'adapter', parentId: v1, packagePath: '/x' })
s.models.activate(v2)
const tiny = new Uint8Array(16).fill(1)
for (let start = 0; start < rows; start += 10_000) {
  s.transaction(() => {
    for (let i = start; i < Math.min(rows, start + 10_000); i++) {
      const id = s.images.insert({ name: `img${String(i).padStart(6, '0')}`, split: 'train', rgbPath: `images/${i}.png`, thermalPath: `images/${i}.png`, width: 4, height: 4, thermalBits: 8 })
      const version = i % 4 === 3 ? null : i % 4 === 2 ? v1 : v2
      if (version === null) continue
      const conf = ((i * 7919) % 1000) / 1000
      s.proposals.put({ imageId: id, modelVersionId: version, width: 4, height: 4, labels: tiny, confidence: null, regions: [], meanConfidence: conf })
      s.images.setConfidence(id, conf)
      s.annotations.replace(id, 4, 4, tiny, 'model', version)
      s.images.setStatus(id, 'prefilled')
      if (i < ACCEPTED * 4 / 3 && i % 4 !== 3) {
        s.annotations.applyEdit(id, 'b', 0, { x: 0, y: 0, w: 4, h: 1 + (i % 3) }, new Uint8Array(4 * (1 + (i % 3))).fill(2))
        s.annotations.accept(id)
      }
    }
  })
}
const mid = s.images.list(rows / 2, 1, {}, 'uncertainty').items[0]!.id
const sorts: ImageSort[] = ['name', 'confidence_asc', 'uncertainty']
const firstPageMs = Object.fromEntries(sorts.map((o) => [o, time(() => s.images.list(0, 200, {}, o))]))
const nextUnreviewedMs = Object.fromEntries(sorts.map((o) => [o, time(() => s.images.nextUnreviewed(mid, {}, o))]))
const trendMs = time(() => s.effort.correctionTrend())
const trend = s.effort.correctionTrend()
s.close()
if (process.env.KEEP_EFFORT_DB) console.error(`kept ${path}`)
else rmSync(dir, { recursive: true, force: true })

const result = {
  rows,
  proposals: 'half active version, a quarter an older version, a quarter none',
  accepted: trend.reduce((a, p) => a + p.images, 0),
  firstGridPageMs: firstPageMs,
  nextUnreviewedMs,
  correctionTrendMs: trendMs,
  trend,
  note: 'median of 5; each list/next query sorts all rows (no index on the uncertainty key)',
  machine: '2 shared cores; other work running during the measurement',
  date: new Date().toISOString()
}
mkdirSync('bench/results', { recursive: true })
writeFileSync('bench/results/order.json', JSON.stringify(result, null, 2) + '\n')
console.log(JSON.stringify(result, null, 2))
