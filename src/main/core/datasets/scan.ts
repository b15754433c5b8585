/**
 * Scans a dataset folder into a DatasetIndex: which items exist, their files, splits and the
 * class table. File-level only (fast): pixel checks happen in loadItem (validate.ts).
 * Every path is built from the root, folder names of the layout and readdir/split-file names,
 * and checked to stay inside the root.
 */
import { readFile, realpath } from 'node:fs/promises'
import { basename, join, relative, resolve } from 'node:path'
import { PST900_CLASSES_SARTM_ORDER, cloneClasses, type ClassDef } from '@shared/formats/classes'
import { defaultClasses, MFNET_SPLIT_FILES, type DatasetFormat } from '@shared/formats/layouts'
import { readClassFile } from './classFile'
import { detectFormat, LABEL_FOLDER_NAMES, RGB_FOLDER_NAMES, splitDirsWith, THERMAL_FOLDER_NAMES } from './detect'
import { imagesByStem, isDir, isSafeName, joinInside, listDir, stemOf } from './paths'
import type { DatasetIndex, DatasetItem, DatasetProblem, SplitFile } from './types'

export interface FolderPairsOptions {
  /** Folder names relative to the root; detected from common names when omitted. */
  rgbDir?: string
  thermalDir?: string
  labelDir?: string
  /** Class list file relative to the root (default classes.json when present, else MFNet). */
  classesFile?: string
}

export interface ScanOptions {
  format?: DatasetFormat
  pairs?: FolderPairsOptions
  /** PST900 has two published name orders for the same indices; default 'official'. */
  pst900ClassOrder?: 'official' | 'sartm'
}

const UNASSIGNED = 'unassigned'

async function readSplitFiles(root: string, problems: DatasetProblem[]): Promise<SplitFile[]> {
  const out: SplitFile[] = []
  for (const split of MFNET_SPLIT_FILES) {
    const file = `${split}.txt`
    let text: string
    try {
      text = await readFile(join(root, file), 'utf8')
    } catch {
      continue
    }
    const names: string[] = []
    for (const line of text.split(/\r?\n/)) {
      const name = line.trim()
      if (!name) continue
      if (!isSafeName(name)) problems.push({ file, reason: `entry "${name}" is not a plain file name; skipped` })
      else names.push(name)
    }
    out.push({ file, split, names })
  }
  return out
}

/** Split of each name: the first of train/val/test listing it; test_day/test_night imply test. */
function splitOfNames(splitFiles: SplitFile[]): Map<string, string> {
  const m = new Map<string, string>()
  for (const sf of splitFiles) {
    const split = sf.split === 'test_day' || sf.split === 'test_night' ? 'test' : sf.split
    for (const n of sf.names) if (!m.has(stemOf(n))) m.set(stemOf(n), split)
  }
  return m
}

interface FlatFolders {
  rgb: string
  thermal: string
  label?: string
  /** Thermal is channel 3 of the RGB file (MFNet official). */
  fourChannel?: boolean
}

/** Layouts with one folder per modality at the root (MFNet, CMX, SARTM, folder pairs). */
async function scanFlat(root: string, f: FlatFolders, problems: DatasetProblem[]): Promise<{ items: DatasetItem[]; splitFiles: SplitFile[] }> {
  const splitFiles = await readSplitFiles(root, problems)
  const splitOf = splitOfNames(splitFiles)
  const rgb = await imagesByStem(joinInside(root, f.rgb))
  const thermal = f.fourChannel ? rgb : await imagesByStem(joinInside(root, f.thermal))
  const labels = f.label ? await imagesByStem(joinInside(root, f.label)) : new Map<string, string>()
  const items: DatasetItem[] = []
  for (const [stem, file] of rgb) {
    const tFile = thermal.get(stem)
    const rgbPath = joinInside(root, f.rgb, file)
    if (!tFile) {
      problems.push({ file: rel(root, rgbPath), reason: `missing thermal partner (${f.thermal}/${stem}.*)` })
      continue
    }
    const lFile = labels.get(stem)
    items.push({
      name: stem,
      split: splitOf.get(stem) ?? UNASSIGNED,
      rgbPath,
      thermalPath: joinInside(root, f.fourChannel ? f.rgb : f.thermal, tFile),
      ...(f.fourChannel ? { thermalChannel: 3 } : {}),
      ...(lFile && f.label ? { labelPath: joinInside(root, f.label, lFile) } : {}),
      width: 0,
      height: 0,
      thermalBitDepth: 8
    })
  }
  if (!f.fourChannel) {
    for (const [stem, file] of thermal) {
      if (!rgb.has(stem)) problems.push({ file: `${f.thermal}/${file}`, reason: `missing RGB partner (${f.rgb}/${stem}.*)` })
    }
  }
  const have = new Set(rgb.keys())
  for (const sf of splitFiles) {
    for (const n of sf.names) if (!have.has(stemOf(n))) problems.push({ file: sf.file, reason: `lists "${n}" but ${f.rgb}/${stemOf(n)}.png is missing` })
  }
  return { items, splitFiles }
}

interface SplitFolders { rgb: string; thermal: string; thermalRaw?: string; label: string }

