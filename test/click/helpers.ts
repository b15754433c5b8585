import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const SCRIPT = join(import.meta.dirname, 'fixtures', 'make_sam_graphs.py')
/** Debian's python3 with the onnx package (a pyenv python3 on PATH may lack it). */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'

export interface SamGraphs {
  dir: string
  samEncoder: string
  samDecoder: string
  /** X-AnyLabeling-style SAM encoder: input_image [684,1024,3] raw pixels. */
  samHwcEncoder: string
  sam2Encoder: string
  sam2Decoder: string
  badDecoder: string
}

/** Builds the small SAM/SAM2 graphs (official tensor names) into a fresh temp folder. */
export function makeSamGraphs(dir = mkdtempSync(join(tmpdir(), 'twinlight-sam-'))): SamGraphs {
  execFileSync(PYTHON, [SCRIPT, dir], { stdio: 'pipe', env: { ...process.env, OMP_NUM_THREADS: '1' } })
  return {
    dir,
    samEncoder: join(dir, 'sam_encoder.onnx'),
    samDecoder: join(dir, 'sam_decoder.onnx'),
    samHwcEncoder: join(dir, 'sam_hwc_encoder.onnx'),
    sam2Encoder: join(dir, 'sam2_encoder.onnx'),
    sam2Decoder: join(dir, 'sam2_decoder.onnx'),
    badDecoder: join(dir, 'bad_decoder.onnx')
  }
}

/** Decoded crop → full-size mask. */
export function expandCrop(crop: Uint8Array, bbox: { x: number; y: number; w: number; h: number }, width: number, height: number): Uint8Array {
  const m = new Uint8Array(width * height)
  for (let y = 0; y < bbox.h; y++) m.set(crop.subarray(y * bbox.w, (y + 1) * bbox.w), (bbox.y + y) * width + bbox.x)
  return m
}

/** A minimal model package with a SAM2-interface prompt decoder (fixtures/make_prompt_package.py). */
export function makePromptPackage(dir = mkdtempSync(join(tmpdir(), 'twinlight-ppkg-'))): string {
  execFileSync(PYTHON, [join(import.meta.dirname, 'fixtures', 'make_prompt_package.py'), dir], { stdio: 'pipe' })
  return dir
}
