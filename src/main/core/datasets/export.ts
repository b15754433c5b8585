/**
 * exportDataset: writes a dataset folder in one of the research layouts (or colourised labels,
 * or COCO JSON) from an ExportSource, atomically (see export/atomic.ts).
 */
import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { cloneClasses } from '@shared/formats/classes'
import type { ExportFormat } from '@shared/formats/layouts'
import { writeAtomically } from './export/atomic'
import { checkOverwritable, EXPORT_MARKER } from './export/targetGuard'
import { CocoBuilder } from './export/coco'
import { FilePlacer } from './export/files'
import type { ExportItem, ExportOptions, ExportResult, ExportSource } from './export/types'
import { writeItem, type WriterContext } from './export/writers'
import { isSafeName, stemOf } from './paths'
import type { SplitFile } from './types'

export type { ExportItem, ExportOptions, ExportResult, ExportSource } from './export/types'
export { ExportTargetExistsError } from './export/atomic'

const FLAT_WITH_SPLIT_FILES: readonly ExportFormat[] = ['mfnet', 'mfnet-cmx', 'sartm', 'folder-pairs']

/**
 * Split files to write: the imported ones (names not exported dropped, order kept), or, when the
 * source had none, one file per split in item order (+ test_day/test_night for MFNet when every
 * test name carries MFNet's D/N suffix).
 */
export function splitFilesForExport(format: ExportFormat, source: readonly SplitFile[] | undefined, exported: readonly { name: string; split: string }[]): { file: string; names: string[] }[] {
  const have = new Set(exported.map((e) => e.name))
  if (source && source.length) return source.map((sf) => ({ file: sf.file, names: sf.names.filter((n) => have.has(stemOf(n))) }))
  const bySplit = new Map<string, string[]>()
  for (const e of exported) {
    if (e.split === 'unassigned' || !isSafeName(e.split)) continue
    if (!bySplit.has(e.split)) bySplit.set(e.split, [])
    bySplit.get(e.split)?.push(e.name)
  }
  const out = [...bySplit].map(([split, names]) => ({ file: `${split}.txt`, names }))
  const test = bySplit.get('test')
  if (format === 'mfnet' && test && test.every((n) => /[DN]$/.test(n))) {
    out.push({ file: 'test_day.txt', names: test.filter((n) => n.endsWith('D')) })
    out.push({ file: 'test_night.txt', names: test.filter((n) => n.endsWith('N')) })
  }
  return out
}

export async function exportDataset(source: ExportSource, target: string, opts: ExportOptions): Promise<ExportResult> {
  opts.signal?.throwIfAborted()
  checkOverwritable(target, opts.overwrite === true)
  return writeAtomically(target, { overwrite: opts.overwrite }, async (root) => {
    const ctx: WriterContext = { root, classes: source.classes, opts, placer: new FilePlacer(opts.link ?? true), madeDirs: new Set() }
    const coco = opts.format === 'coco' ? new CocoBuilder(source.classes, opts.cocoConnectivity ?? 8, opts.cocoIncludeBackground ?? false) : null
    const exported: { name: string; split: string }[] = []
    const seen = new Set<string>()
    const inFlight = new Set<Promise<void>>()
    const limit = Math.max(1, opts.concurrency ?? 4)
    let failure: unknown
    let done = 0
    for await (const item of source.items()) {
      opts.signal?.throwIfAborted()
      if (failure !== undefined) break
      checkItem(item, seen)
      exported.push({ name: item.name, split: item.split })
      if (coco) {
        coco.add(exported.length, item)
        opts.onProgress?.(++done)
        continue
      }
      const job: Promise<void> = writeItem(ctx, opts.format, item).then(
        () => { opts.onProgress?.(++done) },
        (err: unknown) => { failure ??= err }
      ).finally(() => { inFlight.delete(job) })
      inFlight.add(job)
      if (inFlight.size >= limit) await Promise.race(inFlight)
    }
    await Promise.all(inFlight)
    if (failure !== undefined) throw failure
    opts.signal?.throwIfAborted()
    if (FLAT_WITH_SPLIT_FILES.includes(opts.format)) {
      for (const sf of splitFilesForExport(opts.format, source.splitFiles, exported)) {
        await writeFile(join(root, sf.file), sf.names.length ? sf.names.join('\n') + '\n' : '')
      }
    }
    if (opts.format === 'folder-pairs' || opts.format === 'color') {
      await writeFile(join(root, 'classes.json'), JSON.stringify({ classes: cloneClasses(source.classes) }, null, 1) + '\n')
    }
    if (coco) await writeFile(join(root, 'annotations.json'), JSON.stringify(coco.build()))
    await writeFile(join(root, EXPORT_MARKER), JSON.stringify({ writtenBy: 'twinlight', format: opts.format, exported: exported.length, at: new Date().toISOString() }) + '\n')
    opts.signal?.throwIfAborted()
    return { target: root, format: opts.format, exported: exported.length }
  }).then((r) => ({ ...r, target: resolve(target) }))
}

function checkItem(item: ExportItem, seen: Set<string>): void {
  if (!isSafeName(item.name)) throw new Error(`export item name "${item.name}" is not a plain file name`)
  if (seen.has(item.name)) throw new Error(`export item name "${item.name}" appears twice`)
  seen.add(item.name)
  const l = item.label
  if (!Number.isInteger(l.width) || !Number.isInteger(l.height) || l.data.length !== l.width * l.height) {
    throw new Error(`${item.name}: label data has ${l.data.length} pixels, expected ${l.width}x${l.height}`)
  }
}
