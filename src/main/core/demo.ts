import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ApiError } from '@shared/contract/errors'
import type { Workstation } from './workstation'
import type { ProjectStore } from './store/projectStore'
import { appRoot } from './appInfo'

export const TINY_MODEL_DIR = () => join(appRoot(), 'resources', 'models', 'tiny-sartm')

/** The demo needs the synthetic generator (datasets) and the embedded tiny model. */
export function demoStatus(): { available: boolean; reason: string } {
  if (!existsSync(join(TINY_MODEL_DIR(), 'manifest.json'))) return { available: false, reason: 'The embedded tiny model is not in resources/models/tiny-sartm yet.' }
  return { available: true, reason: 'Synthetic RGB-T street scenes with the embedded tiny SARTM-family model.' }
}

export async function openDemoProject(ws: Workstation): Promise<ProjectStore> {
  const status = demoStatus()
  if (!status.available) throw new ApiError('not_found', `The demo project is not available: ${status.reason}`)
  const path = join(ws.opts.dataDir, 'demo', 'demo.twinlight')
  if (existsSync(path)) return ws.openProject(path)
  throw new ApiError('not_found', 'The demo project has not been generated yet; run `twinlight demo`.')
}
