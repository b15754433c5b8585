/**
 * Dataset import/export benchmark.
 *   npx tsx bench/datasets/bench.ts [--count 1569] [--width 640 --height 480] [--src DIR (reuse a generated set)]
 *     [--pixel-check integrity|decode]
 * Generates an MFNet-layout synthetic set in a temp folder, then times
 *   import: scan + validation (see LoadContext.pixelCheck) + sha256 of every image, into an in-memory sink;
 *   export: the imported set to the MFNet layout (images hard-linked or copied, labels re-encoded).
 * Writes bench/results/datasets.json. Goal: ≤ 15 s each for 1,569 images at 640x480.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { exportDataset } from '../../src/main/core/datasets/export'
import { importDataset } from '../../src/main/core/datasets/import'
import { MemorySink } from '../../src/main/core/datasets/sink'
import type { ExportItem, ExportSource } from '../../src/main/core/datasets/export/types'
import { writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import { readLabel } from '../../src/main/core/imaging/png'

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1569' },
    width: { type: 'string', default: '640' },
    height: { type: 'string', default: '480' },
    src: { type: 'string' },
    'pixel-check': { type: 'string', default: 'integrity' }
  }
})
const count = Number(values.count)
const width = Number(values.width)
const height = Number(values.height)

const work = await mkdtemp(join(tmpdir(), 'twl-bench-'))
const src = values.src ?? join(work, 'src')
const result: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadAverageAtStart: loadavg()[0] },
  dataset: { count, width, height, layout: 'mfnet' }
}
try {
  if (!values.src) {
    const t0 = performance.now()
    await writeSyntheticDataset(src, { count, seed: 1, width, height })
    const s = (performance.now() - t0) / 1000
    result.generate = { seconds: round(s), imagesPerSecond: round(count / s) }
    console.log(`generate: ${s.toFixed(1)} s (${(count / s).toFixed(0)} images/s)`)
  }

  const sink = new MemorySink(false)
  const t1 = performance.now()
  const pixelCheck = values['pixel-check'] === 'decode' ? 'decode' : 'integrity'
  const imp = await importDataset(src, { pixelCheck }, sink)
  const si = (performance.now() - t1) / 1000
  if (imp.problems.length) throw new Error(`import problems: ${JSON.stringify(imp.problems.slice(0, 3))}`)
  result.import = { seconds: round(si), imagesPerSecond: round(imp.imported / si), imported: imp.imported, pixelCheck, note: pixelCheck === 'decode'
    ? 'scan + full decode of every RGB/thermal/label PNG + validation + sha256, in-memory sink'
    : 'scan + PNG container check (chunk CRCs) and header of RGB+T, full decode + value check of labels, sha256, in-memory sink' }
  console.log(`import: ${imp.imported} images in ${si.toFixed(1)} s (${(imp.imported / si).toFixed(0)} images/s)`)

  // Export reads labels the way a store would hand them over: decoded label maps per item.
  const labelOf = new Map(imp.index.items.map((i) => [i.name, i.labelPath as string]))
  const source: ExportSource = {
    classes: sink.classes,
    splitFiles: sink.splitFiles,
    async *items(): AsyncIterable<ExportItem> {
      for (const { rec } of sink.images) {
        yield { ...rec, label: await readLabel(labelOf.get(rec.name) as string) }
      }
    }
  }
  const target = join(work, 'export-mfnet')
  const t2 = performance.now()
  const exp = await exportDataset(source, target, { format: 'mfnet' })
  const se = (performance.now() - t2) / 1000
  result.export = { seconds: round(se), imagesPerSecond: round(exp.exported / se), exported: exp.exported, note: 'MFNet layout: 4-ch images hard-linked (copied across file systems), labels decoded + re-encoded, split files' }
  console.log(`export: ${exp.exported} images in ${se.toFixed(1)} s (${(exp.exported / se).toFixed(0)} images/s)`)
  result.goalSeconds = 15
  result.machine = { ...(result.machine as object), loadAverageAtEnd: loadavg()[0] }

  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'datasets.json')
  await mkdir(dirname(out), { recursive: true })
  await writeFile(out, JSON.stringify(result, null, 2) + '\n')
  console.log(`wrote ${out}`)
} finally {
  await rm(work, { recursive: true, force: true })
}

function round(v: number): number {
  return Math.round(v * 100) / 100
}
