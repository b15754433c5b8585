/**
 * SAM and SAM2 prompt models built at test time with the official tensor names load, run and give
 * masks at image size in the right place: the test decoders paint a disc of radius R (1024 frame)
 * around the prompt centre, so a click at (x, y) must come back as a disc (SAM: aspect kept) or an
 * ellipse (SAM2: stretched frame) centred at (x, y). A decoder matching neither format is refused
 * with a message naming the missing tensors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { generateScene } from '../../src/main/core/datasets/synthetic/scene'
import { PromptModel, inspectDecoder } from '../../src/main/core/click/promptModel'
import { detectDecoderFormat } from '../../src/main/core/click/formats'
import { encoderInput, promptFrame } from '../../src/main/core/click/geometry'
import { makeSamGraphs, type SamGraphs } from './helpers'

const W = 640
const H = 480
let g: SamGraphs
const scene = generateScene(7, { width: W, height: H })
const planes = { width: W, height: H, rgb: scene.rgb, thermal: scene.thermal }

beforeAll(() => {
  g = makeSamGraphs()
})
afterAll(() => rmSync(g.dir, { recursive: true, force: true }))

/** Centre and extent of a bbox crop mask. */
function centreOf(m: { bbox: [number, number, number, number]; crop: Uint8Array }): { cx: number; cy: number } {
  const [bx, by, bw] = m.bbox
  let sx = 0, sy = 0, n = 0
  for (let i = 0; i < m.crop.length; i++) if (m.crop[i]) { sx += bx + (i % bw) + 0.5; sy += by + Math.floor(i / bw) + 0.5; n++ }
  return { cx: sx / n, cy: sy / n }
}

/** Opens a test graph pair (one thread), runs the test body, always releases the sessions. */
async function withModel(id: string, encoder: string, decoder: string, body: (m: PromptModel) => Promise<void>): Promise<void> {
  const m = await PromptModel.open(id, encoder, decoder, { threads: 1 })
  try {
    await body(m)
  } finally {
    await m.release()
  }
}

