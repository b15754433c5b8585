import type { ImportImageRecord, ImportLabel, ImportSink } from '../sink'
import type { DatasetProblem, SplitFile } from '../types'
import type { ClassDef } from '@shared/formats/classes'
import type { DatasetFormat } from '@shared/formats/layouts'
import { ApiError } from '@shared/contract/errors'
import type { ProjectStore } from '../../store/projectStore'

const BATCH = 64

/** Meta key holding the imported layout and its split files (names in original order) for export. */
export const SPLIT_FILES_META = 'import.splitFiles'

/**
 * Writes an import into the project: image rows (paths relative to the project file), labels as
 * `import` revisions (accepted ground truth) or as proposals to review. Rows are committed in
 * batches of 64 in one transaction each, so a crash keeps whole batches and a resumed import
 * skips what is already there. An image whose RGB + thermal bytes the project already holds
 * (same content hash, under any name or folder) is skipped and counted as a duplicate.
 */
export class StoreSink implements ImportSink {
  private pending: { rec: ImportImageRecord; label?: ImportLabel }[] = []
  private readonly existing: Set<string>
  private readonly hashes: Set<string>
  readonly problems: DatasetProblem[] = []
  skipped = 0
  /** Images skipped because the project already holds the same content. */
  duplicates = 0
  written = 0

  /** `dropLabels`: import images only (labels stay in the dataset folder, e.g. as ground truth for evaluation). */
  constructor(
    private readonly store: ProjectStore,
    private readonly dropLabels = false
  ) {
    this.existing = new Set(store.images.splitAndNames().map((r) => `${r.split}/${r.name}`))
    this.hashes = store.images.contentHashes()
  }

  setClasses(classes: ClassDef[]): void {
    if (this.dropLabels) return // images only: no pixel depends on the dataset's table, the project's own stays
    const current = this.store.classes()
    const hasImages = this.existing.size > 0
    const same = current.length === classes.length && current.every((c, i) => c.index === classes[i]!.index && c.name === classes[i]!.name)
    if (same) return
    if (hasImages) {
      throw new ApiError(
        'conflict',
        `The dataset's classes (${classes.map((c) => c.name).join(', ')}) differ from this project's (${current.map((c) => c.name).join(', ')}); import it into a new project.`
      )
    }
    this.store.setClasses(classes)
  }

  setSplitFiles(info: { format: DatasetFormat; root: string; splitFiles: SplitFile[] }): void {
    this.store.setMeta(SPLIT_FILES_META, JSON.stringify({ format: info.format, root: info.root, splitFiles: info.splitFiles }))
  }

  addImage(rec: ImportImageRecord, label?: ImportLabel): void {
    if (this.existing.has(`${rec.split}/${rec.name}`)) {
      this.skipped++
      return
    }
    if (this.hashes.has(rec.contentHash)) {
      this.duplicates++
      return
    }
    this.hashes.add(rec.contentHash)
    this.pending.push(label && !this.dropLabels ? { rec, label } : { rec })
    if (this.pending.length >= BATCH) this.flush()
  }

  addProblem(problem: DatasetProblem): void {
    this.problems.push(problem)
  }

  /** Commits buffered rows; call once more at the end. */
  flush(): void {
    if (!this.pending.length) return
    const batch = this.pending
    this.pending = []
    const s = this.store
    s.transaction(() => {
      for (const { rec, label } of batch) {
        const id = s.images.insert({
          name: rec.name,
          split: rec.split,
          rgbPath: s.toStoredPath(rec.rgbPath),
          thermalPath: s.toStoredPath(rec.thermalPath),
          thermalChannel: rec.thermalChannel ?? null,
          thermalRawPath: rec.thermalRawPath ? s.toStoredPath(rec.thermalRawPath) : null,
          width: rec.width,
          height: rec.height,
          thermalBits: rec.thermalBitDepth,
          contentHash: rec.contentHash
        })
        if (label) {
          s.annotations.replace(id, label.width, label.height, label.data, 'import', null)
          if (label.asProposal) {
            s.proposals.put({ imageId: id, modelVersionId: null, width: label.width, height: label.height, labels: label.data, confidence: null, regions: [], meanConfidence: null })
            s.images.setStatus(id, 'prefilled')
          } else {
            s.images.setStatus(id, 'accepted')
          }
        }
        this.existing.add(`${rec.split}/${rec.name}`)
        this.written++
      }
    })
  }
}
