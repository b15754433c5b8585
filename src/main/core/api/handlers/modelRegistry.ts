/**
 * The Models panel (issue 18): the project's model packages with which one pre-fills, which model
 * serves clicks and each package's class-mapping state; adding/removing packages (folder or zip)
 * and click models (an ONNX pair, a folder, or an X-AnyLabeling config).
 */
import { resolve } from 'node:path'
import { ApiError } from '@shared/contract/errors'
import type { ModelRegistry, RegistryPackage } from '@shared/contract/methods/modelRegistry'
import type { Handlers } from '../dispatcher'
import type { Workstation } from '../../workstation'
import { ensureBaseModel } from '../../models/versions/modelVersions'
import { addModelPackage, isCopiedPackage, isEmbeddedPackage, removeModelVersion } from '../../models/versions/packageRegistry'
import { loadModelPackage } from '../../models/package/packageLoader'
import { classesAgree, storedClassMapping } from '../../prefill/classMap'
import { clearPromptConfig, publicInfo, readPromptConfig, resolveModelFile } from '../../click/config'
import { registerPromptModel } from '../../click/register'
import { readXAnyLabelingConfig } from '../../click/xanylabeling'

type RegistryHandlers = Pick<Handlers, 'listModelRegistry' | 'addModelPackage' | 'removeModel' | 'registerClickModel' | 'removeClickModel'>

/** Registers the embedded package first, so it is the one pre-filling unless the user picks another. */
async function ensureEmbedded(ws: Workstation): Promise<void> {
  try {
    await ensureBaseModel(ws.project)
  } catch {
    /* no embedded package in this build */
  }
}

async function registry(ws: Workstation): Promise<ModelRegistry> {
  const store = ws.project
  await ensureEmbedded(ws)
  const activeId = store.models.active()?.id ?? null
  const click = readPromptConfig(store)
  const clickDir = click?.kind === 'package' ? resolve(resolveModelFile(store, click.encoder)) : null
  const project = store.classes()
  const packages: RegistryPackage[] = []
  for (const v of store.models.list()) {
    const dir = resolve(store.resolvePath(v.packagePath))
    const row: RegistryPackage = {
      versionId: v.id, name: v.name, manifestId: null, path: dir,
      kind: v.kind === 'adapter' ? 'fine-tuned' : isEmbeddedPackage(dir) ? 'embedded' : 'added',
      copied: isCopiedPackage(ws.opts.dataDir, dir), prefills: v.id === activeId, servesClicks: v.kind === 'base' && clickDir === dir,
      hasPromptDecoder: false, classes: [], classesAgree: false, mapping: null, problem: null
    }
    try {
      const pkg = await loadModelPackage(dir)
      const m = pkg.manifest
      Object.assign(row, {
        manifestId: m.id, hasPromptDecoder: Boolean(pkg.promptDecoderPath), classes: m.classes.map((c) => ({ index: c.index, name: c.name })),
        classesAgree: classesAgree(m.classes, project), mapping: storedClassMapping(store, m)
      })
    } catch (e) {
      row.problem = (e as Error).message
    }
    packages.push(row)
  }
  return {
    packages,
    clickModel: click ? { ...publicInfo(click), kind: click.kind } : null,
    projectClasses: project.map((c) => ({ index: c.index, name: c.name }))
  }
}

export function modelRegistryHandlers(ws: Workstation): RegistryHandlers {
  const changed = (): void => ws.hub.emit('project.changed', { path: ws.project.path })
  return {
    listModelRegistry: () => registry(ws),
    addModelPackage: async ({ path }) => {
      await ensureEmbedded(ws)
      const added = await addModelPackage(ws.project, ws.opts.dataDir, path)
      changed()
      return { ...(await registry(ws)), added }
    },
    removeModel: async ({ id, confirm }) => {
      const row = (await registry(ws)).packages.find((p) => p.versionId === id)
      if (!row) throw new ApiError('not_found', `Model version ${id} does not exist in this project.`)
      const uses = [row.prefills ? 'it pre-fills' : '', row.servesClicks ? 'it serves clicks' : ''].filter(Boolean)
      if (uses.length && !confirm) throw new ApiError('conflict', `${row.name} is in use (${uses.join(', ')}); confirm to remove it.`)
      removeModelVersion(ws.project, ws.opts.dataDir, id)
      if (row.servesClicks) clearPromptConfig(ws.project)
      changed()
      return registry(ws) // re-activates the embedded package when the active one went
    },
    registerClickModel: async (a) => {
      const x = a.xanylabelingConfig ? readXAnyLabelingConfig(a.xanylabelingConfig) : null
      await registerPromptModel(ws.project, {
        ...(x ? { encoder: x.encoder, decoder: x.decoder, name: a.name ?? x.name, expectFormat: x.type === 'segment_anything' ? 'sam' as const : 'sam2' as const } : {}),
        ...(a.encoder ? { encoder: a.encoder } : {}),
        ...(a.decoder ? { decoder: a.decoder } : {}),
        ...(a.folder ? { folder: a.folder } : {}),
        ...(a.name ? { name: a.name } : {}),
        ...(a.source ? { source: a.source } : {})
      })
      changed()
      return registry(ws)
    },
    removeClickModel: () => {
      clearPromptConfig(ws.project)
      changed()
      return registry(ws)
    }
  }
}
