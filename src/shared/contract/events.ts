import { z } from 'zod'
import { event, type PayloadOf } from './define'
import { promptSource } from './methods/prompt'

const jobKind = z.enum(['import', 'prefill', 'train', 'export', 'demo'])
const jobState = z.enum(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'])

/** Events pushed from main to every connected renderer. */
export const events = {
  /** Progress of a long job; pushed at most ~10 times a second per job. */
  'job.progress': event(
    z.object({
      jobId: z.number(),
      kind: jobKind,
      state: jobState,
      done: z.number(),
      total: z.number(),
      /** Items per second over the recent window. */
      rate: z.number(),
      /** Seconds left at the current rate, null when unknown. */
      eta: z.number().nullable(),
      message: z.string(),
      /** Free-form extra (e.g. a loss value for training). */
      detail: z.record(z.string(), z.unknown()).optional()
    }),
    'A job made progress or changed state.'
  ),
  /** The open project changed (opened, closed, counts changed). */
  'project.changed': event(z.object({ path: z.string().nullable() }), 'Project opened, closed or its summary changed.'),
  /** An image's status or label map changed (by another window, a job or an import). */
  'image.changed': event(z.object({ imageId: z.number(), status: z.string() }), 'An image changed.'),
  /**
   * An image's label map changed through its shared history (undo is per image, not per client):
   * pushed on every edit, undo and redo so another window showing the image reloads it instead of
   * learning of it from a 409 at its next save. `by` is the clientId the caller sent (null if none).
   */
  'annotation.changed': event(
    z.object({ imageId: z.number(), headSeq: z.number(), by: z.string().nullable(), action: z.enum(['edit', 'undo', 'redo']) }),
    'The label map of an image changed (edit, undo or redo) and by which client.'
  ),
  /**
   * A prompt-model embedding finished computing (click-to-segment): the annotator's "embedding
   * ready" indicator listens for it instead of polling getEmbeddingStatus.
   */
  'prompt.embeddingReady': event(
    z.object({ imageId: z.number(), modelId: z.string(), source: promptSource }),
    'The prompt embedding of an image is ready (computed and in the memory cache).'
  ),
  /**
   * The open project's class table changed (rename, colour, add, merge, undo). `remapped` is true
   * when label pixels changed too: an annotator reloads its image and redraws with the new palette.
   */
  'classes.changed': event(z.object({ changeId: z.number(), remapped: z.boolean() }), 'The class table (and maybe label pixels) changed.'),
  /** A native menu entry was chosen (Electron); the renderer runs the command with this id. */
  'command.run': event(z.object({ id: z.string() }), 'Run a renderer command by id.')
}

export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<E extends EventName> = PayloadOf<Events[E]>
export const eventNames = Object.keys(events) as EventName[]
