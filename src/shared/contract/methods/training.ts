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
  /** Which tier made the version (absent in reports from before issue 19: 'adapter'). For 'head', `rank` is the head's hidden width; for 'lora', the LoRA rank of the package's config. */
  tier?: TrainingTier
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

export const trainingTiers = ['adapter', 'head', 'lora'] as const
export type TrainingTier = (typeof trainingTiers)[number]

/** Whether the LoRA tier (SARTM's recipe in a Python worker) can run on this machine, and why not. */
export interface LoraStatus {
  available: boolean
  /** The interpreter chosen (null: none found). */
  python: string | null
  /** Where it came from: the pythonPath setting, TWINLIGHT_PYTHON, or /usr/bin/python3 / python3 on PATH. */
  source: 'settings' | 'env' | 'default'
  torch?: string
  onnx?: string
  device?: 'cpu' | 'cuda'
  deviceName?: string
  /** Why it is unavailable: one sentence. */
  reason?: string
  /** The command that installs what is missing. */
  install?: string
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
        /** 'adapter' (default), 'head' (a head over the project's own classes) or 'lora' (SARTM's recipe in Python; docs/training.md). */
        tier: z.enum(trainingTiers).optional(),
        /** LoRA tier: the worker's learning rate and batch (its own defaults when absent). */
        lr: z.number().positive().max(1).optional(),
        batch: z.number().int().min(1).max(256).optional(),
        /** LoRA tier: the Python interpreter for this run only (absolute path of an existing file). */
        python: z.string().min(1).max(4096).optional()
      })
      .strict(),
    'Start a fine-tuning job (LoRA adapter trained from accepted masks).'
  ),
  getLoraStatus: method<LoraStatus>()(z.object({}).strict(), 'Whether the LoRA tier can run here (Python, torch, onnx, device), and if not why and what to install.'),
  /** null: back to discovery (TWINLIGHT_PYTHON, /usr/bin/python3, python3 on PATH). Persisted in the app's settings.json. */
  setPythonPath: method<LoraStatus>()(
    z.object({ path: z.string().min(1).max(4096).nullable() }).strict(),
    'Set the Python interpreter the LoRA tier uses (absolute path of an existing file, or null), and return the new status.'
  ),
  getTrainingReport: method<TrainingReport>()(z.object({ modelVersionId: id }).strict(), 'Per-class IoU (parent vs new), loss curve and decision of one fine-tuned version.')
}
