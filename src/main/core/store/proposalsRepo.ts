import type { Db } from './db'
import { deflateLabels, inflateLabels } from './labelCodec'

export interface Region {
  id: number
  classIndex: number
  area: number
  meanConfidence: number
  bbox: [number, number, number, number]
}

/** Model proposals per image and model version: labels, confidence (uint8, 255 = 1.0) and regions. */
export class ProposalsRepo {
  constructor(private readonly db: Db) {}

  put(p: { imageId: number; modelVersionId: number | null; width: number; height: number; labels: Uint8Array; confidence: Uint8Array | null; regions: Region[]; meanConfidence: number | null }): number {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM proposals WHERE image_id = ? AND model_version_id IS ?').run(p.imageId, p.modelVersionId)
      const r = this.db
        .prepare('INSERT INTO proposals (image_id, model_version_id, width, height, labels, confidence, regions, mean_confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(p.imageId, p.modelVersionId, p.width, p.height, deflateLabels(p.labels), p.confidence ? deflateLabels(p.confidence) : null, JSON.stringify(p.regions), p.meanConfidence)
      return Number(r.lastInsertRowid)
    })()
  }

  /** The newest proposal of an image. */
  latest(imageId: number): { id: number; modelVersionId: number | null; width: number; height: number; labels: Uint8Array; confidence: Uint8Array | null; regions: Region[]; meanConfidence: number | null } | null {
    const r = this.db.prepare('SELECT * FROM proposals WHERE image_id = ? ORDER BY id DESC LIMIT 1').get(imageId) as
      | { id: number; model_version_id: number | null; width: number; height: number; labels: Buffer; confidence: Buffer | null; regions: string; mean_confidence: number | null }
      | undefined
    if (!r) return null
    const n = r.width * r.height
    return {
      id: r.id,
      modelVersionId: r.model_version_id,
      width: r.width,
      height: r.height,
      labels: inflateLabels(r.labels, n, `proposal of image ${imageId}`),
      confidence: r.confidence ? inflateLabels(r.confidence, n, `confidence of image ${imageId}`) : null,
      regions: JSON.parse(r.regions) as Region[],
      meanConfidence: r.mean_confidence
    }
  }

  latestDeflated(imageId: number, which: 'labels' | 'confidence'): { width: number; height: number; data: Buffer } | null {
    const r = this.db.prepare(`SELECT width, height, ${which} AS data FROM proposals WHERE image_id = ? ORDER BY id DESC LIMIT 1`).get(imageId) as
      | { width: number; height: number; data: Buffer | null }
      | undefined
    return r && r.data ? { width: r.width, height: r.height, data: r.data } : null
  }
}
