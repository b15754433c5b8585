/**
 * X-AnyLabeling configs: a segment_anything / segment_anything_2 .yaml written next to the test
 * SAM graphs is read, its relative paths resolve against the config folder (and URLs against
 * X-AnyLabeling's download folder), and the pair is registered. X-AnyLabeling's SAM encoders take
 * raw HWC pixels in a 684x1024 canvas (sam_onnx.py): a click must come back as a disc of R / s
 * around the click, s = min(1024 / W, 684 / H), not the R / (1024 / max(W, H)) of the NCHW path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateScene } from '../../src/main/core/datasets/synthetic/scene'
import { PromptModel } from '../../src/main/core/click/promptModel'
import { canvasEncoderInput, canvasFrame } from '../../src/main/core/click/hwcEncoder'
import { readXAnyLabelingConfig } from '../../src/main/core/click/xanylabeling'
import { makeSamGraphs, type SamGraphs } from './helpers'

let g: SamGraphs
beforeAll(() => {
  g = makeSamGraphs()
})
afterAll(() => rmSync(g.dir, { recursive: true, force: true }))

function config(name: string, body: string): string {
  const p = join(g.dir, name)
  writeFileSync(p, body)
  return p
}

describe('X-AnyLabeling model configs', () => {
  it('reads a segment_anything config with paths relative to its folder', () => {
    const p = config('sam_vit_b.yaml', [
      'type: segment_anything', 'name: segment_anything_vit_b-r20230810', 'display_name: "Segment Anything (ViT-Base)"',
      'encoder_model_path: sam_hwc_encoder.onnx', 'decoder_model_path: ./sam_decoder.onnx  # local copy', 'input_size: 1024', 'max_width: 1024', 'max_height: 682'
    ].join('\n'))
    expect(readXAnyLabelingConfig(p, { cwd: '/' })).toEqual({ type: 'segment_anything', name: 'Segment Anything (ViT-Base)', encoder: g.samHwcEncoder, decoder: g.samDecoder })
  })

  it('finds a URL path in X-AnyLabeling\'s download folder, and says so when it is not there', () => {
    const home = join(g.dir, 'home')
    const p = config('sam2_tiny.yaml', [
      'type: segment_anything_2', 'name: sam2_hiera_tiny-r20240801',
      'encoder_model_path: https://github.com/CVHub520/X-AnyLabeling/releases/download/v2.5.0/sam2.1_hiera_tiny.encoder.onnx',
      'decoder_model_path: https://github.com/CVHub520/X-AnyLabeling/releases/download/v2.5.0/sam2.1_hiera_tiny.decoder.onnx'
    ].join('\n'))
    expect(() => readXAnyLabelingConfig(p, { home })).toThrow(/encoder_model_path is a download URL.*xanylabeling_data.*does not download/)
    const dir = join(home, 'xanylabeling_data', 'models', 'sam2_hiera_tiny-r20240801')
    mkdirSync(dir, { recursive: true })
    copyFileSync(g.sam2Encoder, join(dir, 'sam2.1_hiera_tiny.encoder.onnx'))
    copyFileSync(g.sam2Decoder, join(dir, 'sam2.1_hiera_tiny.decoder.onnx'))
    const r = readXAnyLabelingConfig(p, { home })
    expect(r.type).toBe('segment_anything_2')
    expect(r.encoder).toBe(join(dir, 'sam2.1_hiera_tiny.encoder.onnx'))
  })

  it('refuses other model types with a sentence naming the type', () => {
    const hq = config('sam_hq.yaml', 'type: sam_hq\nname: sam_hq_vit_b\nencoder_model_path: a.onnx\ndecoder_model_path: b.onnx\n')
    expect(() => readXAnyLabelingConfig(hq)).toThrow(/model type "sam_hq" is not supported \(its decoder also reads interm_embeddings\)/)
    const yolo = config('yolo.yaml', 'type: yolov8\nname: yolov8n\nmodel_path: yolov8n.onnx\n')
    expect(() => readXAnyLabelingConfig(yolo)).toThrow(/yolo\.yaml: X-AnyLabeling model type "yolov8" is not supported/)
    const missing = config('broken.yaml', 'type: segment_anything\nname: x\nencoder_model_path: nowhere.onnx\ndecoder_model_path: sam_decoder.onnx\n')
    expect(() => readXAnyLabelingConfig(missing, { cwd: '/' })).toThrow(/broken\.yaml: encoder_model_path "nowhere\.onnx" was not found/)
  })

  it('canvas input is cv2.warpAffine at scale s, top-left, border 0', () => {
    // 2x2 image into a 4x3 canvas: s = min(4/2, 3/2) = 1.5
    const img = Uint8Array.from([0, 0, 0, 90, 90, 90, 30, 30, 30, 120, 120, 120])
    const f = canvasFrame(2, 2, 4, 3)
    expect(f).toMatchObject({ frameW: 4, frameH: 3, validW: 3, validH: 3, canvasSized: true })
    const x = canvasEncoderInput(img, f)
    const grey = Array.from({ length: 12 }, (_, i) => x[i * 3]!)
    // dst (x, y) samples src (x/1.5, y/1.5) at 1/32 px (2/3 → 21/32); taps past the image read 0
    expect(grey).toEqual([0, 59, 59, 0, 20, 79, 72, 0, 20, 58, 52, 0])
  })

  it('an X-AnyLabeling SAM encoder (HWC canvas) turns a click into a disc around the click', async () => {
    const W = 640, H = 480
    const scene = generateScene(3, { width: W, height: H })
    const m = await PromptModel.open('xal-sam', g.samHwcEncoder, g.samDecoder, { threads: 1 })
    try {
      const emb = await m.encode({ width: W, height: H, rgb: scene.rgb, thermal: scene.thermal }, 'rgb')
      expect(emb.tensors.image_embeddings!.dims).toEqual([1, 256, 64, 64])
      const r = await m.decode(emb, [{ x: 300, y: 200, label: 1 }])
      const s = Math.min(1024 / W, 684 / H) // 1.425
      const radius = 64 / s
      const [bx, by, bw, bh] = r.mask.bbox
      expect(Math.abs(bw - 2 * radius)).toBeLessThanOrEqual(3)
      expect(Math.abs(bh - 2 * radius)).toBeLessThanOrEqual(3)
      expect(Math.abs(bx + bw / 2 - 300)).toBeLessThan(2)
      expect(Math.abs(by + bh / 2 - 200)).toBeLessThan(2)
    } finally {
      await m.release()
    }
  })
})
