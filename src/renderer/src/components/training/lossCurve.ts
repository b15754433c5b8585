/** Loss-curve geometry for the fine-tune panel: pure, so it is tested without a browser. */
export interface CurvePoint {
  step: number
  loss: number
}

/**
 * SVG polyline points for a loss curve in a width × height box (y down), steps mapped over
 * [0, totalSteps] and loss over [0, max loss seen]. Empty string for no points.
 */
export function curvePoints(points: CurvePoint[], totalSteps: number, width: number, height: number, pad = 4): string {
  if (!points.length) return ''
  const maxStep = Math.max(totalSteps, points[points.length - 1]!.step, 1)
  let maxLoss = 0
  for (const p of points) if (Number.isFinite(p.loss)) maxLoss = Math.max(maxLoss, p.loss)
  if (maxLoss <= 0) maxLoss = 1
  const w = width - 2 * pad
  const h = height - 2 * pad
  return points
    .filter((p) => Number.isFinite(p.loss))
    .map((p) => `${(pad + (w * p.step) / maxStep).toFixed(1)},${(pad + h - (h * p.loss) / maxLoss).toFixed(1)}`)
    .join(' ')
}

/** "+0.1234" / "−0.0100" / "—" for an IoU difference. */
export function delta(parent: number | null, candidate: number | null): string {
  if (parent === null || candidate === null) return '—'
  const d = candidate - parent
  return `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(4)}`
}
