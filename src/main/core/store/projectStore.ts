import { dirname, isAbsolute, relative, resolve, sep, posix } from 'node:path'
import { existsSync } from 'node:fs'
import type { ClassInfo, ModelVersionInfo, ProjectSummary } from '@shared/contract/types'
import { checkWritable, openDatabase, type Db } from './db'
import { LATEST_SCHEMA } from './migrations'
import { acquireLock, releaseLock } from './projectLock'
import { ImagesRepo } from './imagesRepo'
import { AnnotationsRepo } from './annotationsRepo'
import { JobsRepo } from './jobsRepo'
import { ModelsRepo } from './modelsRepo'
import { ProposalsRepo } from './proposalsRepo'
import { TrainingRecordsRepo } from './trainingRecordsRepo'
import { ClassMapsRepo } from './classMapsRepo'
import { ClassTable } from './classTable'
import { ClassesRepo } from './classesRepo'
import { EffortRepo } from './effortRepo'

/**
 * One open project file. Repositories share the connection, which stays private: code outside
 * store/ reads and writes through the repositories, and composes several writes into one
 * transaction with `transaction(fn)` (docs/store.md). Image paths are stored relative to the
 * project file's folder so a project and its dataset can move together.
 */
export class ProjectStore {
  readonly images: ImagesRepo
  readonly annotations: AnnotationsRepo
  readonly jobs: JobsRepo
  readonly models: ModelsRepo
  readonly proposals: ProposalsRepo
  readonly trainingRecords: TrainingRecordsRepo
  readonly classMaps: ClassMapsRepo
  readonly classEdits: ClassesRepo
  readonly effort: EffortRepo
  readonly dir: string
  private readonly classTable: ClassTable

  private constructor(readonly path: string, private readonly db: Db, readonly readOnly = false) {
    this.dir = dirname(path)
    this.classTable = new ClassTable(db, !readOnly)
    this.images = new ImagesRepo(db)
    this.annotations = new AnnotationsRepo(db, this.classTable)
    this.jobs = new JobsRepo(db)
    this.models = new ModelsRepo(db)
    this.proposals = new ProposalsRepo(db)
    this.trainingRecords = new TrainingRecordsRepo(db)
    this.classMaps = new ClassMapsRepo(db)
    this.classEdits = new ClassesRepo(db, this.annotations)
    this.effort = new EffortRepo(db)
  }

  static create(path: string, opts: { name?: string; classes: ClassInfo[] }): ProjectStore {
    const abs = resolve(path)
    const store = new ProjectStore(abs, withLock(abs, () => openDatabase(abs, { create: true })))
    store.transaction(() => {
      store.setMeta('name', opts.name ?? defaultName(abs))
      store.setClasses(opts.classes)
    })
    return store
  }

  /**
   * Opens a project. The owning process (app, server) takes the project's lock (one writer per file)
   * and recovers jobs left running by a crash. Readers such as `twinlight info` pass `recover: false`:
   * the file is opened read-only, no lock is taken and another process's jobs are left alone.
   */
  static open(path: string, opts: { recover: boolean } = { recover: true }): ProjectStore {
    const abs = resolve(path)
    if (!opts.recover) return new ProjectStore(abs, openDatabase(abs, { create: false, readonly: true }), true)
    if (existsSync(abs)) checkWritable(abs) // before the lock file, which a read-only folder refuses with a vaguer error
    const store = new ProjectStore(abs, withLock(abs, () => openDatabase(abs, { create: false })))
    store.jobs.markInterrupted()
    return store
  }

  close(): void {
    if (this.db.open && this.readOnly) this.db.close()
    if (this.db.open) {
      try {
        this.db.pragma('wal_checkpoint(TRUNCATE)')
      } catch {
        /* another reader holds the WAL; the next open checkpoints */
      }
      this.db.close()
      releaseLock(this.path)
    }
  }

  /**
   * Runs `fn` as one transaction: every repository write inside commits together or not at all
   * (nested calls become savepoints). `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)()
    } catch (e) {
      this.classTable.invalidate() // a rollback fires no trigger: the copy may hold rolled-back rows
      throw e
    }
  }

  get name(): string {
    return this.getMeta('name') ?? defaultName(this.path)
  }

  getMeta(key: string): string | null {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null
  }

  deleteMeta(key: string): void {
    this.db.prepare('DELETE FROM meta WHERE key = ?').run(key)
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value)
  }

  /** The class table (cached until it changes, see classTable.ts). */
  classes(): ClassInfo[] {
    return this.classTable.list()
  }

  /** Replaces the class table (the dataset's own indices, never renumbered). */
  setClasses(classes: ClassInfo[]): void {
    this.transaction(() => this.classTable.replace(classes))
  }

  /** Stores a path relative to the project folder (posix separators), or absolute if on another drive. */
  toStoredPath(p: string): string {
    const rel = relative(this.dir, resolve(p))
    if (isAbsolute(rel)) return resolve(p)
    return rel.split(sep).join(posix.sep)
  }

  resolvePath(stored: string): string {
    return isAbsolute(stored) ? stored : resolve(this.dir, stored)
  }

  activeModel(): ModelVersionInfo | null {
    return this.models.active()
  }

  summary(): ProjectSummary {
    const counts = this.images.counts()
    return {
      path: this.path,
      name: this.name,
      schemaVersion: LATEST_SCHEMA,
      imageCount: counts.new + counts.prefilled + counts.in_review + counts.accepted,
      counts,
      classes: this.classes(),
      splits: this.images.splits(),
      activeModel: this.models.active()
    }
  }
}

/** Takes the project's lock, then opens; the lock is given back when the open fails. */
function withLock(path: string, open: () => Db): Db {
  acquireLock(path)
  try {
    return open()
  } catch (e) {
    releaseLock(path)
    throw e
  }
}

function defaultName(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? 'project'
  return base.replace(/\.twinlight$/i, '')
}
