/** Plain descriptions produced by dataset scanning; no I/O handles, safe to serialise. */
import type { ClassDef } from '@shared/formats/classes'
import type { DatasetFormat } from '@shared/formats/layouts'

export interface DatasetItem {
  name: string
  split: string
  /** Absolute path inside the dataset root. */
  rgbPath: string
  thermalPath: string
  /** Channel of thermalPath that holds thermal: 3 for MFNet 4-channel PNGs; absent = single channel (or channel 0). */
  thermalChannel?: number
  /** PST900 16-bit thermal_raw, kept alongside the 8-bit thermal. */
  thermalRawPath?: string
  labelPath?: string
  /** 0 until headers are read (scan with headers, or after loadItem). */
  width: number
  height: number
  thermalBitDepth: 8 | 16
}

export interface DatasetProblem {
  file: string
  reason: string
}

export interface SplitFile {
  /** File name relative to the root, e.g. "train.txt". */
  file: string
  split: string
  /** Names exactly as listed, in the original order. */
  names: string[]
}

export interface DatasetIndex {
  format: DatasetFormat
  root: string
  classes: ClassDef[]
  items: DatasetItem[]
  splitFiles: SplitFile[]
  problems: DatasetProblem[]
}

/** Thrown for a per-file problem; importers catch it, record it and move on. */
export class DatasetFileError extends Error {
  constructor(readonly file: string, readonly reason: string) {
    super(`${file}: ${reason}`)
    this.name = 'DatasetFileError'
  }
}
