/**
 * The composition root (src/main/core/app.ts): createWorkstation registers every job, each
 * workstation owns its engines, stage threads, feature cache and click state (none is shared
 * through module state), and one dispose() releases all of them and closes the project.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { useTmp } from '../helpers/tmp'
import { disposeTestWorkstations, testWorkstation } from '../helpers/workstation'
import { makePackage, makeProject } from '../models/helpers'
import { createDispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { ensureBaseModel } from '../../src/main/core/models/versions/modelVersions'
import { modelImageSource } from '../../src/main/core/models/pixels/imageInput'
import { allocSlot } from '../../src/main/core/models/pixels/preprocess'

const tmp = useTmp()
afterAll(() => disposeTestWorkstations())

describe('createWorkstation', () => {
  it('registers every job kind: a pre-fill started through the dispatcher runs to done', async () => {
    const p = await makeProject(tmp(), 2)
    const vid = await ensureBaseModel(p.ws.project, makePackage())
    const api = createDispatcher(allHandlers(p.ws), () => undefined)
    const started = await api.call('startPrefill', { modelVersionId: vid })
    expect(started.ok).toBe(true)
    const job = await p.ws.jobs.wait((started as { result: { id: number } }).result.id)
    expect(job.state).toBe('done')
    await p.ws.dispose()
  })

  it('gives each workstation its own state, and dispose releases only its own', async () => {
    const p = await makeProject(tmp(), 1)
    const other = testWorkstation(join(tmp(), 'other-data'))
    const dir = makePackage()
    const mine = await p.ws.inference.engines.get(dir)
    const theirs = await other.inference.engines.get(dir)
    expect(theirs).not.toBe(mine)
    expect(other.inference.cache).not.toBe(p.ws.inference.cache)
    expect(other.click).not.toBe(p.ws.click)
    const stages = p.ws.stages.get(1)
    expect(other.stages.get(1)).not.toBe(stages)
    const m = mine.manifest
    expect((await stages.prepare(m, modelImageSource(p.ws.project, p.ids[0]!, false), allocSlot(m))).outcome.ok).toBe(true)

    await p.ws.dispose()
    expect(p.ws.hasProject).toBe(false)
    expect(mine.alive).toBe(false)
    await expect(stages.prepare(m, { rgbFile: 'x', thermalFile: 'x' } as never, allocSlot(m))).rejects.toThrow(/stage pool is closed/)
    expect(theirs.alive).toBe(true)
    // the project's lock went with it: another workstation opens the file as a writer
    await other.openProject(p.projectPath)
    expect(other.project.path).toBe(p.projectPath)
    await other.dispose()
    expect(theirs.alive).toBe(false)
  })
})
