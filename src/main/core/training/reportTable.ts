import type { TrainingReport } from '@shared/contract/methods/training'

const f = (v: number | null) => (v === null ? '     —' : v.toFixed(4).padStart(6))
const d = (a: number | null, b: number | null) => (a === null || b === null ? '      —' : `${b - a >= 0 ? '+' : ''}${(b - a).toFixed(4)}`.padStart(7))

/** Per-class IoU, parent vs new, as a fixed-width text table (CLI, tests, bench). */
export function iouTableText(rows: { name: string; parent: number | null; candidate: number | null }[], mIoU: { parent: number | null; candidate: number | null }, heads: [string, string] = ['parent', 'new']): string {
  const w = Math.max(10, ...rows.map((r) => r.name.length)) + 2
  const lines = [`${'class'.padEnd(w)}${heads[0].padStart(8)}${heads[1].padStart(8)}${'Δ'.padStart(9)}`]
  for (const r of rows) lines.push(`${r.name.padEnd(w)}  ${f(r.parent)}  ${f(r.candidate)}  ${d(r.parent, r.candidate)}`)
  lines.push(`${'mIoU'.padEnd(w)}  ${f(mIoU.parent)}  ${f(mIoU.candidate)}  ${d(mIoU.parent, mIoU.candidate)}`)
  return lines.join('\n')
}

export function reportText(r: TrainingReport): string {
  const t = r.timings
  return [
    `Model version ${r.modelVersionId} (parent ${r.parentId}): ${r.tier === 'head' ? `head tier (hidden width ${r.rank}, the project's ${r.classes.length} classes)` : r.tier === 'lora' ? `LoRA tier (rank ${r.rank} in the backbone, a new package with the project's classes)` : `rank ${r.rank}`}, ${r.steps} steps, seed ${r.seed}, ${r.trainImages} training images, ${r.heldOutImages} held out (${r.heldOutRule}).`,
    `Loss ${r.lossCurve[0]?.loss.toFixed(4) ?? '—'} → ${r.lossCurve.at(-1)?.loss.toFixed(4) ?? '—'}. Time ${(t.totalMs / 1000).toFixed(1)} s (${r.tier === 'lora' ? 'preparing images' : 'features'} ${(t.loadMs / 1000).toFixed(1)} s, training ${(t.trainMs / 1000).toFixed(1)} s in ${r.tier === 'lora' ? 'the Python worker' : r.mode === 'worker' ? 'a worker thread' : 'the main thread'}, evaluation ${(t.evalMs / 1000).toFixed(1)} s).`,
    r.tier === 'lora' ? 'No domain gate: the new package predicts every image.'
    : r.tier === 'head' && !r.gate ? 'Head tier, no domain gate: the head applies to every image.' : r.gate ? `Domain gate: the ${r.tier === 'head' ? 'head' : 'adapter'} applies to images within ${r.gate.radius.toFixed(2)} (RMS z) of the training images' mean features; ${r.gate.heldOutApplied}/${r.heldOutImages} held-out images passed.` : 'No domain gate: the adapter applies to every image.',
    '',
    iouTableText(r.classes, { parent: r.parentMIoU, candidate: r.candidateMIoU }),
    '',
    r.decision
  ].join('\n')
}
