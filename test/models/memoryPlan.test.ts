/**
 * Memory plan of an ONNX Runtime session (memoryPlan.ts): settings from the package size, input
 * size and free memory; a package that cannot fit is refused with the numbers before a session opens.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { makePackage } from './helpers'
import { ModelEngine } from '../../src/main/core/models/runtime/engine'
import { availableMemoryBytes, estimatePeakBytes, HEADROOM_BYTES, MemoryRefusal, planMemory, planSessionOptions } from '../../src/main/core/models/runtime/memoryPlan'

const MB = 1024 ** 2
const GB = 1024 ** 3

afterEach(() => { delete process.env.TWINLIGHT_FREE_MEMORY_BYTES })

describe('memory plan', () => {
  it('keeps full optimisation, arena and memory pattern for a small package', () => {
    const p = planMemory({ modelBytes: 2 * MB, inputPixels: 512 * 384, freeBytes: 8 * GB, threads: 2 })
    expect(p.kind).toBe('small')
    expect(planSessionOptions(p)).toMatchObject({ graphOptimizationLevel: 'extended', enableCpuMemArena: true, enableMemPattern: true, intraOpNumThreads: 2 })
  })

  it('turns optimisation, arena and memory pattern off for a 309 MB package at 1280', () => {
    const p = planMemory({ modelBytes: 309 * MB, inputPixels: 1280 * 1280, freeBytes: 20 * GB, threads: 1 })
    expect(p.kind).toBe('lean')
    expect(planSessionOptions(p)).toMatchObject({ graphOptimizationLevel: 'disabled', enableCpuMemArena: false, enableMemPattern: false, intraOpNumThreads: 1 })
    expect(p.estimatedPeakBytes).toBe(estimatePeakBytes(309 * MB, 1280 * 1280, 'lean'))
    expect(p.reason).toMatch(/309 MB model/)
  })

  it('goes lean for a small package when free memory is short', () => {
    const need = estimatePeakBytes(2 * MB, 512 * 384, 'small')
    expect(planMemory({ modelBytes: 2 * MB, inputPixels: 512 * 384, freeBytes: need + HEADROOM_BYTES - 1, threads: 1 }).kind).toBe('lean')
  })

  it('refuses a package that cannot fit, with what it needs and what is free', () => {
    let err: unknown
    try {
      planMemory({ modelBytes: 309 * MB, inputPixels: 1280 * 1280, freeBytes: 8 * GB, threads: 1, name: 'sartm-pst900' })
    } catch (e) { err = e }
    expect(err).toBeInstanceOf(MemoryRefusal)
    const r = err as MemoryRefusal
    expect(r.message).toMatch(/^Model package "sartm-pst900" needs about \d+\.\d GB of memory \(309 MB of weights at 1280x1280 input.*but only 8\.0 GB is free; close other programs or choose a smaller package\.$/)
    expect(r.neededBytes).toBeGreaterThan(r.freeBytes)
  })

  it('scales activations with model size: the embedded-size model needs far less than the 1280 package', () => {
    const tiny = estimatePeakBytes(2 * MB, 512 * 384, 'lean')
    expect(tiny).toBeLessThan(64 * MB)
    expect(estimatePeakBytes(309 * MB, 1280 * 1280, 'lean')).toBeGreaterThan(15 * GB)
    expect(planMemory({ modelBytes: 2 * MB, inputPixels: 512 * 384, freeBytes: 1.2 * GB, threads: 1 }).kind).toBe('small')
  })

  it('reads the free memory override', () => {
    process.env.TWINLIGHT_FREE_MEMORY_BYTES = String(3 * GB)
    expect(availableMemoryBytes()).toBe(3 * GB)
    delete process.env.TWINLIGHT_FREE_MEMORY_BYTES
    expect(availableMemoryBytes()).toBeGreaterThan(0)
  })

  it('ModelEngine.open refuses before starting a session and names the package', async () => {
    process.env.TWINLIGHT_FREE_MEMORY_BYTES = String(64 * MB)
    await expect(ModelEngine.open(makePackage(), { threads: 1 })).rejects.toThrow(/^Model package "test-tiny": needs about \d+\.\d GB of memory .* but only 0\.1 GB is free; close other programs/)
  })

  it('ModelEngine.open records the plan it used', async () => {
    const e = await ModelEngine.open(makePackage(), { threads: 1 })
    try {
      expect(e.memory.kind).toBe('small')
      expect(e.memory.threads).toBe(1)
    } finally {
      await e.release()
    }
  })
})
