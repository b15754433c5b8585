/**
 * A synthetic "model" for training tests: features that encode the class of each grid pixel, and
 * base logits from a fixed classifier that is right on unshifted images but is misled on shifted
 * ones, whose extra feature channels (off on unshifted images, like a thermal gain shift) push the
 * logits to the wrong class. A rank-r adapter can learn to cancel that push.
 */
import { join } from 'node:path'
import type { ClassInfo } from '@shared/contract/types'
import { testWorkstation } from '../helpers/workstation'
import type { Workstation } from '../../src/main/core/workstation'
import { Prng } from '../../src/main/core/training/prng'
import type { OutputsSource } from '../../src/main/core/training/outputs'
import type { ModelOutputs } from '../../src/main/core/models/features/features'

export const C = 4
export const D = 8
export const GRID = { w: 16, h: 12 }
export const IMAGE = { width: 64, height: 48 }

export const CLASSES: ClassInfo[] = [
  { index: 0, name: 'unlabeled', color: [0, 0, 0], ignore: false },
  { index: 1, name: 'car', color: [64, 0, 128], ignore: false },
  { index: 2, name: 'person', color: [64, 64, 0], ignore: false },
  { index: 3, name: 'bike', color: [0, 128, 192], ignore: false },
  { index: 4, name: 'void', color: [255, 255, 255], ignore: true }
]

/** A label map of a few rectangles on 4-pixel-aligned edges, plus an ignore-class strip. */
export function labelMap(seed: number): Uint8Array {
  const rng = new Prng(seed)
  const { width, height } = IMAGE
  const out = new Uint8Array(width * height)
  for (let r = 0; r < 5; r++) {
    const cls = 1 + rng.int(3)
    const x0 = 4 * rng.int(12)
    const y0 = 4 * rng.int(9)
    const w = 4 * (2 + rng.int(5))
    const h = 4 * (2 + rng.int(4))
    for (let y = y0; y < Math.min(height, y0 + h); y++) for (let x = x0; x < Math.min(width, x0 + w); x++) out[y * width + x] = cls
  }
  for (let x = 0; x < width; x++) out[(height - 1) * width + x] = 4
  return out
}

/** Outputs for an image: grid labels from the map, features = class code (+ shift channels) + noise. */
export function syntheticOutputs(labels: Uint8Array, shifted: boolean, seed: number): ModelOutputs {
  const rng = new Prng(seed)
  const { w, h } = GRID
  const hw = w * h
  const features = new Float32Array(D * hw)
  const logits = new Float32Array(C * hw)
  for (let gy = 0; gy < h; gy++)
    for (let gx = 0; gx < w; gx++) {
      const p = gy * w + gx
      let y = labels[(gy * 4 + 1) * IMAGE.width + gx * 4 + 1]!
      if (y >= C) y = 0
      for (let t = 0; t < D; t++) features[t * hw + p] = 0.3 * rng.normal()
      features[y * hw + p] += 2
      if (shifted) features[(C + y) * hw + p] += 2
      // Base classifier: logit_k = f_k, and the shift channel of class k votes for class (k+1) % C.
      for (let k = 0; k < C; k++) logits[k * hw + p] = features[k * hw + p]!
      for (let k = 0; k < C; k++) logits[((k + 1) % C) * hw + p] += 1.6 * features[(C + k) * hw + p]!
    }
  return { c: C, d: D, h, w, logits, features }
}

export interface SyntheticProject {
  ws: Workstation
  source: OutputsSource & { calls: number }
  baseId: number
  /** `corrupt`: the accepted mask relabels car→person→bike→car (a wrong "correction"); outputs follow the true scene. */
  addImages(n: number, opts: { split?: string; shifted: boolean; accept?: boolean; corrupt?: boolean }): number[]
}

export async function syntheticProject(dir: string): Promise<SyntheticProject> {
  const ws = testWorkstation(join(dir, 'data'))
  await ws.createProject(join(dir, 'p'), 'synthetic', CLASSES)
  const store = ws.project
  const baseId = store.models.add({ name: 'synthetic-base', kind: 'base', parentId: null, packagePath: dir })
  store.models.activate(baseId)
  const outputs = new Map<number, ModelOutputs>()
  let seq = 0
  const source = {
    calls: 0,
    async outputs(imageId: number): Promise<ModelOutputs> {
      source.calls++
      const o = outputs.get(imageId)
      if (!o) throw new Error(`no synthetic outputs for image ${imageId}`)
      return { ...o, logits: o.logits.slice(), features: o.features.slice() }
    }
  }
  return {
    ws,
    source,
    baseId,
    addImages(n, { split = 'train', shifted, accept = true, corrupt = false }) {
      const ids: number[] = []
      for (let i = 0; i < n; i++) {
        const k = ++seq
        const id = store.images.insert({ name: `img${String(k).padStart(4, '0')}`, split, rgbPath: `rgb/${k}.png`, thermalPath: `th/${k}.png`, width: IMAGE.width, height: IMAGE.height, thermalBits: 8 })
        const labels = labelMap(1000 + k)
        const stored = corrupt ? labels.map((v) => (v >= 1 && v <= 3 ? 1 + (v % 3) : v)) : labels
        store.annotations.replace(id, IMAGE.width, IMAGE.height, stored, 'import', null)
        if (accept) store.annotations.accept(id)
        outputs.set(id, syntheticOutputs(labels, shifted, 5000 + k))
        ids.push(id)
      }
      return ids
    }
  }
}
