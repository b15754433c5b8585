/**
 * The demo project comes with click-to-segment: createDemo registers the embedded package's prompt
 * decoder, and a second open keeps that registration instead of registering again.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createDispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { createDemo } from '../../src/main/core/datasets/jobs/demo'
import { readPromptConfig } from '../../src/main/core/click/config'
import { testWorkstation } from '../helpers/workstation'

const dir = mkdtempSync(join(tmpdir(), 'twinlight-demo-prompt-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('demo project prompt model', () => {
  it('registers the embedded package as the prompt model, once', async () => {
    const ws = testWorkstation(join(dir, 'data'))
    await createDemo(ws, join(dir, 'demo'), { count: 2 })
    const api = createDispatcher(allHandlers(ws), () => undefined)
    const r = await api.call('getPromptModel', {})
    if (!r.ok) throw new Error(r.error.message)
    expect(r.result).toMatchObject({ name: 'tiny-sartm' })
    const first = readPromptConfig(ws.project)!
    await ws.closeProject()
    await createDemo(ws, join(dir, 'demo'), { count: 2 })
    expect(readPromptConfig(ws.project)!.addedAt).toBe(first.addedAt)
    await ws.closeProject()
  })
})
