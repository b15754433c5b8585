/**
 * The export dialog's choices and how they become `startExport` arguments, kept out of the
 * component so the mapping (statuses, splits, FMB labels, overwrite) is unit-tested.
 */
import type { ArgsOf, ImageStatus, Methods } from '@shared/contract'
import type { ExportFormat } from '@shared/formats/layouts'

export type StartExportArgs = ArgsOf<Methods['startExport']>
export type StatusChoice = 'accepted' | 'reviewed' | 'all'

export interface ExportChoices {
  format: ExportFormat
  statuses: StatusChoice
  /** The project's splits the user left ticked. */
  splits: string[]
  fmbLabels: 'raw' | 'shifted'
  dir: string
  overwrite: boolean
}

export const FORMAT_OPTIONS: readonly { value: ExportFormat; label: string; hint: string }[] = [
  { value: 'mfnet', label: 'MFNet', hint: 'images/ (4-channel RGB+T), labels/, train/val/test.txt' },
  { value: 'mfnet-cmx', label: 'MFNet (CMX/Sigma)', hint: 'RGB/, Modal/, Label/ + split files' },
  { value: 'pst900', label: 'PST900', hint: '{train,test}/{rgb,thermal,labels}/' },
  { value: 'fmb', label: 'FMB', hint: '{train,test}/{Visible,Infrared,Label}/' },
  { value: 'sartm', label: 'SARTM', hint: 'rgb/, ther/, labels/, train/test.txt' },
  { value: 'folder-pairs', label: 'Folder pairs', hint: 'rgb/, thermal/, labels/, classes.json' },
  { value: 'color', label: 'Colour labels', hint: 'labels drawn in the class colours' },
  { value: 'coco', label: 'COCO JSON', hint: 'annotations.json with polygons per region' }
]

export const STATUS_OPTIONS: readonly { value: StatusChoice; label: string; statuses: ImageStatus[] }[] = [
  { value: 'accepted', label: 'Accepted only', statuses: ['accepted'] },
  { value: 'reviewed', label: 'Reviewed (in review + accepted)', statuses: ['in_review', 'accepted'] },
  { value: 'all', label: 'All images with labels', statuses: ['new', 'prefilled', 'in_review', 'accepted'] }
]

/** The FMB raw/shifted choice applies only to the FMB layout. */
export const hasFmbLabels = (format: ExportFormat): boolean => format === 'fmb'

/** A sentence saying why the choices cannot be exported yet, or null. */
export function choicesProblem(c: ExportChoices, projectSplits: readonly string[]): string | null {
  if (!c.dir.trim()) return 'Enter the folder to export into.'
  if (projectSplits.length > 0 && c.splits.length === 0) return 'Tick at least one split to export.'
  return null
}

/** The `startExport` arguments; all splits ticked means no split filter (new splits included too). */
export function exportArgs(c: ExportChoices, projectSplits: readonly string[]): StartExportArgs {
  const everySplit = projectSplits.every((s) => c.splits.includes(s))
  return {
    dir: c.dir.trim(),
    format: c.format,
    statuses: STATUS_OPTIONS.find((o) => o.value === c.statuses)!.statuses,
    ...(everySplit ? {} : { splits: projectSplits.filter((s) => c.splits.includes(s)) }),
    ...(hasFmbLabels(c.format) ? { fmbLabels: c.fmbLabels } : {}),
    overwrite: c.overwrite
  }
}

export interface ExportSummary {
  target: string
  exported: number
  files: number
  problems: string[]
}

/** The finished job's result as the summary lines (tolerates an older result without files/skipped). */
export function summaryOf(result: unknown): ExportSummary {
  const r = (result ?? {}) as { target?: unknown; exported?: unknown; files?: unknown; skipped?: unknown }
  const skipped = Array.isArray(r.skipped) ? r.skipped.map(String) : []
  const problems = skipped.length
    ? [`${skipped.length} chosen ${skipped.length === 1 ? 'image has' : 'images have'} no labels yet and ${skipped.length === 1 ? 'was' : 'were'} left out: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', …' : ''}.`]
    : []
  return { target: String(r.target ?? ''), exported: Number(r.exported ?? 0), files: Number(r.files ?? 0), problems }
}
