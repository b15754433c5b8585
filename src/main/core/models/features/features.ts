/**
 * Backbone outputs of one project image for a model version, the entry point for adapter training
 * (issue 7) and the prompt decoder: features come from the on-disk cache when present (fp16),
 * otherwise the image is decoded, preprocessed and run, and the result cached (features rounded to
 * float16 either way, so the outputs do not depend on the cache's state). Logits include the
 * version's adapter (Δ = B·A·features), at the features' resolution.
 */
import type { Workstation } from '../../workstation'
import { featureCacheKey, type CachedOutputs } from './featureCache'
import { readImageForModel } from '../pixels/imageInput'
import { allocSlot } from '../pixels/preprocess'
import { decodeHalf, encodeHalf } from '../pixels/fp16'
import { resolveVersion } from '../versions/modelVersions'
import { applyAdapter } from '@shared/adapter'
import { gateAllows } from '../versions/adapterGate'
import { frameFor, type Frame } from '../pixels/geometry'
import type { ModelManifest } from '@shared/modelPackage'

/**
 * One image's outputs: logits [C, h, w] (computeOutputs: the version's adapter applied; training's
 * sources: the base package's) and features [D, h, w] (through float16 when cached), at the
 * model's output resolution.
 */
export interface ModelOutputs extends CachedOutputs {
  /** Where the image sits in the model's input (padding policy); absent: the grid is the whole image. */
  frame?: Frame
  /** Model class index → project class index; absent or null: identical indices. */
  classMap?: Uint8Array | null
}

export async function computeOutputs(ws: Workstation, imageId: number, modelVersionId?: number): Promise<ModelOutputs> {
  const store = ws.project
  const version = await resolveVersion(store, modelVersionId)
  const { out, manifest: m } = await packageOutputs(ws, imageId, version.packageDir)
  const row = store.images.get(imageId)
  if (version.adapter && gateAllows(version.gate, out.features, out.d, out.h, out.w, frameFor(m, row.width, row.height))) {
    const logits = new Float32Array(out.logits)
    applyAdapter(logits, out.features, out, version.adapter)
    return { ...out, logits }
  }
  return out
}

/**
 * A package folder's outputs for one image, no version involved (the LoRA tier scores a package
 * before it becomes a version): cached by content hash, manifest id and registration.
 */
export async function packageOutputs(ws: Workstation, imageId: number, packageDir: string): Promise<{ out: ModelOutputs; manifest: ModelManifest }> {
  const store = ws.project
  const st = ws.inference
  const engine = await st.engines.get(packageDir, { forceCpu: st.forceCpu })
  st.recordEp(engine.ep)
  const m = engine.manifest
  const row = store.images.get(imageId)
  const reg = row.registration
  let out: ModelOutputs | null = null
  if (row.contentHash) {
    const hit = st.cache.get(featureCacheKey(row.contentHash, m.id, reg))
    if (hit) out = { ...hit, logits: hit.logits }
  }
  if (!out) {
    const img = await readImageForModel(store, imageId, m.normalisation.thermal.bits === 16)
    const pl = st.inputsFor(m)
    const slot = pl.free.pop() ?? allocSlot(m)
    let r: Awaited<ReturnType<typeof engine.run>>
    try {
      pl.pre.fill(img.pair, img.registration, slot)
      r = await engine.run(slot)
    } finally {
      if (pl.free.length < 4 && slot.rgb.length > 0) pl.free.push(slot) // a failed run may leave it detached
    }
    const { c, d, h, w } = engine.shapes
    // Features go through float16 whether or not the cache keeps them, so a result never depends
    // on what the cache holds (a cap smaller than the project recomputes the same numbers).
    const half = encodeHalf(r.features)
    st.cache.putEncoded(featureCacheKey(img.contentHash, m.id, reg), { c, d, h, w }, r.logits, half)
    out = { c, d, h, w, logits: r.logits, features: decodeHalf(half) }
  }
  return { out, manifest: m }
}
