/**
 * Review-effort figures read from the audit trail (revisions): the correction trend per model
 * version (issue #20 item 3, docs/effort.md). Read-only; works on a reader's connection.
 */
import type { Db } from './db'
import type { CorrectionTrendPoint } from '@shared/contract/methods/effort'

/**
 * Per (image, version): the pixels its acceptances recorded as edited (an accept records the edits
 * since the image's previous revision, so re-accepting adds only the new ones), over the image's
 * pixels, capped at 1. Then the mean per version.
 */
const PER_VERSION = `
WITH per_image AS (
  SELECT model_version_id AS vid, min(1.0, sum(pixels_edited) * 1.0 / max(1, max(width * height))) AS share
  FROM revisions WHERE source = 'human'
  GROUP BY image_id, model_version_id
)
SELECT vid, count(*) AS images, avg(share) AS mean FROM per_image GROUP BY vid`

export class EffortRepo {
  constructor(private readonly db: Db) {}

  /** Every model version (oldest first, with zero images where none was accepted), then "no model" if any. */
  correctionTrend(): CorrectionTrendPoint[] {
    const rows = this.db.prepare(PER_VERSION).all() as { vid: number | null; images: number; mean: number }[]
    const byVersion = new Map(rows.map((r) => [r.vid, r]))
    const models = this.db.prepare('SELECT id, name, active FROM models ORDER BY id').all() as { id: number; name: string; active: number }[]
    const points: CorrectionTrendPoint[] = models.map((m) => {
      const r = byVersion.get(m.id)
      return { versionId: m.id, name: m.name, active: m.active === 1, images: r?.images ?? 0, meanCorrectedShare: r ? r.mean : null }
    })
    const none = byVersion.get(null)
    if (none) points.push({ versionId: null, name: 'no model', active: false, images: none.images, meanCorrectedShare: none.mean })
    return points
  }
}
