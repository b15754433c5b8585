/**
 * Turns the correction trend into what the uPlot chart draws (x = version index, y = percent of
 * pixels corrected) and, after drawing, the points as placed on the canvas: the Model panel keeps
 * them in a data attribute so a test (or a screen reader's table) reads what the plot shows.
 */
import type uPlot from 'uplot'
import type { CorrectionTrendPoint } from '@shared/contract/methods/effort'

export interface PlottedPoint {
  versionId: number
  name: string
  images: number
  share: number
  /** Canvas pixels of the point's centre. */
  x: number
  y: number
}

/** Model versions only (the "no model" bucket is not a step of the trend); y in percent, null = no accepted image. */
export function trendSeries(points: CorrectionTrendPoint[]): { versions: CorrectionTrendPoint[]; data: [number[], (number | null)[]] } {
  const versions = points.filter((p) => p.versionId !== null)
  return { versions, data: [versions.map((_, i) => i), versions.map((p) => (p.meanCorrectedShare === null ? null : p.meanCorrectedShare * 100))] }
}

export function plotted(chart: uPlot, versions: CorrectionTrendPoint[]): PlottedPoint[] {
  return versions.flatMap((p, i) =>
    p.meanCorrectedShare === null
      ? []
      : [{ versionId: p.versionId!, name: p.name, images: p.images, share: p.meanCorrectedShare, x: Math.round(chart.valToPos(i, 'x', true)), y: Math.round(chart.valToPos(p.meanCorrectedShare * 100, 'y', true)) }]
  )
}

/** Colours as literals: the canvas cannot read CSS variables (app.css --accent, --fg-dim, --line). */
const ACCENT = '#4c9dff'
const DIM = '#8b939e'
const LINE = '#353b44'

/** `onDraw` runs after every draw (uPlot lays the scales out after construction, so positions are known only then). */
export function trendOptions(versions: CorrectionTrendPoint[], width: number, height: number, onDraw: (u: uPlot) => void): uPlot.Options {
  const short = (s: string) => (s.length > 10 ? `${s.slice(0, 9)}…` : s)
  return {
    width,
    height,
    legend: { show: false },
    hooks: { draw: [onDraw] },
    cursor: { show: false },
    scales: {
      x: { time: false, range: () => [-0.5, Math.max(0.5, versions.length - 0.5)] },
      y: { range: (_u, _min, max) => [0, Math.max(5, Math.ceil((max ?? 0) * 1.2))] }
    },
    axes: [
      { stroke: DIM, font: '10px system-ui, sans-serif', size: 30, grid: { show: false }, ticks: { stroke: LINE }, splits: () => versions.map((_, i) => i), values: (_u, splits) => splits.map((i) => short(versions[i]?.name ?? '')) },
      { stroke: DIM, font: '10px system-ui, sans-serif', size: 42, grid: { stroke: LINE, width: 1 }, ticks: { stroke: LINE }, values: (_u, splits) => splits.map((v) => `${v}%`) }
    ],
    series: [{}, { label: 'pixels corrected', stroke: ACCENT, width: 1.5, spanGaps: true, points: { show: true, size: 8, fill: ACCENT, stroke: ACCENT } }]
  }
}
