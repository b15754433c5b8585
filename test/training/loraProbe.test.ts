/**
 * The LoRA tier's Python discovery and probe (training/lora/pythonProbe.ts): which interpreter is
 * chosen (setting > TWINLIGHT_PYTHON > /usr/bin/python3 > python3 on PATH), a probe that hangs
 * (timed out), one that dies without an answer (its stderr in the reason), and the per-path cache.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { choosePython, PythonProbe, runProbe } from '../../src/main/core/training/lora/pythonProbe'
import { useTmp } from '../helpers/tmp'
import { fakePython } from './loraFake'

const tmp = useTmp()
const saved = process.env.TWINLIGHT_PYTHON
afterEach(() => {
  if (saved === undefined) delete process.env.TWINLIGHT_PYTHON
  else process.env.TWINLIGHT_PYTHON = saved
})

describe('Python discovery', () => {
  it('the setting beats TWINLIGHT_PYTHON, which beats the default', () => {
    const dir = tmp()
    const a = fakePython(dir, 'ok')
    process.env.TWINLIGHT_PYTHON = a
    expect(choosePython(null)).toEqual({ python: a, source: 'env' })
    expect(choosePython('/nope/python')).toMatchObject({ python: null, source: 'settings', missing: expect.stringContaining('/nope/python') })
    process.env.TWINLIGHT_PYTHON = 'node'
    expect(choosePython(null)).toMatchObject({ source: 'env', python: expect.stringMatching(/[/\\]node$/) })
    delete process.env.TWINLIGHT_PYTHON
    expect(choosePython(null).source).toBe('default')
  })

  it('a probe that hangs is reported as timed out; one that dies gives its stderr', async () => {
    const dir = tmp()
    const script = join(dir, 'w.py')
    writeFileSync(script, '')
    const hang = await runProbe(fakePython(dir, 'probe-hang'), script, 300)
    expect(hang).toMatchObject({ ok: false, reason: expect.stringMatching(/timed out/) })
    const dead = await runProbe(fakePython(dir, 'probe-garbage'), script)
    expect(dead).toMatchObject({ ok: false, reason: expect.stringMatching(/code 139.*Segmentation fault/) })
  })

  it('caches per interpreter: the same path is probed once, a new path afresh', async () => {
    const dir = tmp()
    const script = join(dir, 'w.py')
    writeFileSync(script, '')
    const probe = new PythonProbe(() => script)
    const ok = fakePython(join(dir, 'a'), 'ok')
    const t0 = Date.now()
    expect((await probe.status(ok)).available).toBe(true)
    const first = Date.now() - t0
    const t1 = Date.now()
    expect((await probe.status(ok)).available).toBe(true)
    expect(Date.now() - t1).toBeLessThan(Math.max(5, first))
    const missing = fakePython(join(dir, 'b'), 'probe-missing-torch')
    const st = await probe.status(missing)
    expect(st).toMatchObject({ available: false, python: missing, reason: expect.stringContaining("No module named 'torch'") })
  })
})

describe('a worker an app kill left running', () => {
  it('is killed before a resume when its command line names the job folder; another pid is left alone', async () => {
    const { spawn } = await import('node:child_process')
    const { killOrphanWorker } = await import('../../src/main/core/training/lora/loraWorker')
    const dir = tmp()
    const orphan = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', '--job', dir], { stdio: 'ignore' })
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
    try {
      await new Promise((r) => setTimeout(r, 200))
      writeFileSync(join(dir, 'app-worker.pid'), String(other.pid))
      expect(killOrphanWorker(dir)).toBe(false)
      writeFileSync(join(dir, 'app-worker.pid'), String(orphan.pid))
      const gone = new Promise((r) => orphan.on('exit', (_c, sig) => r(sig)))
      expect(killOrphanWorker(dir)).toBe(process.platform === 'linux')
      if (process.platform === 'linux') expect(await gone).toBe('SIGKILL')
      expect(other.exitCode).toBeNull()
    } finally {
      orphan.kill('SIGKILL')
      other.kill('SIGKILL')
    }
  })
})
