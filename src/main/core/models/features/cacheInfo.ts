/**
 * The Model panel's view of the feature cache (issue #21 item 3): what one image costs for the
 * active version's package (from its manifest's output shapes, no model run) and how many of the
 * project's images fit the cap; the rest are recomputed when training or pre-fill needs them.
 */
import type { CacheInfo } from '@shared/contract/methods/models'
import type { Workstation } from '../../workstation'
import { entryBytes } from './featureCache'
import { resolveVersion } from '../versions/modelVersions'
import { loadModelPackage } from '../package/packageLoader'

export async function cacheInfo(ws: Workstation): Promise<CacheInfo> {
  const stats = ws.inference.cache.stats()
  if (!ws.hasProject) return { ...stats, perImage: null, projectImages: null, fitImages: null }
  const store = ws.project
  const projectImages = Object.values(store.images.counts()).reduce((a, b) => a + b, 0)
  let perImage: CacheInfo['perImage'] = null
  try {
    const v = await resolveVersion(store)
    const m = (await loadModelPackage(v.packageDir)).manifest
    const [, c, h, w] = m.tensors.outputs.logits.shape as number[]
    const d = m.tensors.outputs.features.shape[1]!
    perImage = { model: m.id, c: c!, d, h: h!, w: w!, bytes: entryBytes({ c: c!, d, h: h!, w: w! }) }
  } catch {
    /* no usable model version: only the cache's own numbers */
  }
  const fitImages = perImage ? Math.min(projectImages, Math.floor(stats.capBytes / perImage.bytes)) : null
  return { ...stats, perImage, projectImages, fitImages }
}
