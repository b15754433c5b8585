/**
 * The inference engine: a real fall-back from a CUDA provider that cannot start to CPU with the
 * reason recorded, and a clear error when the graph disagrees with the manifest.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makePackage } from './helpers'
import { ModelEngine } from '../../src/main/core/models/runtime/engine'
import { allocSlot } from '../../src/main/core/models/pixels/preprocess'
import { OrtWorker } from '../../src/main/core/models/runtime/ortWorker'

const engines: ModelEngine[] = []
afterAll(async () => { await Promise.all(engines.map((e) => e.release())) })

describe('model engine', () => {
  it('tries CUDA when its library is present, records why it failed, and runs on CPU', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'twinlight-fakebin-'))
    writeFileSync(join(bin, 'libonnxruntime_providers_cuda.so'), 'not a library')
    const e = await ModelEngine.open(makePackage(), { platform: 'linux', arch: 'x64', binDir: bin, threads: 1 })
    engines.push(e)
    expect(e.ep.name).toBe('cpu')
    const cuda = e.ep.attempts.find((a) => a.name === 'cuda')!
    expect(cuda.chosen).toBe(false)
    expect(cuda.reason).toMatch(/^session failed on CUDA: /)
    expect(e.ep.reason).toMatch(/no accelerator available \(CUDA: session failed on CUDA/)
    const out = await e.run(allocSlot(e.manifest))
    expect(out.logits.length).toBe(9 * 12 * 16)
  })

  it('names the package and the tensor when the graph disagrees with the manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twinlight-badpkg-'))
    cpSync(makePackage(), dir, { recursive: true })
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
    m.tensors.outputs.logits.name = 'scores'
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m))
    await expect(ModelEngine.open(dir, { threads: 1 })).rejects.toThrow(/Model package "test-tiny".*graph has no output "scores"/)
  })

  it('keeps the caller\'s input buffers: they travel to the worker and come back', async () => {
    const e = await ModelEngine.open(makePackage(), { threads: 1 })
    engines.push(e)
    const slot = allocSlot(e.manifest)
    slot.rgb.fill(0.25)
    const before = slot.rgb
    await e.run(slot)
    expect(before.length).toBe(0) // transferred (detached) ...
    expect(slot.rgb.length).toBe(3 * 48 * 64) // ... and returned into the slot
    expect(slot.rgb[100]).toBe(0.25)
  })

  it('runs one session.run at a time: two runs in flight do not overlap (one set of activations)', async () => {
    const pkg = makePackage()
    const m = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8'))
    const w = new OrtWorker()
    try {
      await w.open(join(pkg, m.parts.backbone), ['cpu'], { intraOpNumThreads: 1 })
      const { rgb, thermal } = m.tensors.inputs
      const feeds = (): Record<string, { data: Float32Array; dims: number[] }> => ({
        [rgb.name]: { data: new Float32Array(rgb.shape.reduce((a: number, b: number) => a * b, 1)), dims: rgb.shape },
        [thermal.name]: { data: new Float32Array(thermal.shape.reduce((a: number, b: number) => a * b, 1)), dims: thermal.shape }
      })
      const names = [m.tensors.outputs.logits.name]
      const [a, b] = await Promise.all([w.run(feeds(), names), w.run(feeds(), names)])
      expect(b.span[0]).toBeGreaterThanOrEqual(a.span[1])
    } finally {
      await w.close()
    }
  })
})