/** Layouts with split folders at the root (PST900, FMB). */
async function scanSplitDirs(root: string, f: SplitFolders, problems: DatasetProblem[]): Promise<DatasetItem[]> {
  const splits = new Set([...(await splitDirsWith(root, [f.rgb, f.thermal])), ...(f.thermalRaw ? await splitDirsWith(root, [f.rgb, f.thermalRaw]) : [])])
  const items: DatasetItem[] = []
  for (const split of [...splits].sort(splitOrder)) {
    const rgb = await imagesByStem(joinInside(root, split, f.rgb))
    const thermal = await imagesByStem(joinInside(root, split, f.thermal))
    const raw = f.thermalRaw ? await imagesByStem(joinInside(root, split, f.thermalRaw)) : new Map<string, string>()
    const labels = await imagesByStem(joinInside(root, split, f.label))
    for (const [stem, file] of rgb) {
      const rgbPath = joinInside(root, split, f.rgb, file)
      const t8 = thermal.get(stem)
      const t16 = raw.get(stem)
      if (!t8 && !t16) {
        problems.push({ file: rel(root, rgbPath), reason: `missing thermal partner (${split}/${f.thermal}/${stem}.*)` })
        continue
      }
      const rawPath = t16 && f.thermalRaw ? joinInside(root, split, f.thermalRaw, t16) : undefined
      const lFile = labels.get(stem)
      items.push({
        name: stem,
        split,
        rgbPath,
        // Prefer the 8-bit thermal (what the published loaders feed the model); keep the raw path.
        thermalPath: t8 ? joinInside(root, split, f.thermal, t8) : (rawPath as string),
        ...(rawPath ? { thermalRawPath: rawPath } : {}),
        ...(lFile ? { labelPath: joinInside(root, split, f.label, lFile) } : {}),
        width: 0,
        height: 0,
        thermalBitDepth: t8 ? 8 : 16
      })
    }
    for (const [stem, file] of thermal) {
      if (!rgb.has(stem)) problems.push({ file: `${split}/${f.thermal}/${file}`, reason: `missing RGB partner (${split}/${f.rgb}/${stem}.*)` })
    }
  }
  return items
}

function splitOrder(a: string, b: string): number {
  const rank = (s: string): number => ['train', 'val', 'test'].indexOf(s) === -1 ? 3 : ['train', 'val', 'test'].indexOf(s)
  return rank(a) - rank(b) || a.localeCompare(b)
}

function rel(root: string, p: string): string {
  return relative(root, p) || basename(p)
}

async function pickFolder(root: string, explicit: string | undefined, candidates: string[], what: string): Promise<string | undefined> {
  if (explicit) {
    if (!(await isDir(joinInside(root, explicit)))) throw new Error(`${join(root, explicit)}: ${what} folder not found`)
    return explicit
  }
  const names = new Set(await listDir(root))
  for (const c of candidates) if (names.has(c) && (await isDir(join(root, c)))) return c
  return undefined
}

async function classesFor(root: string, format: DatasetFormat, opts: ScanOptions): Promise<ClassDef[]> {
  const file = opts.pairs?.classesFile
  if (file) return readClassFile(joinInside(root, file))
  if ((await listDir(root)).includes('classes.json')) return readClassFile(join(root, 'classes.json'))
  if (format === 'pst900' && opts.pst900ClassOrder === 'sartm') return cloneClasses(PST900_CLASSES_SARTM_ORDER)
  return defaultClasses(format)
}

/** Scans `dir` (detecting the layout unless `opts.format` is given). Throws UnknownLayoutError. */
export async function scanDataset(dir: string, opts: ScanOptions = {}): Promise<DatasetIndex> {
  const absolute = resolve(dir)
  if (!(await isDir(absolute))) throw new Error(`${absolute}: dataset folder not found or not a folder`)
  // Work from the real path so symlink checks compare like with like.
  const root = await realpath(absolute)
  const format = opts.format ?? (await detectFormat(root))
  const problems: DatasetProblem[] = []
  let items: DatasetItem[] = []
  let splitFiles: SplitFile[] = []
  switch (format) {
    case 'mfnet':
      ({ items, splitFiles } = await scanFlat(root, { rgb: 'images', thermal: 'images', label: 'labels', fourChannel: true }, problems))
      break
    case 'mfnet-cmx':
      ({ items, splitFiles } = await scanFlat(root, { rgb: 'RGB', thermal: 'Modal', label: 'Label' }, problems))
      break
    case 'sartm':
      ({ items, splitFiles } = await scanFlat(root, { rgb: 'rgb', thermal: 'ther', label: 'labels' }, problems))
      break
    case 'pst900':
      items = await scanSplitDirs(root, { rgb: 'rgb', thermal: 'thermal', thermalRaw: 'thermal_raw', label: 'labels' }, problems)
      break
    case 'fmb':
      items = await scanSplitDirs(root, { rgb: 'Visible', thermal: 'Infrared', label: 'Label' }, problems)
      break
    case 'folder-pairs': {
      const p = opts.pairs ?? {}
      const rgb = await pickFolder(root, p.rgbDir, RGB_FOLDER_NAMES, 'RGB')
      const thermal = await pickFolder(root, p.thermalDir, THERMAL_FOLDER_NAMES, 'thermal')
      if (!rgb || !thermal) throw new Error(`${root}: folder pairs need an RGB folder (${RGB_FOLDER_NAMES.join(', ')}) and a thermal folder (${THERMAL_FOLDER_NAMES.join(', ')})`)
      const label = await pickFolder(root, p.labelDir, LABEL_FOLDER_NAMES, 'label')
      ;({ items, splitFiles } = await scanFlat(root, { rgb, thermal, label }, problems))
      break
    }
    default:
      throw new Error(`unsupported format ${String(format)}`)
  }
  const classes = await classesFor(root, format, opts)
  return { format, root, classes, items, splitFiles, problems }
}
