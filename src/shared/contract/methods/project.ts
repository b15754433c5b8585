import { z } from 'zod'
import { method } from '../define'
import type { AppInfo, ProjectSummary, RecentProject } from '../types'
import { fsPath, noArgs } from './common'

export const projectMethods = {
  /** What this app is, how it is connected, which execution provider runs models. */
  getAppInfo: method<AppInfo>()(noArgs, 'Version, transport, execution provider and demo availability.'),
  /** Create a new `.twinlight` project file (refuses to overwrite an existing file). */
  createProject: method<ProjectSummary>()(
    z.object({ path: fsPath, name: z.string().min(1).max(200).optional(), classPreset: z.enum(['mfnet', 'pst900', 'fmb']).default('mfnet') }).strict(),
    'Create a project file and open it.'
  ),
  /** Open an existing project; refuses newer schemas and corrupted files with a clear message. */
  openProject: method<ProjectSummary>()(z.object({ path: fsPath }).strict(), 'Open a project file.'),
  /** Open (creating on first use) the demo project built from the synthetic generator. */
  openDemoProject: method<ProjectSummary>()(noArgs, 'Open the demo project, generating it first if needed.'),
  closeProject: method<{ closed: boolean }>()(noArgs, 'Close the open project.'),
  /** Summary of the open project (counts per status, classes, splits, active model). */
  getProject: method<ProjectSummary | null>()(noArgs, 'The open project, or null.'),
  listRecentProjects: method<RecentProject[]>()(noArgs, 'Recently opened projects, newest first.')
}
