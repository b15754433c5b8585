/**
 * Region table of a proposal: connected components per class (4-connected, as the review UI
 * splits them) with area, bbox and mean confidence. Components come from the shared
 * @shared/labelmap connectedComponents (two-pass union-find over typed arrays).
 */
import { connectedComponents } from '@shared/labelmap/components'
import type { ClassInfo } from '@shared/contract/types'
import type { Region } from '../store/proposalsRepo'

/**
 * Classes that get no regions: ignore-flagged classes, and class 0 when it is the dataset's void
 * class ("unlabeled"/"background"): the background is not a thing a reviewer accepts.
 */
export function regionSkipClasses(classes: ClassInfo[]): number[] {
  const skip = classes.filter((c) => c.ignore).map((c) => c.index)
  const zero = classes.find((c) => c.index === 0)
  if (zero && /^(unlabel(l)?ed|background|void|none)$/i.test(zero.name)) skip.push(0)
  return skip
}

export function regionTable(labels: Uint8Array, confidence: Uint8Array, width: number, height: number, skipClasses: readonly number[]): Region[] {
  const { ids, regions } = connectedComponents(labels, width, height, { connectivity: 4, skipClasses })
  const sums = new Float64Array(regions.length + 1)
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!
    if (id) sums[id] += confidence[i]!
  }
  return regions.map((r) => ({
    id: r.id,
    classIndex: r.classIndex,
    area: r.area,
    meanConfidence: Math.round((sums[r.id]! / r.area / 255) * 1000) / 1000,
    bbox: r.bbox
  }))
}
