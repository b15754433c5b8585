/**
 * The effort bench's figure: mean corrective actions per image per block of K images, for each
 * review order, beside the base model's and no model's cost of the same images. Drawn as SVG and
 * rasterised to PNG with sharp (already a dependency).
 */
import { writeFileSync } from 'node:fs'
import sharp from 'sharp'
import type { Block } from './report'

interface PlotInput {
  scenario: { images: number; k: number; size: string; family: string }
  runs: Record<string, unknown>
}

const COLORS: Record<string, string> = { name: '#1f77b4', uncertainty: '#d62728', base: '#7f7f7f', none: '#bcbd22' }

type Metric = 'actions' | 'pixelsToFix'

/** One chart of a block metric per order (run and base) and no model, at vertical offset `top`. */
function panel(r: PlotInput, metric: Metric, title: string, top: number): string[] {
  const W = 1060
  const H = 420
  const L = 80
  const R = 290
  const T = top + 40
  const B = top + H - 50
  const series: { label: string; color: string; dash?: string; ys: number[] }[] = []
  for (const [order, run] of Object.entries(r.runs)) {
    const bl = (run as { blocks: Block[] }).blocks
    series.push({ label: `${order} order, base + fine-tune`, color: COLORS[order] ?? '#000', ys: bl.map((b) => b[metric].run) })
    series.push({ label: `${order} order, base model only`, color: COLORS[order] ?? '#000', dash: '6 4', ys: bl.map((b) => b[metric].base) })
  }
  const first = Object.entries(r.runs)[0] as [string, { blocks: Block[] }] | undefined
  if (first) series.push({ label: `no model (click + brush), ${first[0]} order`, color: COLORS.none!, dash: '2 3', ys: first[1].blocks.map((b) => b[metric].none) })
  const n = Math.max(...series.map((s) => s.ys.length), 1)
  const ymax = Math.max(1, ...series.flatMap((s) => s.ys)) * 1.1
  const x = (i: number) => L + ((W - L - R) * (n === 1 ? 0.5 : i / (n - 1)))
  const y = (v: number) => T + (B - T) * (1 - v / ymax)
  const parts: string[] = []
  for (let t = 0; t <= 5; t++) {
    const v = (ymax * t) / 5
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${L - 8}" y="${y(v) + 4}" font-size="12" text-anchor="end" font-family="sans-serif">${v >= 100 ? v.toFixed(0) : v.toFixed(1)}</text>`)
  }
  for (let i = 0; i < n; i++) parts.push(`<text x="${x(i)}" y="${B + 18}" font-size="12" text-anchor="middle" font-family="sans-serif">${i * r.scenario.k + 1}–${(i + 1) * r.scenario.k}</text>`)
  parts.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${B}" stroke="#333"/><line x1="${L}" x2="${W - R}" y1="${B}" y2="${B}" stroke="#333"/>`)
  parts.push(`<text x="${(L + W - R) / 2}" y="${B + 38}" font-size="13" text-anchor="middle" font-family="sans-serif">images in review order (block of ${r.scenario.k}; one fine-tune round after each block)</text>`)
  parts.push(`<text x="20" y="${(T + B) / 2}" font-size="13" text-anchor="middle" font-family="sans-serif" transform="rotate(-90 20 ${(T + B) / 2})">${title}</text>`)
  series.forEach((s, k) => {
    const pts = s.ys.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : ''
    parts.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="${s.dash ? 1.8 : 2.5}"${dash}/>`)
    for (const [i, v] of s.ys.entries()) parts.push(`<circle cx="${x(i)}" cy="${y(v)}" r="3" fill="${s.color}"/>`)
    const ly = T + 10 + k * 22
    parts.push(`<line x1="${W - R + 12}" x2="${W - R + 40}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"${dash}/><text x="${W - R + 46}" y="${ly + 4}" font-size="11" font-family="sans-serif">${s.label}</text>`)
  })
  return parts
}

export async function renderPlot(r: PlotInput, file: string): Promise<void> {
  const W = 1060
  const H = 860
  const parts = [`<rect width="${W}" height="${H}" fill="white"/>`]
  parts.push(`<text x="${W / 2}" y="26" font-size="15" text-anchor="middle" font-family="sans-serif">Simulated annotator: ${r.scenario.images} ${r.scenario.family.startsWith('PST') ? 'PST900-like indoor' : 'shifted street'} images ${r.scenario.size}, fine-tune every ${r.scenario.k}</text>`)
  parts.push(...panel(r, 'actions', 'mean corrective actions per image', 10), ...panel(r, 'pixelsToFix', 'mean pixels to fix per image', 430))
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${parts.join('')}</svg>`
  writeFileSync(file, await sharp(Buffer.from(svg)).png().toBuffer())
}

// Redraw from a results file: npx tsx bench/effort/plot.ts bench/results/effort.json docs/effort-curves.png
if (process.argv[1] && process.argv[1].endsWith('plot.ts') && process.argv[2]) {
  const { readFileSync } = await import('node:fs')
  await renderPlot(JSON.parse(readFileSync(process.argv[2], 'utf8')) as PlotInput, process.argv[3] ?? 'docs/effort-curves.png')
}
