/**
 * Thermal wand on generated scenes: a click on a person grows that person (IoU against the
 * instance mask, reported), a click on the road stays off the labelled objects when RGB edges are
 * a barrier, tolerance modes, max area and 16-bit input behave as documented.
 */
import { describe, expect, it } from 'vitest'
import { generateScene, type SyntheticScene, type SceneObject } from '../../src/main/core/datasets/synthetic/scene'
import { cropMask, rgbEdgeMagnitude, thermalWand } from '@shared/labelmap/wand'

const W = 640
const H = 480

/** The object's pixel nearest its bbox centre (a click an annotator would make). */
function clickOn(s: SyntheticScene, o: SceneObject): { x: number; y: number } {
  const [bx, by, bw, bh] = o.bbox
  let best = { x: -1, y: -1, d: Infinity }
  for (let y = by; y < by + bh; y++) {
    for (let x = bx; x < bx + bw; x++) {
      if (s.instances[y * s.width + x] !== o.id) continue
      const d = (x - bx - bw / 2) ** 2 + (y - by - bh / 2) ** 2
      if (d < best.d) best = { x, y, d }
    }
  }
  return best
}

function iou(mask: Uint8Array, s: SyntheticScene, id: number): number {
  let inter = 0
  let uni = 0
  for (let i = 0; i < mask.length; i++) {
    const a = mask[i] === 1
    const b = s.instances[i] === id
    if (a && b) inter++
    if (a || b) uni++
  }
  return uni ? inter / uni : 0
}

describe('thermal wand', () => {
  const scenes = Array.from({ length: 16 }, (_, k) => generateScene(100 + k, { width: W, height: H }))

  it('a click on a person grows that person (IoU vs the instance mask)', () => {
    const thermalOnly: number[] = []
    const withEdges: number[] = []
    for (const s of scenes) {
      const edges = rgbEdgeMagnitude(s.rgb, W, H)
      for (const o of s.objects) {
        if (o.classIndex !== 2 || o.area < 150) continue
        const c = clickOn(s, o)
        const a = thermalWand({ width: W, height: H, thermal: s.thermal, ...c, tolerance: 40, maxArea: (W * H) / 4 })
        const b = thermalWand({ width: W, height: H, thermal: s.thermal, ...c, tolerance: 40, edges, edgeThreshold: 120, maxArea: (W * H) / 4 })
        expect(a.mask[c.y * W + c.x]).toBe(1)
        thermalOnly.push(iou(a.mask, s, o.id))
        withEdges.push(iou(b.mask, s, o.id))
      }
    }
    const share = (v: number[], t: number): number => v.filter((x) => x >= t).length / v.length
    const median = (v: number[]): number => [...v].sort((p, q) => p - q)[v.length >> 1]!
    console.log(
      `wand on ${thermalOnly.length} generated people: thermal only median IoU ${median(thermalOnly).toFixed(3)}, ` +
        `IoU>=0.6 on ${(100 * share(thermalOnly, 0.6)).toFixed(0)}%; with RGB edges median ${median(withEdges).toFixed(3)}, ` +
        `IoU>=0.6 on ${(100 * share(withEdges, 0.6)).toFixed(0)}%`
    )
    expect(thermalOnly.length).toBeGreaterThanOrEqual(20)
    expect(share(thermalOnly, 0.6)).toBeGreaterThanOrEqual(0.75)
    expect(share(withEdges, 0.6)).toBeGreaterThanOrEqual(0.65)
  })

  it('a click on the road does not leak across strong RGB edges onto objects', () => {
    let checked = 0
    for (const s of scenes.filter((q) => !q.night).slice(0, 6)) {
      const edges = rgbEdgeMagnitude(s.rgb, W, H)
      // a road pixel near the bottom centre, away from edges and labelled objects
      const y = H - 12
      let x = W >> 1
      while (x < W - 1 && (s.label[y * W + x] !== 0 || edges[y * W + x]! >= 20)) x++
      if (x >= W - 1) continue
      const free = thermalWand({ width: W, height: H, thermal: s.thermal, x, y, tolerance: 10 })
      const barred = thermalWand({ width: W, height: H, thermal: s.thermal, x, y, tolerance: 10, edges, edgeThreshold: 40 })
      const onObjects = (m: Uint8Array): number => m.reduce((n, v, i) => n + (v === 1 && s.label[i] !== 0 ? 1 : 0), 0)
      const leakBarred = onObjects(barred.mask)
      console.log(`road click scene ${scenes.indexOf(s)}: area ${free.area} -> ${barred.area}, pixels on labelled objects ${onObjects(free.mask)} -> ${leakBarred}`)
      expect(barred.area).toBeLessThanOrEqual(free.area)
      expect(leakBarred).toBeLessThanOrEqual(Math.max(20, 0.005 * barred.area))
      checked++
    }
    expect(checked).toBeGreaterThanOrEqual(4)
  })

  it('an RGB edge stops growth through uniform thermal, and the object outline is kept', () => {
    // Left half grey, right half white in RGB; thermal flat everywhere.
    const w = 40, h = 20
    const rgb = new Uint8Array(w * h * 3)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.fill(x < 20 ? 60 : 220, (y * w + x) * 3, (y * w + x) * 3 + 3)
    const thermal = new Uint8Array(w * h).fill(100)
    const edges = rgbEdgeMagnitude(rgb, w, h)
    const free = thermalWand({ width: w, height: h, thermal, x: 5, y: 10, tolerance: 5 })
    expect(free.area).toBe(w * h)
    const barred = thermalWand({ width: w, height: h, thermal, x: 5, y: 10, tolerance: 5, edges, edgeThreshold: 40 })
    // grows up to and including column 19 (the rim pixel on its side), never into column 21+
    for (let y = 0; y < h; y++) {
      expect(barred.mask[y * w + 18]).toBe(1)
      for (let x = 21; x < w; x++) expect(barred.mask[y * w + x]).toBe(0)
    }
    expect(barred.bbox[0]).toBe(0)
    expect(barred.bbox[0] + barred.bbox[2]).toBeLessThanOrEqual(21)
  })

  it('absolute vs relative tolerance, max area, 16-bit input and bbox/crop', () => {
    const w = 100, h = 50
    const t16 = new Uint16Array(w * h)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) t16[y * w + x] = 20000 + x * 100 // ramp along x
    const abs = thermalWand({ width: w, height: h, thermal: t16, x: 50, y: 25, tolerance: 1000 })
    expect(abs.seed).toBe(25000)
    expect(abs.bbox).toEqual([40, 0, 21, 50]) // 24000..26000 -> x 40..60
    expect(abs.area).toBe(21 * 50)
    const rel = thermalWand({ width: w, height: h, thermal: t16, x: 50, y: 25, tolerance: 0.08, toleranceMode: 'relative' })
    expect(rel.bbox).toEqual([30, 0, 41, 50]) // ±2000 -> x 30..70
    const capped = thermalWand({ width: w, height: h, thermal: t16, x: 50, y: 25, tolerance: 1000, maxArea: 300 })
    expect(capped.truncated).toBe(true)
    expect(capped.area).toBe(300)
    expect(capped.mask.reduce((n, v) => n + v, 0)).toBe(300)
    expect(capped.mask[25 * w + 50]).toBe(1)
    const crop = cropMask(abs.mask, w, abs.bbox)
    expect(crop.length).toBe(21 * 50)
    expect(crop.every((v) => v === 1)).toBe(true)
    expect(() => thermalWand({ width: w, height: h, thermal: t16, x: 100, y: 0, tolerance: 1 })).toThrow(/outside/)
  })
})
