/** Domain types shared by main and renderer. Plain data only: everything here crosses a transport. */

export const imageStatuses = ['new', 'prefilled', 'in_review', 'accepted'] as const
export type ImageStatus = (typeof imageStatuses)[number]

export type RGB = [number, number, number]

/** A class of the project's table. `index` is the dataset's own label value, never renumbered. */
export interface ClassInfo {
  index: number
  name: string
  color: RGB
  ignore: boolean
}

export interface ModelVersionInfo {
  id: number
  name: string
  kind: 'base' | 'adapter'
  parentId: number | null
  packagePath: string
  createdAt: string
  metrics: Record<string, number> | null
  /** How a fine-tuned version corrects its base: a linear adapter, a head over the project's classes, or a LoRA-tuned package of its own (null: a base package). */
  tier?: 'adapter' | 'head' | 'lora' | null
}

export interface ProjectSummary {
  path: string
  name: string
  schemaVersion: number
  imageCount: number
  counts: Record<ImageStatus, number>
  classes: ClassInfo[]
  splits: string[]
  activeModel: ModelVersionInfo | null
}

export interface RecentProject {
  path: string
  name: string
  openedAt: string
  exists: boolean
}

export interface ImageRow {
  id: number
  name: string
  split: string
  status: ImageStatus
  width: number
  height: number
  thermalBitDepth: 8 | 16
  /** Mean model confidence of the latest proposal, null before pre-fill. */
  confidence: number | null
  /** Model version of that proposal (null: none, or a proposal without a version). */
  proposalVersionId: number | null
}

export interface ImagePage {
  total: number
  offset: number
  items: ImageRow[]
}

export interface ImageDetail extends ImageRow {
  rgbPath: string
  thermalPath: string
  /** Offset applied to thermal (pixels) to register it onto RGB. */
  registration: { dx: number; dy: number }
  hasProposal: boolean
  hasAnnotation: boolean
}

/** A label map on the wire: uint8 class indices, row-major, zlib-deflated then base64. */
export interface LabelMapPayload {
  width: number
  height: number
  encoding: 'deflate-base64'
  data: string
}

export type JobKind = 'import' | 'prefill' | 'train' | 'export' | 'demo'
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted'

export interface JobInfo {
  id: number
  kind: JobKind
  state: JobState
  done: number
  total: number
  message: string
  error: string | null
  createdAt: string
  updatedAt: string
  result: unknown
}

export interface AppInfo {
  version: string
  transport: 'ipc' | 'http'
  platform: string
  executionProvider: { name: string; reason: string } | null
  demo: { available: boolean; reason: string }
}
