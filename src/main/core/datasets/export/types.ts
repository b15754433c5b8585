import type { ClassDef } from '@shared/formats/classes'
import type { ExportFormat } from '@shared/formats/layouts'
import type { SplitFile } from '../types'

export interface ExportLabel { width: number; height: number; data: Uint8Array }

export interface ExportItem {
  name: string
  split: string
  rgbPath: string
  thermalPath: string
  /** 3 when thermalPath is an MFNet 4-channel PNG. */
  thermalChannel?: number
  thermalRawPath?: string
  label: ExportLabel
}

/** What an export reads. Which statuses/splits to include is the caller's choice: items() yields only those. */
export interface ExportSource {
  classes: readonly ClassDef[]
  /** Split files as imported (original order); names not exported are dropped, order kept. */
  splitFiles?: readonly SplitFile[]
  items(): AsyncIterable<ExportItem>
}

export interface ExportOptions {
  format: ExportFormat
  /** Replace a non-empty target (atomically). Default false: refuse. */
  overwrite?: boolean
  /** FMB label convention written: raw 0..14 (default) or shifted (0→255, v→v-1). */
  fmbLabels?: 'raw' | 'shifted'
  /** Try hard links before copying. Default true. */
  link?: boolean
  /** COCO: also emit regions of class 0 (unlabeled/background). Default false. */
  cocoIncludeBackground?: boolean
  /** COCO: component connectivity. Default 8. */
  cocoConnectivity?: 4 | 8
  concurrency?: number
  compressionLevel?: number
  signal?: AbortSignal
  onProgress?: (done: number) => void
}

export interface ExportResult {
  target: string
  format: ExportFormat
  exported: number
}
