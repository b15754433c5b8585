/**
 * One region rule (issue 16 item 6): main's stored table (pre-fill, listRegions, CLI) and the review
 * UI's region list give the same ids to the same pixels, and the fill tool relabels exactly the
 * region under the seed.
 */
import { describe, expect, it } from 'vitest'
import { regionSkipClasses, regionTable } from '../../src/main/core/prefill/regions'
import { connectedComponents } from '@shared/labelmap/components'
import { classPreset } from '../../src/main/core/classPresets'
import { mulberry32 } from '../../src/main/core/datasets/synthetic/prng'

interface UiRegions {
  regions: Array<{ id: number; classIndex: number; area: number; meanConfidence: number | null; bbox: { x: number; y: number; w: number; h: number } }>
  labels: Uint32Array
}
// The renderer's files are not part of this tsconfig project (tsconfig.node.json): loaded by path, typed here.
const lib = (name: string) => import(new URL(`../../src/renderer/src/lib/${name}.ts`, import.meta.url).pathname)
const { findRegions } = (await lib('regions')) as { findRegions: (p: Uint8Array, c: Uint8Array | null, w: number, h: number, skip: readonly number[]) => UiRegions }
const { floodFill } = (await lib('paintOps')) as { floodFill: (m: Uint8Array, w: number, h: number, x: number, y: number, v: number) => unknown }

const W = 48
const H = 32

/** Blobs of classes 1..3 on unlabeled background, an ignore-class (255) stripe and 1-pixel specks first. */
function proposal(): { labels: Uint8Array; confidence: Uint8Array } {
  const labels = new Uint8Array(W * H)
  const rnd = mulberry32(7)
  labels[1] = 2 // a speck before every blob: it takes id 1 in raster order
  labels[W + 40] = 3
  const box = (x: number, y: number, w: number, h: number, c: number) => {
    for (let yy = y; yy < y + h; yy++) labels.fill(c, yy * W + x, yy * W + x + w)
  }
  box(4, 4, 10, 6, 1)
  box(20, 3, 5, 5, 2)
  box(30, 10, 12, 8, 1)
  box(0, 20, W, 2, 255)
  box(6, 24, 9, 6, 3)
  box(10, 26, 3, 3, 1) // a hole of another class inside the class-3 box
  const confidence = Uint8Array.from({ length: W * H }, () => Math.floor(rnd() * 256))
  return { labels, confidence }
}

describe('regions, one rule for main and the review UI', () => {
  const classes = [...classPreset('mfnet'), { index: 255, name: 'ignore', color: [0, 0, 0] as [number, number, number], ignore: true }]
  const skip = regionSkipClasses(classes)
  const { labels, confidence } = proposal()

  it('the UI lists the regions of main’s table (specks hidden) under the same ids, bboxes and areas', () => {
    const stored = regionTable(labels, confidence, W, H, skip)
    const ui = findRegions(labels, confidence, W, H, skip)
    expect(stored.filter((r) => r.area === 1).map((r) => r.id)).toEqual([1, 2]) // the two specks
    expect(stored.some((r) => r.classIndex === 255 || r.classIndex === 0)).toBe(false)
    expect(ui.regions.map((r) => ({ id: r.id, classIndex: r.classIndex, area: r.area, meanConfidence: r.meanConfidence, bbox: [r.bbox.x, r.bbox.y, r.bbox.w, r.bbox.h] })))
      .toEqual(stored.filter((r) => r.area >= 16))
  })

  it('every pixel carries the id main gives it (0 for specks and skipped classes)', () => {
    const byMain = connectedComponents(labels, W, H, { connectivity: 4, skipClasses: skip }).ids
    const ui = findRegions(labels, confidence, W, H, skip)
    const listed = new Set(ui.regions.map((r) => r.id))
    for (let i = 0; i < W * H; i++) expect(ui.labels[i]).toBe(listed.has(byMain[i]!) ? byMain[i] : 0)
  })

  it('the fill tool relabels exactly the region holding the seed', () => {
    const ui = findRegions(labels, confidence, W, H, skip)
    const r = ui.regions.find((q) => q.classIndex === 3)!
    const map = labels.slice()
    floodFill(map, W, H, r.bbox.x, r.bbox.y, 9)
    for (let i = 0; i < W * H; i++) expect(map[i] === 9).toBe(ui.labels[i] === r.id)
  })
})
