/**
 * Runs model/'s Python unit tests (reference-model properties, export_sartm.py on a stand-in
 * checkout) as part of the suite. Needs /usr/bin/python3 with Debian's python3-torch and python3-onnx.
 */
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const PY = '/usr/bin/python3'
const hasTorch = spawnSync(PY, ['-c', 'import torch, onnx'], { encoding: 'utf8' }).status === 0

describe.runIf(hasTorch)('model/ python tests', () => {
  it('python -m unittest discover -s tests passes', () => {
    const r = spawnSync(PY, ['-m', 'unittest', 'discover', '-s', 'tests'], { cwd: 'model', encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } })
    const summary = r.stderr.split('\n').filter((l) => /^(Ran |OK|FAILED)/.test(l)).join(' ')
    console.log(`model/ unittest: ${summary}`)
    expect(r.status, r.stderr.slice(-3000)).toBe(0)
    expect(summary).toMatch(/Ran \d+ tests/)
  }, 300_000)
})
