import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'
import type { ModelList } from '@shared/contract/methods/models'
import { ensureBaseModel, resolveVersion } from '../../models/versions/modelVersions'
import { loadModelPackage } from '../../models/package/packageLoader'
import { setClassMapping } from '../../prefill/classMap'
import { epLabel } from '../../models/runtime/ep'
import { cacheInfo } from '../../models/features/cacheInfo'
import { ApiError } from '@shared/contract/errors'

type ModelHandlers = Pick<Handlers, 'startPrefill' | 'listModels' | 'activateModel' | 'listRegions' | 'getCacheStats' | 'setClassMapping' | 'getExecutionInfo'>

async function modelList(ws: Workstation): Promise<ModelList> {
  const store = ws.project
  if (!store.models.list().some((m) => m.kind === 'base')) {
    try {
      await ensureBaseModel(store)
    } catch {
      /* no embedded package in this build: the list is simply empty */
    }
  }
  return { activeId: store.models.active()?.id ?? null, models: store.models.list() }
}

export function modelHandlers(ws: Workstation): ModelHandlers {
  return {
    startPrefill: (args) => {
      // Two pre-fills writing the same images would only race; one at a time per project.
      const running = ws.project.jobs.list(200).find((j) => j.kind === 'prefill' && ws.jobs.isRunning(j.id))
      if (running) throw new ApiError('conflict', `Pre-fill job ${running.id} is still running (${running.done}/${running.total}); cancel it or wait for it to finish.`)
      return ws.jobs.start('prefill', args)
    },
    listModels: () => modelList(ws),
    activateModel: async ({ id }) => {
      ws.project.models.activate(id)
      ws.hub.emit('project.changed', { path: ws.project.path })
      return modelList(ws)
    },
    listRegions: ({ imageId }) => {
      const store = ws.project
      store.images.get(imageId) // not_found for an unknown image
      const p = store.proposals.latest(imageId)
      if (!p) return null
      return { imageId, modelVersionId: p.modelVersionId, width: p.width, height: p.height, regions: p.regions }
    },
    getCacheStats: async ({ capMb }) => {
      if (capMb !== undefined) {
        ws.inference.cache.setCap(capMb * 1024 * 1024)
        // Kept in settings.json, so the cap the user chose survives a restart (core/app.ts applies it).
        if (ws.settings.get().featureCacheCapMb !== capMb) ws.settings.update({ featureCacheCapMb: capMb })
      }
      return cacheInfo(ws)
    },
    setClassMapping: async ({ modelVersionId, mapping }) => {
      const v = await resolveVersion(ws.project, modelVersionId)
      const pkg = await loadModelPackage(v.packageDir)
      setClassMapping(ws.project, pkg.manifest, mapping)
      return { model: pkg.manifest.id, mapping }
    },
    getExecutionInfo: async ({ forceCpu }) => {
      const st = ws.inference
      if (forceCpu !== undefined) st.forceCpu = forceCpu
      if (!st.lastEp && ws.hasProject) {
        // Nothing has run yet: open the active model so the answer is the real choice, not a guess.
        try {
          const v = await resolveVersion(ws.project)
          st.recordEp((await st.engines.get(v.packageDir, { forceCpu: st.forceCpu })).ep)
        } catch {
          /* no usable model: report that nothing was chosen */
        }
      }
      const ep = st.lastEp
      return {
        name: ep ? epLabel(ep.name) : null,
        reason: ep?.reason ?? null,
        forceCpu: st.forceCpu,
        threads: ep?.threads ?? null,
        attempts: (ep?.attempts ?? []).map((a) => ({ name: epLabel(a.name), chosen: a.chosen, reason: a.reason }))
      }
    }
  }
}
