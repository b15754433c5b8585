import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ClassInfo, RecentProject } from '@shared/contract/types'
import { ApiError } from '@shared/contract/errors'
import { ProjectStore } from './store/projectStore'
import type { EventHub } from './events'
import type { JobRunner } from './jobs/runner'
import type { InferenceState } from './models/features/context'
import type { ClickState } from './click/clickState'
import type { SharedStagePool } from './prefill/prefillPool'
import type { FolderRoots } from './datasets/folderRoots'
import type { SettingsStore } from './settings/settingsStore'
import type { PythonProbe } from './training/lora/pythonProbe'

export interface WorkstationOptions {
  /** Folder for app state: recent projects, demo project, caches. */
  dataDir: string
  transport: 'ipc' | 'http'
  /** Browser mode: the only folders the page may read or write (home + --data-root); unset = no limit (desktop). */
  folderRoots?: FolderRoots
}

/** The services a workstation holds; built by the composition root (core/app.ts). */
export interface WorkstationServices {
  hub: EventHub
  jobs: JobRunner
  inference: InferenceState
  click: ClickState
  stages: SharedStagePool
  settings: SettingsStore
  python: PythonProbe
}

/**
 * The app's state in main, shared by every transport: the open project, jobs, events, the
 * services and the recent-projects list. Nothing here imports Electron, so the CLI, the server and
 * tests use it too. Built only by createWorkstation (core/app.ts).
 */
export class Workstation {
  readonly hub: EventHub
  readonly jobs: JobRunner
  /** Engines, feature cache, force-CPU setting and the execution provider chosen. */
  readonly inference: InferenceState
  /** Click-to-segment: decoded images, embeddings, the prompt engine. */
  readonly click: ClickState
  /** The pre-fill job's stage threads. */
  readonly stages: SharedStagePool
  /** App settings kept in <dataDir>/settings.json (the LoRA tier's Python, the feature-cache cap). */
  readonly settings: SettingsStore
  /** The LoRA tier's Python probes, cached per interpreter for the session. */
  readonly python: PythonProbe
  private store: ProjectStore | null = null

  constructor(readonly opts: WorkstationOptions, services: WorkstationServices) {
    this.hub = services.hub
    this.jobs = services.jobs
    this.inference = services.inference
    this.click = services.click
    this.stages = services.stages
    this.settings = services.settings
    this.python = services.python
  }

  /** Which execution provider runs models and why; null until the model layer has chosen. */
  get ep(): { name: string; reason: string } | null {
    return this.inference.executionProvider
  }

  /** The open project; a typed error when none is open. */
  get project(): ProjectStore {
    if (!this.store) throw new ApiError('conflict', 'No project is open. Create or open a project first.')
    return this.store
  }

  executionProvider(): { name: string; reason: string } | null {
    return this.ep
  }

  /** Stops everything this workstation started: click engines, jobs, the project, engines, stage threads. */
  async dispose(): Promise<void> {
    await this.click.release()
    await this.closeProject()
    await Promise.allSettled([this.inference.release(), this.stages.release()])
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
