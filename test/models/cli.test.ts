/** `twinlight prefill` on a generated project: summary with images, seconds, images/s and EP. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { join } from 'node:path'
import { useTmp } from '../helpers/tmp'
import { captureOutput } from '../helpers/capture'
import { makePackage, makeProject } from './helpers'
import { main } from '../../src/main/cli/index'
import { ProjectStore } from '../../src/main/core/store/projectStore'

const tmp = useTmp()
afterEach(() => { vi.restoreAllMocks() })


describe('twinlight prefill', () => {
  it('pre-fills a project with --model and --cpu and prints the summary', async () => {
    const dir = tmp()
    const p = await makeProject(dir, 3)
    p.ws.project.images.setStatus(p.ids[0]!, 'accepted')
    await p.ws.closeProject()
    process.env.TWINLIGHT_HOME = join(dir, 'home')
    const io = captureOutput()
    const code = await main(['prefill', p.projectPath, '--model', makePackage(), '--cpu', '--only-unreviewed', '--json'])
    vi.restoreAllMocks()
    delete process.env.TWINLIGHT_HOME
    expect(code).toBe(0)
    const r = JSON.parse(io.out.join(''))
    expect(r).toMatchObject({ images: 2, prefilled: 2, proposalOnly: 0, ep: 'cpu', epReason: 'CPU forced by setting', model: 'test-tiny@0.0.1' })
    expect(r.imagesPerSecond).toBeGreaterThan(0)
    expect(io.err.join('')).toMatch(/prefill.*2\/2/) // progress bar lines
    const store = ProjectStore.open(p.projectPath, { recover: false })
    expect(store.images.counts()).toMatchObject({ prefilled: 2, accepted: 1 })
    store.close()
  })

  it('says what is wrong with a bad call', async () => {
    const io = captureOutput()
    expect(await main(['prefill'])).toBe(2)
    vi.restoreAllMocks()
    expect(io.err.join('')).toMatch(/prefill needs one project file/)
  })
})
