/**
 * Regions of a proposal, one rule for main (pre-fill's stored table, `listRegions`, the CLI) and
 * the review UI, so "region 7" names the same pixels everywhere:
 *  - a region is a 4-connected component of one class (connectedComponents);
 *  - ignore-flagged classes get no regions, nor does class 0 when it is the void class
 *    ("unlabeled"/"background"/"void"/"none"): the background is not a thing a reviewer accepts;
 *  - ids are 1..N in raster order of each region's first pixel, whatever its size. The review list
 *    hides regions under REVIEW_MIN_AREA pixels (specks), but does not renumber the rest.
 */
import { connectedComponents, type Region } from './components'

/** Regions smaller than this (pixels) are left out of the review list; their ids stay reserved. */
export const REVIEW_MIN_AREA = 16

export interface RegionClass {
  index: number
  name: string
  ignore: boolean
}

export interface ProposalRegion extends Region {
  /** Mean confidence 0..1 (3 decimals) over the region's pixels; null without a confidence map. */
  meanConfidence: number | null
}

export interface ProposalRegions {
  /** Row-major region id per pixel, 0 for skipped classes. */
  ids: Uint32Array
  regions: ProposalRegion[]
}

/** The classes that get no regions (see the rule above). */
export function regionSkipClasses(classes: readonly RegionClass[]): number[] {
  const skip = classes.filter((c) => c.ignore).map((c) => c.index)
  const zero = classes.find((c) => c.index === 0)
  if (zero && !zero.ignore && /^(unlabel(l)?ed|background|void|none)$/i.test(zero.name)) skip.push(0)
  return skip
}

/** Splits a proposal into regions with area, bbox and mean confidence. */
export function proposalRegions(labels: ArrayLike<number>, confidence: ArrayLike<number> | null, width: number, height: number, skipClasses: readonly number[]): ProposalRegions {
  const { ids, regions } = connectedComponents(labels, width, height, { connectivity: 4, skipClasses })
  const sums = new Float64Array(regions.length + 1)
  if (confidence) for (let i = 0; i < ids.length; i++) if (ids[i]) sums[ids[i]!] += confidence[i]!
  return {
    ids,
    regions: regions.map((r) => ({ ...r, meanConfidence: confidence ? Math.round((sums[r.id]! / r.area / 255) * 1000) / 1000 : null }))
  }
}
