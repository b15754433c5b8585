/**
 * Settings that outlive a session through the composition root: the feature-cache cap set with
 * getCacheStats({capMb}) and the LoRA tier's pythonPath are read back by the next workstation on
 * the same data folder.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { writeFileSync, chmodSync } from 'node:fs'
import { join } from 'node:path'
import { createDispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { disposeTestWorkstations, testWorkstation } from '../helpers/workstation'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()
afterAll(disposeTestWorkstations)

describe('persisted settings', () => {
  it('the cache cap and the Python path survive a restart', async () => {
    const dir = tmp()
    const data = join(dir, 'data')
    const py = join(dir, 'python3')
    writeFileSync(py, '#!/bin/sh\nexit 3\n')
    chmodSync(py, 0o755)
    const ws = testWorkstation(data)
    const api = createDispatcher(allHandlers(ws), () => {})
    expect((await api.call('getCacheStats', { capMb: 96 })).ok).toBe(true)
    expect((await api.call('setPythonPath', { path: py })).ok).toBe(true)
    await ws.dispose()
    const next = testWorkstation(data)
    expect(next.inference.cache.stats().capBytes).toBe(96 * 1024 * 1024)
    expect(next.settings.get().pythonPath).toBe(py)
  })
})
