import { defineStore } from 'pinia'
import type { ModelRegistry, RegistryPackage } from '@shared/contract/methods/modelRegistry'
import { api } from '../api'
import { useNotify } from './notify'

/**
 * The Models panel's state: the project's model registry (packages, which pre-fills, which serves
 * clicks, class mappings) and the calls that change it. Every change answers with the new registry.
 */
export const useModels = defineStore('models', {
  state: () => ({
    registry: null as ModelRegistry | null,
    open: false,
    busy: false
  }),
  getters: {
    /** The package that pre-fills (the active model version). */
    prefiller(state): RegistryPackage | null {
      return state.registry?.packages.find((p) => p.prefills) ?? null
    },
    /** "mapping 3/9 classes" for the pre-filling package when its classes differ from the project's. */
    mappingSummary(): { mapped: number; total: number } | null {
      const p = this.prefiller
      if (!p || p.classesAgree || !p.classes.length) return null
      return { mapped: p.mapping ? p.mapping.filter((v) => v !== null).length : 0, total: p.classes.length }
    }
  },
  actions: {
    async load() {
      try {
        this.registry = await api.listModelRegistry({})
      } catch {
        this.registry = null // no project open: nothing to show
      }
    },
    /** Runs a change; on failure the error is shown and false returned. */
    async change(what: string, fn: () => Promise<ModelRegistry>): Promise<boolean> {
      this.busy = true
      try {
        this.registry = await fn()
        return true
      } catch (e) {
        useNotify().error(what, e)
        return false
      } finally {
        this.busy = false
      }
    },
    addPackage(path: string) {
      return this.change('Could not add the model package', () => api.addModelPackage({ path }))
    },
    remove(id: number, confirm: boolean) {
      return this.change('Could not remove the model', () => api.removeModel({ id, confirm }))
    },
    activate(id: number) {
      return this.change('Could not switch the pre-fill model', async () => {
        await api.activateModel({ id })
        return api.listModelRegistry({})
      })
    },
    setMapping(versionId: number, mapping: (number | null)[] | null) {
      return this.change('Could not store the class mapping', async () => {
        await api.setClassMapping({ modelVersionId: versionId, mapping })
        return api.listModelRegistry({})
      })
    },
    registerClick(args: Parameters<typeof api.registerClickModel>[0]) {
      return this.change('Could not register the click model', () => api.registerClickModel(args))
    },
    removeClick() {
      return this.change('Could not remove the click model', () => api.removeClickModel({}))
    }
  }
})
