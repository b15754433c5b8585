/**
 * The LoRA tier end to end with the REAL worker (model/lora_worker.py) and /usr/bin/python3, when
 * both are here and torch + onnx import: a few steps on real pixels, then the app's parity check,
 * evaluation and registration. Skipped with a visible reason otherwise; but in CI (env CI set) a
 * worker script that exists while the run cannot happen (no torch, no PyTorch weights in the
 * embedded package) FAILS, so the test cannot go quietly missing after the worker is merged.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TrainingReport, TrainJobResult } from '@shared/contract/methods/training'
import { getReport } from '../../src/main/core/training/versions'
import { loraWorkerScript } from '../../src/main/core/training/lora/pythonProbe'
import { disposeTestWorkstations } from '../helpers/workstation'
import { useTmp } from '../helpers/tmp'
import { loraProject } from './loraFake'

const tmp = useTmp()
afterAll(disposeTestWorkstations)

const PY = '/usr/bin/python3'
const PKG = 'resources/models/tiny-sartm'

function whyNot(): string | null {
  if (!existsSync(loraWorkerScript())) return `the worker script ${loraWorkerScript()} is not in this checkout yet`
  if (!existsSync(PY)) return `${PY} does not exist`
  const r = spawnSync(PY, ['-c', 'import torch, onnx'], { encoding: 'utf8', timeout: 60_000 })
  if (r.status !== 0) return `torch/onnx do not import in ${PY}: ${(r.stderr || '').trim().split('\n').pop()}`
  const m = JSON.parse(readFileSync(join(PKG, 'manifest.json'), 'utf8'))
  if (!m.provenance?.pytorch?.weights) return `the embedded package (${PKG}) has no provenance.pytorch.weights`
  return null
}

const reason = whyNot()
const mustRun = !!process.env.CI && existsSync(loraWorkerScript())

describe('LoRA tier with the real Python worker', () => {
  it(`runs model/lora_worker.py end to end${reason ? ` (SKIPPED: ${reason})` : ''}`, async (ctx) => {
    if (reason) {
      if (mustRun) throw new Error(`CI has the LoRA worker script but cannot run it: ${reason}. Install torch + onnx for ${PY} (or fix the package) so this test runs.`)
      console.warn(`loraReal: skipped: ${reason}`)
      ctx.skip()
      return
    }
    const dir = tmp()
    const p = await loraProject(dir, PKG)
    const ws = p.ws
    ws.settings.update({ pythonPath: PY })
    const t0 = Date.now()
    const done = await ws.jobs.wait(ws.jobs.start('train', { tier: 'lora', steps: 4, batch: 2, seed: 1, activate: 'always' }).id)
    expect(done.state, done.error ?? '').toBe('done')
    const r = done.result as TrainJobResult
    const report: TrainingReport = getReport(ws.project, r.modelVersionId)
    console.log(`loraReal: ${Date.now() - t0} ms, mIoU ${report.parentMIoU} → ${report.candidateMIoU}, rank ${report.rank}, loss ${JSON.stringify(report.lossCurve.slice(-2))}`)
    expect(report.tier).toBe('lora')
    expect(ws.project.models.get(r.modelVersionId).tier).toBe('lora')
    expect(existsSync(join(ws.project.models.get(r.modelVersionId).packagePath, 'pytorch', 'model.pt'))).toBe(true)
  }, 600_000)
})
