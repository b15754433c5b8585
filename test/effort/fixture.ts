// A small project with two model versions and images pre-filled, edited and accepted by hand,
// shared by the store, handler and CLI tests of issue #20 items 2 and 3.
import type { ProjectStore } from '../../src/main/core/store/projectStore'

export const W = 8
export const H = 6
const N = W * H

export function addImage(s: ProjectStore, name: string): number {
  return s.images.insert({ name, split: 'train', rgbPath: `${name}.png`, thermalPath: `${name}.png`, thermalChannel: 3, width: W, height: H, thermalBits: 8 })
}

/** What a pre-fill commit does for one image: proposal + confidence, and the map if nobody reviewed it. */
export function propose(s: ProjectStore, id: number, version: number, confidence: number): void {
  s.transaction(() => {
    s.proposals.put({ imageId: id, modelVersionId: version, width: W, height: H, labels: new Uint8Array(N).fill(1), confidence: null, regions: [], meanConfidence: confidence })
    s.images.setConfidence(id, confidence)
    s.annotations.replace(id, W, H, new Uint8Array(N).fill(1), 'model', version)
    s.images.setStatus(id, 'prefilled')
  })
}

/** Paints the first `pixels` pixels (row-major, whole rows then a partial one) with `label`, as one edit each row. */
export function paint(s: ProjectStore, id: number, pixels: number, label: number): void {
  for (let y = 0; y * W < pixels; y++) {
    const w = Math.min(W, pixels - y * W)
    s.annotations.applyEdit(id, `Brush ${label}`, s.annotations.state(id).head, { x: 0, y, w, h: 1 }, new Uint8Array(w).fill(label))
  }
}
