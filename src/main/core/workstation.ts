import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ClassInfo, RecentProject } from '@shared/contract/types'
import { ApiError } from '@shared/contract/errors'
import { ProjectStore } from './store/projectStore'
import { EventHub } from './events'
import { JobRunner } from './jobs/runner'
import type { FolderRoots } from './datasets/folderRoots'

export interface WorkstationOptions {
  /** Folder for app state: recent projects, demo project, caches. */
  dataDir: string
  transport: 'ipc' | 'http'
  /** Browser mode: the only folders the page may read or write (home + --data-root); unset = no limit (desktop). */
  folderRoots?: FolderRoots
}

/**
 * The app's state in main, shared by every transport: the open project, jobs, events and the
 * recent-projects list. Nothing here imports Electron, so the CLI, the server and tests use it too.
 */
export class Workstation {
  readonly hub = new EventHub()
  readonly jobs: JobRunner
  private store: ProjectStore | null = null
  /** Which execution provider runs models and why; set by the model layer once it has chosen. */
  ep: { name: string; reason: string } | null = null

  constructor(readonly opts: WorkstationOptions) {
    mkdirSync(opts.dataDir, { recursive: true })
    this.jobs = new JobRunner(() => this.project.jobs, this.hub)
  }

  /** The open project; a typed error when none is open. */
  get project(): ProjectStore {
    if (!this.store) throw new ApiError('conflict', 'No project is open. Create or open a project first.')
    return this.store
  }

  executionProvider(): { name: string; reason: string } | null {
    return this.ep
  }

  get hasProject(): boolean {
    return this.store !== null
  }

  async createProject(path: string, name: string | undefined, classes: ClassInfo[]): Promise<ProjectStore> {
    const abs = resolve(withExtension(path))
    const store = ProjectStore.create(abs, { ...(name ? { name } : {}), classes })
    await this.swap(store)
    return store
  }

  async openProject(path: string): Promise<ProjectStore> {
    const store = ProjectStore.open(resolve(path))
    await this.swap(store)
    return store
  }

  async closeProject(): Promise<boolean> {
    if (!this.store) return false
    await this.jobs.stopAll()
    this.store.close()
    this.store = null
    this.hub.emit('project.changed', { path: null })
    return true
  }

  recentProjects(): RecentProject[] {
    return this.readRecent().map((r) => ({ ...r, exists: existsSync(r.path) }))
  }

  private async swap(store: ProjectStore): Promise<void> {
    if (this.store) {
      await this.jobs.stopAll()
      this.store.close()
    }
    this.store = store
    this.remember(store.path, store.name)
    this.hub.emit('project.changed', { path: store.path })
  }

  private get recentFile(): string {
    return join(this.opts.dataDir, 'recent.json')
  }

  private readRecent(): { path: string; name: string; openedAt: string }[] {
    try {
      const list = JSON.parse(readFileSync(this.recentFile, 'utf8'))
      return Array.isArray(list) ? list.filter((r) => typeof r?.path === 'string') : []
    } catch {
      return []
    }
  }

  private remember(path: string, name: string): void {
    const list = [{ path, name, openedAt: new Date().toISOString() }, ...this.readRecent().filter((r) => r.path !== path)].slice(0, 20)
    const tmp = this.recentFile + '.tmp'
    writeFileSync(tmp, JSON.stringify(list, null, 2))
    renameSync(tmp, this.recentFile)
  }
}

function withExtension(path: string): string {
  return /\.twinlight$/i.test(path) ? path : `${path}.twinlight`
}
