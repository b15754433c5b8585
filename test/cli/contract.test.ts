/**
 * CLI commands go through the contract's dispatcher, as the UI does: arguments are validated by the
 * method's schema and refusals happen before a job row is written (the CLI used to start jobs on
 * the runner directly, so these only failed inside a job that then stayed in the project).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { join } from 'node:path'
import { useTmp } from '../helpers/tmp'
import { captureOutput } from '../helpers/capture'
import { makeProject } from '../models/helpers'
import { main } from '../../src/main/cli/index'
import { ProjectStore } from '../../src/main/core/store/projectStore'

const tmp = useTmp()
afterEach(() => {
  vi.restoreAllMocks()
  delete process.env.TWINLIGHT_HOME
})

async function project(): Promise<{ dir: string; path: string }> {
  const dir = tmp()
  const p = await makeProject(dir, 1)
  await p.ws.dispose()
  process.env.TWINLIGHT_HOME = join(dir, 'home')
  return { dir, path: p.projectPath }
}

function jobRows(path: string): number {
  const store = ProjectStore.open(path, { recover: false })
  try {
    return store.jobs.list().length
  } finally {
    store.close()
  }
}

describe('CLI through the contract', () => {
  it('export into the folder holding the project is refused by startExport, with no job row', async () => {
    const p = await project()
    const io = captureOutput()
    const code = await main(['export', p.path, p.dir, '--format', 'mfnet'])
    vi.restoreAllMocks()
    expect(code).toBe(1)
    expect(io.err.join('')).toContain(p.path)
    expect(jobRows(p.path)).toBe(0)
  })

  it('prefill arguments are checked by the startPrefill schema: exit 2, no job row', async () => {
    const p = await project()
    const io = captureOutput()
    const code = await main(['prefill', p.path, '--split', 'x'.repeat(65)])
    vi.restoreAllMocks()
    expect(code).toBe(2)
    expect(io.err.join('')).toMatch(/Invalid arguments for startPrefill: split/)
    expect(jobRows(p.path)).toBe(0)
  })
})
