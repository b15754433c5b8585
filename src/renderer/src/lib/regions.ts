import type { Rect } from './rect'

/** One connected region of the model's proposal (same class, 4-connected). */
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
  /** Per pixel: region id (1-based), 0 for unlabeled pixels and for regions below `minArea`. */
  labels: Int32Array
}

/**
 * Splits a proposal into regions so each can be accepted or rejected on its own. Computed in the
 * renderer from the proposal + confidence maps (no extra API needed); tiny specks below `minArea`
 * are left out of the list (they still belong to the mask).
 */
export function findRegions(proposal: Uint8Array, confidence: Uint8Array | null, width: number, height: number, minArea = 16): RegionTable {
  const n = width * height
  const labels = new Int32Array(n)
  const stack = new Int32Array(n)
  const regions: ProposalRegion[] = []
  let next = 1
  for (let s = 0; s < n; s++) {
    const cls = proposal[s]
    if (cls === 0 || labels[s] !== 0) continue
    const id = next++
    let top = 0
    stack[top++] = s
    labels[s] = id
    let area = 0, confSum = 0
    let x0 = width, y0 = height, x1 = 0, y1 = 0
    while (top > 0) {
      const i = stack[--top]
      area++
      if (confidence) confSum += confidence[i]
      const x = i % width
      const y = (i - x) / width
      if (x < x0) x0 = x
      if (x > x1) x1 = x
      if (y < y0) y0 = y
      if (y > y1) y1 = y
      const visit = (j: number) => {
        if (labels[j] === 0 && proposal[j] === cls) {
          labels[j] = id
          stack[top++] = j
        }
      }
      if (x > 0) visit(i - 1)
      if (x < width - 1) visit(i + 1)
      if (y > 0) visit(i - width)
      if (y < height - 1) visit(i + width)
    }
    regions.push({ id, classIndex: cls, area, meanConfidence: confidence ? confSum / area / 255 : null, bbox: { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 } })
  }
  // Renumber so the list a person sees is 1..k in reading order, without specks.
  const kept = regions.filter((r) => r.area >= minArea)
  const remap = new Int32Array(next)
  kept.forEach((r, k) => (remap[r.id] = k + 1))
  for (let i = 0; i < n; i++) labels[i] = remap[labels[i]]
  kept.forEach((r, k) => (r.id = k + 1))
  return { regions: kept, labels }
}

/** Sets every pixel of region `id` to `value` (reject → unlabeled, relabel → another class). */
export function paintRegion(map: Uint8Array, table: RegionTable, id: number, width: number, value: number): Rect | null {
  const r = table.regions.find((q) => q.id === id)
  if (!r) return null
  const { x, y, w, h } = r.bbox
  for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) if (table.labels[yy * width + xx] === id) map[yy * width + xx] = value
  return r.bbox
}
