/**
 * A package's parity fixture checked through onnxruntime-node: the fixture's raw input image
 * (HWC uint8 R,G,B,thermal at the input size) normalised as the manifest says, run through the
 * ONNX backbone on the CPU EP, and the logits and features compared with the PyTorch reference
 * the exporter stored. The LoRA tier refuses a package its worker wrote when this fails, and the
 * model tests run the same check on the embedded package.
 */
import { readFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import * as ort from 'onnxruntime-node'
import type { ModelManifest } from '@shared/modelPackage'
import { ModelPackageError, type LoadedModelPackage } from './packageLoader'
import { openBackboneSession } from '../runtime/ort'

interface ParityMeta {
  files: { rawU8: string; logits: string; features?: string }
  shapes: { rawU8: number[]; logits: number[]; features?: number[] }
  tolerance: number
}

export interface ParityResult {
  logitsMaxAbs: number
  featuresMaxAbs: number | null
  tolerance: number
  ok: boolean
}

function readF32(path: string): Float32Array {
  const buf = readFileSync(path)
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
}

/** raw: HWC uint8 (R, G, B, thermal) at the manifest's input size → the two input tensors (8-bit thermal only). */
export function normaliseRawU8(raw: Uint8Array, m: ModelManifest): { rgb: Float32Array; thermal: Float32Array } {
  const { width: W, height: H } = m.input
  const { rgb: rn, thermal: tn } = m.normalisation
  if (tn.bits !== 8) throw new ModelPackageError(m.name, 'the parity check handles 8-bit thermal packages only')
  const f = Math.fround
  const plane = W * H
  if (raw.length !== plane * 4) throw new ModelPackageError(m.name, `parity input holds ${raw.length} bytes, expected ${plane * 4} (${W}x${H}x4)`)
  const rgb = new Float32Array(3 * plane)
  const tc = tn.replicateTo3 ? 3 : 1
  const thermal = new Float32Array(tc * plane)
  const rs = f(rn.scale)
  const ts = f(tn.scale)
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) rgb[c * plane + p] = f(f(f(raw[p * 4 + c]! * rs) - f(rn.mean[c]!)) / f(rn.std[c]!))
    const t = f(f(f(raw[p * 4 + 3]! * ts) - f(tn.mean)) / f(tn.std))
    for (let c = 0; c < tc; c++) thermal[c * plane + p] = t
  }
  return { rgb, thermal }
}

function maxAbsDiff(a: Float32Array, b: Float32Array, what: string, name: string): number {
  if (a.length !== b.length) throw new ModelPackageError(name, `parity ${what}: ${a.length} values from ONNX Runtime, ${b.length} in the fixture`)
  let m = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!)
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d
  }
  return m
}

/** Runs the package's parity fixture; throws ModelPackageError when the package has none. */
export async function checkParity(pkg: LoadedModelPackage, opts: { threads?: number } = {}): Promise<ParityResult> {
  if (!pkg.parityPath) throw new ModelPackageError(pkg.manifest.name, 'the package has no parity fixture (manifest "parity")')
  const meta = JSON.parse(readFileSync(pkg.parityPath, 'utf8')) as ParityMeta
  const dir = dirname(pkg.parityPath)
  const raw = new Uint8Array(readFileSync(join(dir, meta.files.rawU8)))
  const { rgb, thermal } = normaliseRawU8(raw, pkg.manifest)
  const session = await openBackboneSession(pkg, { threads: opts.threads ?? 1 })
  try {
    const { inputs, outputs } = pkg.manifest.tensors
    const res = await session.run({
      [inputs.rgb.name]: new ort.Tensor('float32', rgb, inputs.rgb.shape),
      [inputs.thermal.name]: new ort.Tensor('float32', thermal, inputs.thermal.shape)
    })
    const name = pkg.manifest.name
    const logitsMaxAbs = maxAbsDiff(res[outputs.logits.name]!.data as Float32Array, readF32(join(dir, meta.files.logits)), 'logits', name)
    const featuresMaxAbs = meta.files.features ? maxAbsDiff(res[outputs.features.name]!.data as Float32Array, readF32(join(dir, meta.files.features)), 'features', name) : null
    const tolerance = Math.min(meta.tolerance ?? 1e-4, 1e-4)
    return { logitsMaxAbs, featuresMaxAbs, tolerance, ok: logitsMaxAbs <= tolerance && (featuresMaxAbs === null || featuresMaxAbs <= tolerance) }
  } finally {
    await session.release()
  }
}
