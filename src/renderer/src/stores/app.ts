import { defineStore } from 'pinia'
import type { AppInfo, ProjectSummary, RecentProject } from '@shared/contract'
import { api, connectionProblem } from '../api'
import { useNotify } from './notify'

export type View = 'start' | 'browser' | 'annotator'
export type ClassPreset = 'mfnet' | 'pst900' | 'fmb'

/** App-level scene: connection, open project, which screen is shown. */
export const useAppStore = defineStore('app', {
  state: () => ({
    info: null as AppInfo | null,
    project: null as ProjectSummary | null,
    recent: [] as RecentProject[],
    view: 'start' as View,
    /** The image the annotator shows. */
    imageId: null as number | null,
    busy: false,
    fatal: connectionProblem as string | null
  }),
  actions: {
    async init() {
      if (this.fatal) return
      const notify = useNotify()
      try {
        const [info, project, recent] = await Promise.all([api.getAppInfo(), api.getProject(), api.listRecentProjects()])
        this.info = info
        this.recent = recent
        if (project) this.enter(project)
      } catch (e) {
        notify.error('Cannot talk to Twinlight', e)
      }
      api.on('project.changed', () => void this.refresh())
      // Status counts in the status bar follow image changes (debounced: a stroke is one event).
      let timer: ReturnType<typeof setTimeout> | null = null
      api.on('image.changed', () => {
        if (timer) clearTimeout(timer)
        timer = setTimeout(() => void this.refresh(), 400)
      })
      // Restore the annotator's image after a reload (the URL hash holds it).
      const m = /^#image=(\d+)$/.exec(location.hash)
      if (m && this.project) this.openImage(Number(m[1]))
    },
    enter(project: ProjectSummary) {
      this.project = project
      if (this.view === 'start') this.view = 'browser'
      if (!this.info?.executionProvider) void this.resolveExecutionProvider()
    },
    /**
     * Main picks the execution provider when a model is first opened; ask for it now (it opens the
     * active model, registering the embedded one) so the status bar shows it before any job runs.
     */
    async resolveExecutionProvider() {
      try {
        const ep = await api.getExecutionInfo({})
        if (ep.name && this.info) this.info = { ...this.info, executionProvider: { name: ep.name, reason: ep.reason ?? '' } }
        await this.refresh() // the model name follows the registration
      } catch {
        /* no usable model: the status bar keeps "—" and the model drawer says why */
      }
    },
    async run<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
      this.busy = true
      try {
        return await fn()
      } catch (e) {
        useNotify().error(what, e)
        return null
      } finally {
        this.busy = false
      }
    },
    async createProject(path: string, classPreset: ClassPreset, name?: string) {
      const p = await this.run('Could not create the project', () => api.createProject({ path, classPreset, ...(name ? { name } : {}) }))
      if (p) this.enter(p)
    },
    async openProject(path: string) {
      const p = await this.run('Could not open the project', () => api.openProject({ path }))
      if (p) this.enter(p)
    },
    async openDemo() {
      const p = await this.run('Could not open the demo project', () => api.openDemoProject())
      if (p) this.enter(p)
    },
    async closeProject() {
      await this.run('Could not close the project', () => api.closeProject())
      this.project = null
      this.view = 'start'
      this.imageId = null
      history.replaceState(history.state, '', location.pathname + location.search)
      this.recent = (await this.run('Could not list recent projects', () => api.listRecentProjects())) ?? this.recent
    },
    async refresh() {
      try {
        const p = await api.getProject()
        if (p) this.project = p
        else if (this.project) {
          this.project = null
          this.view = 'start'
        }
      } catch {
        /* transient: the status bar keeps the last summary */
      }
    },
    openImage(id: number) {
      this.imageId = id
      this.view = 'annotator'
      history.replaceState(history.state, '', `${location.pathname}${location.search}#image=${id}`)
    },
    /** Menu "New/Open project": the start screen, with that form's path field focused. */
    showStart(form: 'new' | 'open') {
      this.view = 'start'
      setTimeout(() => document.querySelector<HTMLInputElement>(`[data-testid="${form === 'new' ? 'new-path' : 'open-path'}"]`)?.focus(), 0)
    },
    backToBrowser() {
      this.view = 'browser'
      history.replaceState(history.state, '', location.pathname + location.search)
      void this.refresh()
    }
  }
})
