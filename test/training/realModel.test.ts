/**
 * Training through the real inference layer: a small ONNX package (test/models fixture, padded
 * input policy), the synthetic generator's images, computeOutputs with its feature cache, the
 * worker thread, and pre-fill with the stored adapter, which must reproduce the report's numbers.
 */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { decodeImage } from '../../src/main/core/imaging/png'
import { ensureBaseModel } from '../../src/main/core/models/versions/modelVersions'
import { disposeTestWorkstations } from '../helpers/workstation'
import { getReport } from '../../src/main/core/training/versions'
import type { TrainJobResult } from '@shared/contract/methods/training'
import { makePackage, makeProject } from '../models/helpers'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()

/** mIoU of the images' latest proposals against their accepted masks (the same classes as the report). */
function proposalMIoU(ws: Awaited<ReturnType<typeof makeProject>>['ws'], ids: number[], classes: number[]): number {
  const store = ws.project
  const inter = new Float64Array(256)
  const union = new Float64Array(256)
  for (const id of ids) {
    const truth = store.annotations.current(id)!.labels
    const pred = store.proposals.latest(id)!.labels
    for (let i = 0; i < truth.length; i++) {
      const t = truth[i]!
      const p = pred[i]!
      if (t === p) {
        inter[t]++
        union[t]++
      } else {
        union[t]++
        union[p]++
      }
    }
  }
  const scored = classes.filter((k) => union[k]! > 0)
  return scored.reduce((s, k) => s + inter[k]! / union[k]!, 0) / scored.length
}

describe('training with the inference layer (fixture ONNX package)', () => {
  it('trains from cached backbone outputs; pre-fill with the new version reproduces the held-out scores', async () => {
    const dir = tmp()
    const pkg = makePackage({ policy: 'pad-bottom-right', inW: 64, inH: 64, classes: 9, dim: 8, seed: 3, name: 'train-fixture' })
    const p = await makeProject(dir, 16, { width: 96, height: 72, seed: 11, split: (i) => (i < 12 ? 'train' : 'test') })
    const { ws, ids, names, datasetDir } = p
    try {
      const store = ws.project
      const baseId = await ensureBaseModel(store, pkg)
      for (const [i, id] of ids.entries()) {
        const gt = await decodeImage(join(datasetDir, 'labels', `${names[i]}.png`))
        store.annotations.replace(id, gt.width, gt.height, gt.data as Uint8Array, 'human', null)
        store.annotations.accept(id)
      }
      const heldOut = ids.slice(12)
      const job = ws.jobs.start('train', { steps: 150, seed: 2, activate: 'always' })
      const done = await ws.jobs.wait(job.id)
      expect(done.state, done.error ?? '').toBe('done')
      const r = done.result as TrainJobResult
      const report = getReport(store, r.modelVersionId)
      console.log(`fixture package: parent mIoU ${report.parentMIoU?.toFixed(4)} → ${report.candidateMIoU?.toFixed(4)} (${report.mode}, ${report.timings.totalMs} ms)`)
      expect(report).toMatchObject({ baseId, parentId: baseId, trainImages: 12, heldOutImages: 4, heldOutRule: 'split', mode: 'worker', activated: true })
      // Same-domain images: the gate lets the adapter apply to every held-out image, as pre-fill does.
      expect(report.gate?.heldOutApplied).toBe(4)
      expect(report.candidateMIoU!).toBeGreaterThan(report.parentMIoU!)
      const classes = report.classes.map((c) => c.index)

      // Pre-fill the held-out images with the base, then with the new version (its stored adapter
      // applied by the inference layer): the proposals score what the report says.
      for (const [version, want] of [[baseId, report.parentMIoU!], [r.modelVersionId, report.candidateMIoU!]] as const) {
        const pf = await ws.jobs.wait(ws.jobs.start('prefill', { modelVersionId: version, imageIds: heldOut }).id)
        expect(pf.state, pf.error ?? '').toBe('done')
        // Cached features are fp16, the pre-fill's fresh ones fp32: near-ties may flip a few pixels.
        expect(Math.abs(proposalMIoU(ws, heldOut, classes) - want)).toBeLessThan(0.01)
      }
    } finally {
      await ws.closeProject()
      await disposeTestWorkstations()
    }
  })
})
