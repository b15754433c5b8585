/**
 * The composition root: the one place that builds a workstation's services (events, the job runner
 * with every job registered, inference state with its engine pool, the pre-fill stage pool, the
 * click-to-segment state) and wires them together. Electron, the server, the CLI, benches and tests
 * all start here; `ws.dispose()` releases what this built.
 */
import { mkdirSync } from 'node:fs'
import { EventHub } from './events'
import { JobRunner } from './jobs/runner'
import { Workstation, type WorkstationOptions } from './workstation'
import { registerJobs } from './registerJobs'
import { InferenceState } from './models/features/context'
import { ClickState } from './click/clickState'
import { SharedStagePool } from './prefill/prefillPool'
import { SettingsStore } from './settings/settingsStore'
import { PythonProbe } from './training/lora/pythonProbe'

export type { WorkstationOptions }

export function createWorkstation(opts: WorkstationOptions): Workstation {
  mkdirSync(opts.dataDir, { recursive: true })
  const hub = new EventHub()
  const jobs = new JobRunner(() => ws.project.jobs, hub)
  const settings = new SettingsStore(opts.dataDir)
  const inference = new InferenceState(opts.dataDir)
  // The cap set in the Models panel (getCacheStats({capMb})) outlives the session.
  const capMb = settings.get().featureCacheCapMb
  if (capMb !== null) inference.cache.setCap(capMb * 1024 * 1024)
  const ws: Workstation = new Workstation(opts, {
    hub,
    jobs,
    inference,
    click: new ClickState(opts.dataDir, hub),
    stages: new SharedStagePool(),
    settings,
    python: new PythonProbe()
  })
  registerJobs(ws)
  return ws
}
