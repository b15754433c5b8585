/**
 * Pre-fill with a head-tier version: the head's output channels are project classes, so its
 * channel → class table is the class map, with no package mapping needed. Refused (nothing written)
 * when the project's class table no longer has one of those classes, or made it an ignore class.
 */
import { ApiError } from '@shared/contract/errors'
import type { Head } from '../models/versions/head'
import type { ProjectStore } from '../store/projectStore'

export function headClassMap(store: ProjectStore, head: Head, versionId: number): Uint8Array {
  const classes = new Map(store.classes().map((c) => [c.index, c]))
  for (const idx of head.classes) {
    const c = classes.get(idx)
    if (!c || c.ignore) {
      throw new ApiError('conflict', `Model version ${versionId} was fine-tuned for project class ${idx}, which ${c ? `is now an ignore class (${c.name})` : 'no longer exists'}; fine-tune again or activate another version. Nothing was written.`)
    }
  }
  return head.classes
}
