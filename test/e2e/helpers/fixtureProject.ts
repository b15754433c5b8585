/**
 * Builds a small review project for the e2e tests with the project store itself (until
 * `twinlight demo` exists): synthetic RGB + thermal PNGs (8-bit, and 16-bit for one image), each
 * pre-filled with a proposal of three regions (car, person, and a low-confidence "bike" that a
 * reviewer should reject), status `prefilled`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ProjectStore } from '../../../src/main/core/store/projectStore'
import { classMaskOf } from '../../../src/main/core/store/imagesRepo'
import { classPreset } from '../../../src/main/core/classPresets'
import { encodeGrey16Png, encodeGrey8Png, encodeRgbPng } from '../../../src/main/core/imaging/png'

export interface FixtureImage {
  name: string
  width: number
  height: number
  /** Proposal boxes [x, y, w, h] by class (MFNet: 1 car, 2 person, 3 bike). */
  boxes: Record<1 | 2 | 3, [number, number, number, number]>
}

export interface Fixture {
  projectPath: string
  images: FixtureImage[]
}

const CONF: Record<1 | 2 | 3, number> = { 1: 230, 2: 200, 3: 90 }

/**
 * Adds `n` more image rows that reuse the first image's files (a browser-scale test: the grid
 * must stay smooth with 100k rows; only the rows on screen ever load a thumbnail).
 */
export function addManyImages(projectPath: string, n: number): void {
  const store = ProjectStore.open(projectPath)
  try {
    const first = store.images.get(1)
    store.transaction(() => {
      for (let i = 0; i < n; i++) {
        const id = store.images.insert({ name: `bulk_${String(i).padStart(6, '0')}`, split: i % 10 ? 'train' : 'val', rgbPath: first.rgbPath, thermalPath: first.thermalPath, width: first.width, height: first.height, thermalBits: first.thermalBitDepth })
        // Spread confidences so the least-confident sort has something to order.
        store.images.setConfidence(id, ((i * 7919) % 1000) / 1000)
      }
    })
  } finally {
    store.close()
  }
}

export async function buildFixtureProject(dir: string, opts: { count?: number; width?: number; height?: number } = {}): Promise<Fixture> {
  const count = opts.count ?? 3
  const W = opts.width ?? 640
  const H = opts.height ?? 360
  mkdirSync(join(dir, 'data'), { recursive: true })
  const projectPath = join(dir, 'review.twinlight')
  const store = ProjectStore.create(projectPath, { name: 'e2e review', classes: classPreset('mfnet') })
  const images: FixtureImage[] = []
  try {
    for (let k = 0; k < count; k++) {
      const name = `scene_${String(k + 1).padStart(3, '0')}`
      const s = (v: number) => Math.round(v * (W / 640))
      const boxes: FixtureImage['boxes'] = {
        1: [s(60 + 20 * k), s(200), s(180), s(90)],
        2: [s(330 + 15 * k), s(140), s(50), s(150)],
        3: [s(480), s(230 - 10 * k), s(90), s(60)]
      }
      const rgb = new Uint8Array(W * H * 3)
      const sixteen = k === 1
      const thermal8 = new Uint8Array(W * H)
      const thermal16 = new Uint16Array(W * H)
      const labels = new Uint8Array(W * H)
      const conf = new Uint8Array(W * H)
      const inBox = (x: number, y: number, b: [number, number, number, number]) => x >= b[0] && x < b[0] + b[2] && y >= b[1] && y < b[1] + b[3]
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          const i = y * W + x
          const sky = y < H * 0.45
          let c: [number, number, number] = sky ? [90 + (y * 80) / H, 130 + (y * 60) / H, 200] : [70 + ((x >> 4) & 1) * 6, 72, 76]
          let t = sky ? 40 + (y * 30) / H : 90 + (x * 20) / W
          let cls = 0
          if (inBox(x, y, boxes[3])) [c, t, cls] = [[150, 150, 60], 120, 3]
          if (inBox(x, y, boxes[1])) [c, t, cls] = [[30, 80, 200], 150 + ((x - boxes[1][0]) * 40) / boxes[1][2], 1]
          if (inBox(x, y, boxes[2])) [c, t, cls] = [[230, 140, 60], 235, 2]
          rgb.set(c.map(Math.round), i * 3)
          thermal8[i] = Math.round(t)
          thermal16[i] = 27000 + Math.round(t * 20)
          labels[i] = cls
          conf[i] = cls ? CONF[cls as 1 | 2 | 3] : 250
        }
      const rgbFile = join('data', `${name}_rgb.png`)
      const thFile = join('data', `${name}_th.png`)
      writeFileSync(join(dir, rgbFile), await encodeRgbPng(rgb, W, H))
      writeFileSync(join(dir, thFile), sixteen ? await encodeGrey16Png(thermal16, W, H) : await encodeGrey8Png(thermal8, W, H))
      const id = store.images.insert({ name, split: k % 2 ? 'val' : 'train', rgbPath: rgbFile, thermalPath: thFile, width: W, height: H, thermalBits: sixteen ? 16 : 8 })
      const regions = ([1, 2, 3] as const).map((cls, r) => ({ id: r + 1, classIndex: cls, area: boxes[cls][2] * boxes[cls][3], meanConfidence: CONF[cls] / 255, bbox: boxes[cls] }))
      const mean = conf.reduce((a, v) => a + v, 0) / conf.length / 255
      store.proposals.put({ imageId: id, modelVersionId: null, width: W, height: H, labels, confidence: conf, regions, meanConfidence: mean })
      store.annotations.replace(id, W, H, labels, 'model', null)
      store.images.setClassMask(id, classMaskOf(labels))
      store.images.setConfidence(id, mean)
      store.images.setStatus(id, 'prefilled')
      images.push({ name, width: W, height: H, boxes })
    }
  } finally {
    store.close()
  }
  return { projectPath, images }
}
