/**
 * The image list and correction trend `twinlight info` prints (issue #20 items 2, 3): kept apart
 * from the command so info.ts stays a short list of sections.
 */
import type { ProjectStore } from '../../core/store/projectStore'
import type { ImageRow } from '@shared/contract/types'
import type { CorrectionTrendPoint } from '@shared/contract/methods/effort'
import { ApiError } from '@shared/contract/errors'

export const infoOrders = ['name', 'uncertainty'] as const
export type InfoOrder = (typeof infoOrders)[number]

export function parseOrder(v: string | undefined): InfoOrder | null {
  if (v === undefined) return null
  if (!(infoOrders as readonly string[]).includes(v)) throw new ApiError('invalid_argument', `--order must be one of ${infoOrders.join(', ')} (got "${v}").`)
  return v as InfoOrder
}

/** The first `limit` images in the order, one line each: name, status, confidence (* = another version's proposal). */
export function imageLines(store: ProjectStore, order: InfoOrder, limit: number): { lines: string[]; items: ImageRow[] } {
  const page = store.images.list(0, limit, {}, order)
  const active = store.models.active()?.id ?? null
  const title = `images by ${order === 'name' ? 'name' : 'uncertainty (least confident proposal of the active version first)'}, ${page.items.length} of ${page.total}:`
  const rows = page.items.map((r) => {
    const conf = r.confidence === null ? 'no proposal' : `${(r.confidence * 100).toFixed(1)}%${r.proposalVersionId === active ? '' : ` * (version ${r.proposalVersionId ?? 'none'}, not active)`}`
    return `  ${r.id} ${r.name}  ${r.status}  ${conf}`
  })
  return { lines: [title, ...rows], items: page.items }
}

/** One line per version: the mean share of pixels corrected on the images accepted under it. */
export function trendLines(points: CorrectionTrendPoint[]): string[] {
  if (!points.some((p) => p.images > 0)) return ['correction trend: (no image accepted in review yet)']
  return [
    'correction trend (mean share of pixels corrected per accepted image, by the version whose proposal it held):',
    ...points.map((p) => `  ${p.versionId ?? '-'} ${p.name}${p.active ? ' (active)' : ''}: ${p.meanCorrectedShare === null ? 'no accepted images' : `${(p.meanCorrectedShare * 100).toFixed(1)}% of ${p.images} image${p.images === 1 ? '' : 's'}`}`)
  ]
}