describe('prompt models (SAM / SAM2 ONNX interfaces)', () => {
  it('SAM: loads, encodes a 640x480 image and turns a click into a disc at image size around the click', async () => {
    await withModel('test-sam', g.samEncoder, g.samDecoder, async (m) => {
    expect(m.format).toBe('sam')
    const emb = await m.encode(planes, 'rgb')
    expect(emb.tensors.image_embeddings!.dims).toEqual([1, 256, 64, 64])
    expect(emb.frame).toMatchObject({ frameW: 1024, frameH: 1024, validW: 1024, validH: 768 })
    const r = await m.decode(emb, [{ x: 200, y: 150, label: 1 }])
    // R = 64 in the 1024 frame = 40 px in a 640-wide image, aspect kept
    const [bx, by, bw, bh] = r.mask.bbox
    expect(Math.abs(bw - 80)).toBeLessThanOrEqual(3)
    expect(Math.abs(bh - 80)).toBeLessThanOrEqual(3)
    expect(Math.abs(r.mask.area - Math.PI * 40 * 40) / (Math.PI * 40 * 40)).toBeLessThan(0.05)
    const c = centreOf(r.mask)
    expect(Math.abs(c.cx - 200)).toBeLessThan(1.5)
    expect(Math.abs(c.cy - 150)).toBeLessThan(1.5)
    expect(bx).toBeGreaterThan(150)
    expect(by).toBeGreaterThan(100)
    expect(r.score).toBeCloseTo(0.9, 2)
    // a negative point does not move the disc; a box centres it on the box
    const neg = await m.decode(emb, [{ x: 200, y: 150, label: 1 }, { x: 400, y: 400, label: 0 }])
    expect(neg.mask.bbox).toEqual(r.mask.bbox)
    const boxed = await m.decode(emb, [], { x0: 400, y0: 300, x1: 500, y1: 380 })
    const cb = centreOf(boxed.mask)
    expect(Math.abs(cb.cx - 450)).toBeLessThan(1.5)
    expect(Math.abs(cb.cy - 340)).toBeLessThan(1.5)
    })
  })

  it('SAM2: stretched 1024x1024 frame, three masks, the best by iou_predictions, an ellipse at image size', async () => {
    await withModel('test-sam2', g.sam2Encoder, g.sam2Decoder, async (m) => {
    expect(m.format).toBe('sam2')
    const emb = await m.encode(planes, 'thermal')
    expect(Object.keys(emb.tensors).sort()).toEqual(['high_res_feats_0', 'high_res_feats_1', 'image_embed'])
    expect(emb.tensors.high_res_feats_0!.dims).toEqual([1, 32, 256, 256])
    expect(emb.tensors.high_res_feats_1!.dims).toEqual([1, 64, 128, 128])
    const r = await m.decode(emb, [{ x: 320, y: 240, label: 1 }])
    // the middle mask (R = 64) has the best score: 40 px wide, 30 px tall in 640x480
    expect(r.score).toBeCloseTo(0.9, 2)
    const [, , bw, bh] = r.mask.bbox
    expect(Math.abs(bw - 80)).toBeLessThanOrEqual(3)
    expect(Math.abs(bh - 60)).toBeLessThanOrEqual(3)
    const c = centreOf(r.mask)
    expect(Math.abs(c.cx - 320)).toBeLessThan(1.5)
    expect(Math.abs(c.cy - 240)).toBeLessThan(1.5)
    })
  })

  it('the encoder source setting changes what the encoder sees (rgb, thermal, blend)', async () => {
    await withModel('test-sam', g.samEncoder, g.samDecoder, async (m) => {
    const mean = async (s: 'rgb' | 'thermal' | 'blend'): Promise<number> => {
      const d = (await m.encode(planes, s)).tensors.image_embeddings!.data
      return d.reduce((a, v) => a + v, 0) / d.length
    }
    const [a, b, c] = [await mean('rgb'), await mean('thermal'), await mean('blend')]
    expect(a).not.toBeCloseTo(b, 4)
    expect(c).not.toBeCloseTo(a, 4)
    expect(c).not.toBeCloseTo(b, 4)
    })
  })

  it('SAM preprocessing: longest side 1024, SAM mean/std, zero padding bottom/right', () => {
    const img = new Uint8Array(4 * 2 * 3).fill(200)
    const f = promptFrame('sam', 4, 2, 8)
    expect(f).toMatchObject({ validW: 8, validH: 4 })
    const x = encoderInput('sam', img, f)
    expect(x[0]).toBeCloseTo((200 - 123.675) / 58.395, 5)
    expect(x[64 + 0]).toBeCloseTo((200 - 116.28) / 57.12, 5)
    expect(x[3 * 8 + 7]).toBeCloseTo((200 - 123.675) / 58.395, 5) // last valid row
    expect(x[4 * 8]).toBe(0) // padding row
    const f2 = promptFrame('sam2', 4, 2, 8)
    const x2 = encoderInput('sam2', img, f2)
    expect(x2[7 * 8 + 7]).toBeCloseTo((200 / 255 - 0.485) / 0.229, 5) // stretched, no padding
  })

  it('a decoder whose inputs match neither format is refused, naming the missing tensors', async () => {
    await expect(inspectDecoder(g.badDecoder)).rejects.toThrow(/missing tensors: mask_input, has_mask_input, orig_im_size/)
    await expect(PromptModel.open('bad', g.samEncoder, g.badDecoder)).rejects.toThrow(/Closest is SAM .*missing tensors: mask_input, has_mask_input, orig_im_size/)
    expect(() => detectDecoderFormat(['image_embed', 'high_res_feats_0', 'point_coords', 'point_labels', 'mask_input', 'has_mask_input'])).toThrow(
      /Closest is SAM2.*missing tensor: high_res_feats_1/
    )
    // an encoder that does not produce what the decoder reads is refused too
    await expect(PromptModel.open('mix', g.samEncoder, g.sam2Decoder)).rejects.toThrow(/missing output tensors image_embed, high_res_feats_0, high_res_feats_1/)
    expect((await inspectDecoder(g.sam2Decoder)).format).toBe('sam2')
  })
})

describe('mask choice', () => {
  it('follows segment-anything select_masks for 4 masks, best predicted IoU otherwise', async () => {
    const { pickIndex } = await import('../../src/main/core/click/promptModel')
    expect(pickIndex([0.99, 0.5, 0.8, 0.7], 4, 2)).toBe(2) // one click + padding: best of 1..3
    expect(pickIndex([0.1, 0.5, 0.8, 0.7], 4, 3)).toBe(0) // several points: the single-mask output
    expect(pickIndex([0.5, 0.9, 0.7], 3, 2)).toBe(1)
    expect(pickIndex([0.3], 1, 5)).toBe(0)
    expect(pickIndex([0.99, 0.5, 0.8, 0.7], 4, 0)).toBe(0) // rule off: plain best
  })
})
