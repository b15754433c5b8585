/**
 * Binds training to the inference layer: base-package outputs through computeOutputs (the feature
 * cache, fp16 on disk, filled on demand by running the backbone), with the package's frame
 * (padding policy) and class mapping, so training and evaluation see exactly what pre-fill sees.
 */
import { resolve } from 'node:path'
import type { ModelManifest } from '@shared/modelPackage'
import { computeOutputs } from '../models/features/features'
import { loadModelPackage } from '../models/package/packageLoader'
import { frameFor } from '../models/pixels/geometry'
import { classMapping } from '../prefill/classMap'
import type { OutputsFactory } from './trainJob'

export const modelOutputs: OutputsFactory = (ws, base, opts) => {
  let manifest: Promise<ModelManifest> | null = null
  let classMap: Uint8Array | null | undefined
  return {
    async outputs(imageId) {
      const store = ws.project
      manifest ??= loadModelPackage(resolve(store.resolvePath(base.packagePath))).then((p) => p.manifest)
      const m = await manifest
      if (classMap === undefined) classMap = opts?.classes === 'project' ? null : classMapping(store, m)
      // The base version: logits without any adapter; the trainer adds its own Δ.
      const o = await computeOutputs(ws, imageId, base.id)
      const row = store.images.get(imageId)
      return { ...o, frame: frameFor(m, row.width, row.height), classMap }
    }
  }
}
