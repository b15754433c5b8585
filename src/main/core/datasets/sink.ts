/**
 * Where an import goes. The project store implements this over SQLite; tests and benchmarks use
 * MemorySink. Calls arrive in dataset order: setClasses, setSplitFiles, then addImage per good
 * item (and addProblem per bad file). Methods may be sync or async.
 */
import type { ClassDef } from '@shared/formats/classes'
import type { DatasetFormat } from '@shared/formats/layouts'
import type { DatasetProblem, SplitFile } from './types'

export interface ImportImageRecord {
  name: string
  split: string
  rgbPath: string
  thermalPath: string
  /** 3 for MFNet 4-channel PNGs (thermal in channel 3). */
  thermalChannel?: number
  thermalRawPath?: string
  width: number
  height: number
  thermalBitDepth: 8 | 16
  /** sha256 hex of the RGB file bytes followed by the thermal file bytes. */
  contentHash: string
}

export interface ImportLabel {
  width: number
  height: number
  /** Row-major class indices, exactly as decoded from the dataset's label PNG. */
  data: Uint8Array
  /** true with `asProposals`: store as a proposal to review instead of accepted ground truth. */
  asProposal: boolean
}

export interface ImportSink {
  setClasses(classes: ClassDef[]): void | Promise<void>
  /** Split files as found (names in original order), so export can reproduce them. */
  setSplitFiles?(info: { format: DatasetFormat; root: string; splitFiles: SplitFile[] }): void | Promise<void>
  addImage(rec: ImportImageRecord, label?: ImportLabel): void | Promise<void>
  addProblem?(problem: DatasetProblem): void | Promise<void>
}

/** Keeps everything in memory (tests, benchmarks, dry runs). */
export class MemorySink implements ImportSink {
  classes: ClassDef[] = []
  splitFiles: SplitFile[] = []
  format?: DatasetFormat
  images: { rec: ImportImageRecord; label?: ImportLabel }[] = []
  problems: DatasetProblem[] = []
  /** When false, label data is not retained (benchmarks: measures import, not memory). */
  constructor(private readonly keepLabels = true) {}
  setClasses(classes: ClassDef[]): void { this.classes = classes }
  setSplitFiles(info: { format: DatasetFormat; splitFiles: SplitFile[] }): void {
    this.format = info.format
    this.splitFiles = info.splitFiles
  }
  addImage(rec: ImportImageRecord, label?: ImportLabel): void {
    this.images.push({ rec, ...(label && this.keepLabels ? { label } : {}) })
  }
  addProblem(problem: DatasetProblem): void { this.problems.push(problem) }
}
