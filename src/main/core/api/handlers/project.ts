import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'
import { classPreset } from '../../classPresets'
import { appVersion } from '../../appInfo'
import { demoStatus, openDemoProject } from '../../datasets/jobs/demo'

type Names = 'getAppInfo' | 'createProject' | 'openProject' | 'openDemoProject' | 'closeProject' | 'getProject' | 'listRecentProjects'

export function projectHandlers(ws: Workstation): Pick<Handlers, Names> {
  return {
    getAppInfo: () => ({
      version: appVersion(),
      transport: ws.opts.transport,
      platform: `${process.platform}-${process.arch}`,
      executionProvider: ws.executionProvider(),
      demo: demoStatus()
    }),
    createProject: async ({ path, name, classPreset: preset }) => (await ws.createProject(path, name, classPreset(preset))).summary(),
    openProject: async ({ path }) => (await ws.openProject(path)).summary(),
    openDemoProject: async () => (await openDemoProject(ws)).summary(),
    closeProject: async () => ({ closed: await ws.closeProject() }),
    getProject: () => (ws.hasProject ? ws.project.summary() : null),
    listRecentProjects: () => ws.recentProjects()
  }
}
