/**
 * Region table of a proposal as pre-fill stores it and `listRegions` returns it. The rule (which
 * classes count, ids, 4-connectivity) is @shared/labelmap/regions, the same one the review UI uses.
 */
import { proposalRegions } from '@shared/labelmap/regions'
import type { Region } from '../store/proposalsRepo'

export { regionSkipClasses } from '@shared/labelmap/regions'

export function regionTable(labels: Uint8Array, confidence: Uint8Array, width: number, height: number, skipClasses: readonly number[]): Region[] {
  return proposalRegions(labels, confidence, width, height, skipClasses).regions.map((r) => ({
    id: r.id,
    classIndex: r.classIndex,
    area: r.area,
    meanConfidence: r.meanConfidence ?? 0,
    bbox: r.bbox
  }))
}
