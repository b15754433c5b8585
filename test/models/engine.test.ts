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
})
