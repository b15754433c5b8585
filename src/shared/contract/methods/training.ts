import { z } from 'zod'
import { method } from '../define'
import type { JobInfo } from '../types'
import { id } from './common'

/** IoU of one class on the held-out images, parent version vs the new one (null: class absent there). */
export interface ClassIou {
  index: number
  name: string
  parent: number | null
  candidate: number | null
}

export interface LossPoint {
  step: number
  loss: number
}

/** Everything one fine-tuning run measured; what the training panel and `twinlight train` show. */
export interface TrainingReport {
  modelVersionId: number
  parentId: number
  baseId: number
  createdAt: string
  /** Which tier made the version (absent in reports from before issue 19: 'adapter'). For 'head', `rank` is the head's hidden width. */
  tier?: 'adapter' | 'head'
  rank: number
  steps: number
  batch: number
  seed: number
  trainImages: number
  heldOutImages: number
  /** How the held-out images were chosen: the project's val/test split, a fixed share, or none. */
  heldOutRule: 'split' | 'share' | 'none'
  classes: ClassIou[]
  parentMIoU: number | null
  candidateMIoU: number | null
  /** Mean training loss per ~1% of the steps. */
  lossCurve: LossPoint[]
  activated: boolean
  /** One sentence: why the version was (not) activated. */
  decision: string
  /** Where the loop ran: a worker thread, or the main thread when the build has no worker. */
  mode: 'worker' | 'inline'
  /**
   * The candidate's domain gate: it applies to images whose mean features lie within `radius`
   * (RMS z-distance) of its training images' centroid; `heldOutApplied` of the held-out images passed.
   * null when trained with `gate: false`.
   */
  gate: { radius: number; trainMax: number; heldOutApplied: number } | null
  timings: { loadMs: number; trainMs: number; evalMs: number; totalMs: number }
}

/** Result of a finished `train` job (JobInfo.result). */
export interface TrainJobResult {
  modelVersionId: number
  activated: boolean
  parentId: number
  parentMIoU: number | null
  candidateMIoU: number | null
  decision: string
}

export const activatePolicies = ['if-better', 'always', 'never'] as const
export type ActivatePolicy = (typeof activatePolicies)[number]

/**
 * Fine-tuning. Listing versions, activation and rollback (activating an earlier version) are the
 * model methods `listModels` / `activateModel` (methods/models.ts).
 */
export const trainingMethods = {
  /**
   * Fine-tune a LoRA adapter from every accepted mask, starting from the active version's adapter.
   * Progress events carry `detail: { phase: 'load'|'train'|'evaluate'|'done', step, steps, loss, points }`
   * (points = new loss-curve points). Fails at once, changing nothing, when no image is accepted.
   */
  startTraining: method<JobInfo>()(
    z
      .object({
        rank: z.number().int().min(1).max(64).optional(),
        steps: z.number().int().min(1).max(100_000).optional(),
        seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
        /** if-better (default): activate only when held-out mIoU is not worse than the parent's. */
        activate: z.enum(activatePolicies).optional(),
        /** Apply the adapter only to images like its training images (default true); see docs/training.md. */
        gate: z.boolean().optional(),
        /** 'adapter' (default) or 'head': a head over the project's own classes (docs/training.md). */
        tier: z.enum(['adapter', 'head']).optional()
      })
      .strict(),
    'Start a fine-tuning job (LoRA adapter trained from accepted masks).'
  ),
  getTrainingReport: method<TrainingReport>()(z.object({ modelVersionId: id }).strict(), 'Per-class IoU (parent vs new), loss curve and decision of one fine-tuned version.')
}
