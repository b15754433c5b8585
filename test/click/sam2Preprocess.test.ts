/**
 * SAM2 encoder input against X-AnyLabeling's SAM2ImageEncoder.prepare_input (__base__/sam2.py):
 * x / 255 as float32, each channel resized by Pillow (mode F, bilinear) to the encoder size, then
 * ImageNet mean/std. The reference is computed by Pillow itself (/usr/bin/python3) on the same
 * pixels; rounding to 8 bits before resizing (the earlier path) is off by up to ~0.5/255.
 */
import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { encoderInput, promptFrame } from '../../src/main/core/click/geometry'
import { PYTHON } from './helpers'

const REFERENCE = `
import sys, json, numpy as np
from PIL import Image
w, h, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
img = np.frombuffer(sys.stdin.buffer.read(), dtype=np.uint8).reshape(h, w, 3)
x = img.astype(np.float32) / 255.0
planes = [np.asarray(Image.fromarray(x[:, :, c]).resize((size, size), Image.BILINEAR), dtype=np.float32) for c in range(3)]
t = np.stack(planes)
t -= np.array([0.485, 0.456, 0.406], np.float32)[:, None, None]
t /= np.array([0.229, 0.224, 0.225], np.float32)[:, None, None]
sys.stdout.buffer.write(t.astype(np.float32).tobytes())
`

describe('SAM2 preprocessing matches X-AnyLabeling', () => {
  it('float resize of x/255 per channel, ImageNet mean/std (shrink and enlarge)', () => {
    for (const [w, h, size] of [[37, 23, 16], [12, 9, 32]] as const) {
      const img = new Uint8Array(w * h * 3)
      for (let i = 0; i < img.length; i++) img[i] = (i * 7919 + (i >> 3) * 131) % 256
      const ref = new Float32Array(new Uint8Array(execFileSync(PYTHON, ['-c', REFERENCE, String(w), String(h), String(size)], { input: img })).buffer)
      const ours = encoderInput('sam2', img, promptFrame('sam2', w, h, size))
      let worst = 0
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i]! - ours[i]!))
      expect(worst).toBeLessThan(1e-4)
    }
  })
})
