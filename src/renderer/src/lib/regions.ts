import { proposalRegions, REVIEW_MIN_AREA } from '@shared/labelmap/regions'
import type { Rect } from './rect'

/** One region of the model's proposal, as the review list shows it (ids as in `listRegions`). */
export interface ProposalRegion {
  id: number
  classIndex: number
  area: number
  /** Mean confidence 0..1 over the region's pixels, null without a confidence map. */
  meanConfidence: number | null
  bbox: Rect
}

export interface RegionTable {
  regions: ProposalRegion[]
  /** Per pixel: region id, 0 for pixels of skipped classes and of regions below `minArea`. */
  labels: Uint32Array
}

/**
 * Splits a proposal into regions so each can be accepted or rejected on its own, by the shared rule
 * (@shared/labelmap/regions: same ids as main's stored table). Specks below `minArea` are left out
 * of the list and of `labels` (they still belong to the mask); the other ids are not renumbered.
 */
export function findRegions(proposal: Uint8Array, confidence: Uint8Array | null, width: number, height: number, skipClasses: readonly number[], minArea = REVIEW_MIN_AREA): RegionTable {
  const { ids, regions } = proposalRegions(proposal, confidence, width, height, skipClasses)
  const specks = regions.filter((r) => r.area < minArea)
  if (specks.length) {
    const speck = new Uint8Array(regions.length + 1)
    for (const r of specks) speck[r.id] = 1
    for (let i = 0; i < ids.length; i++) if (speck[ids[i]!]) ids[i] = 0
  }
  const listed = regions
    .filter((r) => r.area >= minArea)
    .map(({ id, classIndex, area, meanConfidence, bbox: [x, y, w, h] }) => ({ id, classIndex, area, meanConfidence, bbox: { x, y, w, h } }))
  return { regions: listed, labels: ids }
}

