/**
 * The person's own evidence that fine-tuning pays off (issue #20 item 3): per model version, how
 * much of its proposals people had to correct before accepting. Definition in docs/effort.md.
 */
import { z } from 'zod'
import { method } from '../define'

export interface CorrectionTrendPoint {
  /** The version whose proposal the accepted map held; null: no model (imported labels, painted from scratch). */
  versionId: number | null
  name: string
  active: boolean
  /** Images accepted holding this version's proposal. */
  images: number
  /** Mean over those images of pixels corrected / image pixels (each capped at 1); null when images = 0. */
  meanCorrectedShare: number | null
}

export const effortMethods = {
  getCorrectionTrend: method<CorrectionTrendPoint[]>()(
    z.object({}).strict(),
    'Per model version (oldest first, then "no model"): images accepted under it and the mean share of their pixels a person corrected.'
  )
}
