/** Fixture builders: every dataset used by the tests is generated here, never downloaded. */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, basename } from 'node:path'
import { exportDataset } from '../../src/main/core/datasets/export'
import type { ExportItem, ExportSource } from '../../src/main/core/datasets/export/types'
import { exportSourceFromIndex } from '../../src/main/core/datasets/export/fromIndex'
import { scanDataset } from '../../src/main/core/datasets/scan'
import { writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import type { ClassDef } from '@shared/formats/classes'
import type { ExportFormat } from '@shared/formats/layouts'
import { readLabel } from '../../src/main/core/imaging/png'

export const SMALL = { width: 160, height: 120 }

export async function tempDir(prefix = 'twl-ds-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

/** Small MFNet-layout dataset from the generator. */
export async function makeMfnet(dir: string, count = 8, seed = 11): Promise<void> {
  await writeSyntheticDataset(dir, { count, seed, ...SMALL, compressionLevel: 1 })
}

/** Re-maps label values of a source (e.g. MFNet 0..8 into PST900's 0..4). */
export function remapSource(src: ExportSource, classes: readonly ClassDef[], map: (v: number) => number): ExportSource {
  return {
    classes,
    splitFiles: src.splitFiles,
    async *items(): AsyncIterable<ExportItem> {
      for await (const it of src.items()) {
        const data = it.label.data.map(map)
        yield { ...it, label: { ...it.label, data } }
      }
    }
  }
}

/** Source that assigns splits (PST900/FMB need train/test folders). */
export function withSplits(src: ExportSource, splitOf: (name: string) => string): ExportSource {
  return {
    classes: src.classes,
    splitFiles: src.splitFiles,
    async *items(): AsyncIterable<ExportItem> {
      for await (const it of src.items()) yield { ...it, split: splitOf(it.name) }
    }
  }
}

/** Builds a dataset in `format` from a fresh MFNet synthetic set via the exporter. */
export async function makeLayout(dir: string, format: ExportFormat, classes?: readonly ClassDef[], map?: (v: number) => number, count = 8): Promise<void> {
  const base = await tempDir()
  try {
    await makeMfnet(base, count)
    let src = exportSourceFromIndex(await scanDataset(base))
    if (classes && map) src = remapSource(src, classes, map)
    if (format === 'pst900' || format === 'fmb') src = withSplits(src, (n) => (n.endsWith('D') ? 'train' : 'test'))
    // copy (not link) so removing the base keeps the fixture intact either way
    await exportDataset(src, dir, { format, overwrite: true, link: false })
  } finally {
    await removeDir(base)
  }
}

/** Decoded label pixels by item name for a scanned dataset. */
export async function labelsByName(dir: string): Promise<Map<string, Uint8Array>> {
  const idx = await scanDataset(dir)
  const out = new Map<string, Uint8Array>()
  for (const it of idx.items) if (it.labelPath) out.set(it.name, (await readLabel(it.labelPath)).data)
  return out
}

/** Sibling entries of `target` that an export may have left behind. */
export async function leftovers(target: string): Promise<string[]> {
  const names = await readdir(dirname(target))
  return names.filter((n) => n.startsWith(basename(target) + '.tmp-') || n.startsWith(basename(target) + '.old-'))
}
