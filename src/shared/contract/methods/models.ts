import { z } from 'zod'
import { method } from '../define'
import type { JobInfo, ModelVersionInfo } from '../types'
import { id, splitName } from './common'

/** One connected region of a proposal: same class, 4-connected. bbox is [x, y, width, height]. */
export interface ProposalRegionInfo {
  id: number
  classIndex: number
  area: number
  /** Mean max-softmax confidence over the region, 0..1. */
  meanConfidence: number
  bbox: [number, number, number, number]
}

export interface RegionList {
  imageId: number
  /** Model version of the latest proposal (null for imported proposals). */
  modelVersionId: number | null
  width: number
  height: number
  regions: ProposalRegionInfo[]
}

export interface FeatureCacheStats {
  dir: string
  entries: number
  bytes: number
  capBytes: number
  hits: number
  misses: number
  writes: number
  evictions: number
}

/** Cache use plus what one image costs for the active model and how many of the project's fit. */
export interface CacheInfo extends FeatureCacheStats {
  /** One entry of the active version's package: header + C·h·w·4 (logits) + D·h·w·2 (features). */
  perImage: { model: string; c: number; d: number; h: number; w: number; bytes: number } | null
  /** Images in the open project (null without one). */
  projectImages: number | null
  /** How many of them fit the cap (≤ projectImages). */
  fitImages: number | null
}

/** Bounds of the cache cap setting, in MB. */
export const CACHE_CAP_MB = { min: 64, max: 1024 * 1024 } as const

export interface ExecutionInfo {
  /** Provider the models run on: CUDA, DirectML, CoreML or CPU; null before a model was opened. */
  name: string | null
  reason: string | null
  forceCpu: boolean
  threads: number | null
  /** Every provider considered, in order, with why it was (not) used. */
  attempts: { name: string; chosen: boolean; reason: string }[]
}

export interface ModelList {
  activeId: number | null
  models: ModelVersionInfo[]
}

export const modelMethods = {
  /**
   * Pre-fill images with the model (job). Images a person reviewed (in review, accepted) get a
   * proposal but keep their map; `onlyUnreviewed` skips them entirely.
   */
  startPrefill: method<JobInfo>()(
    z
      .object({
        modelVersionId: id.optional(),
        split: splitName.optional(),
        onlyUnreviewed: z.boolean().default(false),
        imageIds: z.array(id).max(1_000_000).optional(),
        cpu: z.boolean().default(false)
      })
      .strict(),
    'Pre-fill images with a model version (job).'
  ),
  /** Model versions of the project; registers the embedded base model on first use. */
  listModels: method<ModelList>()(z.object({}).strict(), 'Model versions of the open project and which is active.'),
  activateModel: method<ModelList>()(z.object({ id }).strict(), 'Make a model version the active one.'),
  /** Regions of the image's latest proposal (the review UI accepts or rejects them one by one). */
  listRegions: method<RegionList | null>()(z.object({ imageId: id }).strict(), 'Regions of the latest proposal of an image, null without one.'),
  /** `capMb` sets the cap (kept in the app's settings.json for later sessions; default TWINLIGHT_FEATURE_CACHE_MB or 2048); over-cap entries are evicted. */
  getCacheStats: method<CacheInfo>()(
    z.object({ capMb: z.number().int().min(CACHE_CAP_MB.min).max(CACHE_CAP_MB.max).optional() }).strict(),
    "Feature cache use (entries, bytes, cap, hits, misses, evictions), one image's cost for the active model and how many project images fit; optionally set the cap."
  ),
  /**
   * Map a model's classes onto the project's: `mapping[i]` is the project class index written for
   * model class i, or null to leave that class's pixels unlabelled; null removes the mapping.
   * Needed when the classes differ.
   */
  setClassMapping: method<{ model: string; mapping: (number | null)[] | null }>()(
    z.object({ modelVersionId: id.optional(), mapping: z.array(z.number().int().min(0).max(255).nullable()).max(256).nullable() }).strict(),
    'Store an explicit model → project class mapping.'
  ),
  /** Which execution provider runs the models and why; `forceCpu` switches accelerators off. */
  getExecutionInfo: method<ExecutionInfo>()(
    z.object({ forceCpu: z.boolean().optional() }).strict(),
    'Execution provider in use and why (optionally set the force-CPU setting).'
  )
}
