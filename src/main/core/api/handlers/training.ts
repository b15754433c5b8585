import { existsSync, statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'
import { ApiError } from '@shared/contract/errors'
import { planTraining } from '../../training/trainJob'
import { getReport } from '../../training/versions'
import { loraSource, loraStatusFor } from '../../training/lora/loraJob'
import { loadModelPackage } from '../../models/package/packageLoader'

type Names = 'startTraining' | 'getTrainingReport' | 'getLoraStatus' | 'setPythonPath'

/** An interpreter path the user gave: absolute, and an existing file (bad_input naming it otherwise). */
function checkPython(path: string, what: string): void {
  if (!isAbsolute(path)) throw new ApiError('bad_input', `${what} must be an absolute path; got "${path}".`)
  if (!existsSync(path)) throw new ApiError('bad_input', `${what} ${path} does not exist.`)
  if (!statSync(path).isFile()) throw new ApiError('bad_input', `${what} ${path} is not a file.`)
}

export function trainingHandlers(ws: Workstation): Pick<Handlers, Names> {
  return {
    startTraining: async (params) => {
      const store = ws.project
      if (store.jobs.list().some((j) => j.kind === 'train' && (j.state === 'running' || j.state === 'queued') && ws.jobs.isRunning(j.id))) {
        throw new ApiError('conflict', 'A fine-tuning job is already running; wait for it or cancel it first.')
      }
      if (params.python !== undefined) checkPython(params.python, 'The Python interpreter')
      if (params.tier === 'lora') {
        const status = await loraStatusFor(ws, params.python)
        if (!status.available) throw new ApiError('conflict', `The LoRA tier is not available: ${status.reason} Install: ${status.install}`)
      }
      // Refuse before queuing a job when there is nothing to learn from (nothing changes).
      const plan = await planTraining(store, { tier: params.tier ?? 'adapter' })
        .catch((e: unknown) => {
          // No active model yet is fine here: the job registers the embedded base package.
          if (e instanceof ApiError && e.message.startsWith('No model is active')) return null
          throw e
        })
      if (plan && params.tier === 'lora') {
        // A package the worker cannot train (no PyTorch weights, 16-bit thermal) is refused before a job row.
        const dir = resolve(store.resolvePath(plan.base.packagePath))
        loraSource(dir, (await loadModelPackage(dir)).manifest)
      }
      return ws.jobs.start('train', params)
    },
    getTrainingReport: ({ modelVersionId }) => getReport(ws.project, modelVersionId),
    getLoraStatus: () => loraStatusFor(ws),
    setPythonPath: ({ path }) => {
      if (path !== null) checkPython(path, 'The Python interpreter')
      ws.settings.update({ pythonPath: path })
      return loraStatusFor(ws)
    }
  }
}
