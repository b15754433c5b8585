/**
 * The published-SARTM exporter's path, end to end on a generated stand-in checkout
 * (model/tests/fake_sartm.py: SAM2 module names, SARTM's LoRA_Sam constructor and forward): the
 * package it writes loads in the app's loader, its graph matches its manifest, and onnxruntime-node
 * reproduces the PyTorch reference logits within 1e-4. Needs /usr/bin/python3 with torch + onnx
 * (Debian python3-torch python3-onnx, installed by .ci/run).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, describe, expect, it } from 'vitest'
import { loadModelPackage } from '../../src/main/core/models/package/packageLoader'
import { openBackboneSession } from '../../src/main/core/models/runtime/ort'
import { maxAbsDiff, normaliseInputs, readF32 } from './helpers'

const PY = '/usr/bin/python3'
const hasTorch = spawnSync(PY, ['-c', 'import torch, onnx'], { encoding: 'utf8' }).status === 0
const tmp = mkdtempSync(join(tmpdir(), 'twl-sartm-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe.runIf(hasTorch)('export_sartm.py on a stand-in SARTM checkout', () => {
  it('writes a package that loads, matches its graph, and has ORT/PyTorch parity ≤ 1e-4', async () => {
    const r = spawnSync(PY, ['model/tests/fake_sartm.py', tmp], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } })
    expect(r.status, r.stderr).toBe(0)
    const pkg = await loadModelPackage(join(tmp, 'package'))
    expect(pkg.manifest.name).toBe('fake-sartm-pst900')
    expect(pkg.manifest.input.policy).toBe('pad-bottom-right')
    const session = await openBackboneSession(pkg)
    try {
      const meta = JSON.parse(readFileSync(pkg.parityPath!, 'utf8')) as { files: Record<string, string> }
      const raw = new Uint8Array(readFileSync(join(pkg.dir, 'parity', meta.files.rawU8)))
      const { rgb, thermal } = normaliseInputs(raw, pkg.manifest)
      const { inputs, outputs } = pkg.manifest.tensors
      const res = await session.run({
        [inputs.rgb.name]: new ort.Tensor('float32', rgb, inputs.rgb.shape),
        [inputs.thermal.name]: new ort.Tensor('float32', thermal, inputs.thermal.shape)
      })
      const d = maxAbsDiff(res[outputs.logits.name].data as Float32Array, readF32(join(pkg.dir, 'parity', meta.files.logits)))
      const df = maxAbsDiff(res[outputs.features.name].data as Float32Array, readF32(join(pkg.dir, 'parity', meta.files.features)))
      console.log(`stand-in SARTM export: max |Δlogits| = ${d.toExponential(3)}, max |Δfeatures| = ${df.toExponential(3)}`)
      expect(d).toBeLessThanOrEqual(1e-4)
      expect(df).toBeLessThanOrEqual(1e-4)
    } finally {
      await session.release()
    }
  }, 180_000)
})
