import { z } from 'zod'
import { method } from '../define'
import type { ImageStatus, LabelMapPayload } from '../types'
import { id } from './common'

/** A rectangle in image pixels. */
export const rect = z
  .object({ x: z.number().int().min(0), y: z.number().int().min(0), w: z.number().int().positive(), h: z.number().int().positive() })
  .strict()

/** Base64 of zlib-deflated uint8 pixels; capped so a single call stays bounded (the server takes 16 MiB bodies). */
export const deflated = z.string().max(15 * 1024 * 1024)

export interface HistoryEntry {
  seq: number
  label: string
  pixels: number
  undone: boolean
  createdAt: string
}

export interface HistoryState {
  /** Sequence number of the newest applied edit (0 when none): clients send it back as `baseSeq`. */
  head: number
  canUndo: boolean
  canRedo: boolean
  undoLabel: string | null
  redoLabel: string | null
}

/** A patch the client applies to its copy of the label map after undo/redo. */
export interface LabelPatch {
  rect: { x: number; y: number; w: number; h: number }
  encoding: 'deflate-base64'
  data: string
}

export interface EditResult {
  history: HistoryState
  status: ImageStatus
  pixels: number
}

export interface UndoResult {
  history: HistoryState
  status: ImageStatus
  patch: LabelPatch | null
}

/** Names the calling window, echoed as `by` in `annotation.changed` so it can tell its own changes from others'. */
const clientId = z.string().min(1).max(100).optional()

export const annotationMethods = {
  /** The current label map (latest revision with history applied), or the model's proposal. */
  getLabelMap: method<LabelMapPayload | null>()(
    z.object({ imageId: id, which: z.enum(['current', 'proposal', 'confidence']).default('current') }).strict(),
    'Current label map, proposal or confidence map (uint8 0..255) of an image, or null when absent.'
  ),
  /**
   * One user action on the label map (a brush stroke, a fill, a region rejected): the new values of
   * the pixels in `rect`. Saved in one transaction together with its undo record; returns only after
   * it is durable. `baseSeq` must equal the history head the client edited on.
   */
  applyEdit: method<EditResult>()(
    z
      .object({
        imageId: id,
        label: z.string().min(1).max(200),
        baseSeq: z.number().int().min(0),
        rect,
        data: deflated,
        clientId
      })
      .strict(),
    'Save one edit (one undo entry).'
  ),
  /** Undo is per image: one shared history, so it may undo another window's edit; every window is told by `annotation.changed`. */
  undo: method<UndoResult>()(z.object({ imageId: id, clientId }).strict(), 'Undo the newest edit of an image (shared by every window).'),
  redo: method<UndoResult>()(z.object({ imageId: id, clientId }).strict(), 'Redo the newest undone edit of an image (shared by every window).'),
  getHistory: method<{ state: HistoryState; entries: HistoryEntry[] }>()(
    z.object({ imageId: id, limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    'Undo history of an image, newest first.'
  ),
  /** Mark an image accepted (writes a `human` revision recording parent model and pixels edited). */
  acceptImage: method<{ status: ImageStatus; revisionId: number }>()(z.object({ imageId: id }).strict(), 'Accept the current label map as ground truth.'),
  setRegistration: method<{ dx: number; dy: number }>()(
    z.object({ imageId: id, dx: z.number().int().min(-256).max(256), dy: z.number().int().min(-256).max(256) }).strict(),
    'Store the thermal→RGB registration offset of an image.'
  )
}
