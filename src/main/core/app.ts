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
  const ws: Workstation = new Workstation(opts, {
    hub,
    jobs,
    inference: new InferenceState(opts.dataDir),
    click: new ClickState(opts.dataDir, hub),
    stages: new SharedStagePool(),
    settings: new SettingsStore(opts.dataDir),
    python: new PythonProbe()
  })
  registerJobs(ws)
  return ws
}
