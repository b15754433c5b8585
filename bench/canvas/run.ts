/**
 * Brush-stroke frame cost in the real annotator (browser mode, headless Debian chromium):
 * a 1280x720 RGB-T image with its pre-filled mask overlay, brush size 24, strokes dispatched as
 * pointer events inside the page. Per move: handler time (stamp + dirty-rect mask render) plus
 * the Konva redraw in the following animation frame. Writes bench/results/canvas.json.
 *
 *   node --import tsx bench/canvas/run.ts        (TSX_TSCONFIG_PATH=tsconfig.node.json)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildFixtureProject } from '../../test/e2e/helpers/fixtureProject'
import { startServer, repoRoot } from '../../test/e2e/helpers/server'
import { launchBrowser, newPage } from '../../test/e2e/helpers/browser'

const MOVES = Number(process.env.BENCH_MOVES ?? 600)
const dir = mkdtempSync(join(tmpdir(), 'twinlight-bench-'))
const fx = await buildFixtureProject(dir, { count: 1, width: 1280, height: 720 })
const srv = await startServer({ project: fx.projectPath })
const browser = await launchBrowser()
try {
  const { page, errors } = await newPage(browser, { width: 1600, height: 1000 })
  await page.goto(srv.url)
  await page.getByTestId('tile-1').dblclick()
  await page.getByTestId('viewer').waitFor()
  await page.waitForFunction(() => document.querySelector('[data-testid="viewer"]')?.getAttribute('data-scale'))
  await page.waitForTimeout(500)
  await page.keyboard.press('8')
  await page.keyboard.press('b')
  for (let i = 0; i < 3; i++) await page.keyboard.press(']') // 12 → 24 px
  const cdp = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : null
  if (cdp) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.start') }
  // Plain JS source (not a function): tsx's helpers must not leak into the page.
  const samples = (await page.evaluate(`(async (moves) => {
    const el = document.querySelector('[data-testid="viewer"]')
    const b = el.getBoundingClientRect()
    const s = Number(el.dataset.scale)
    const ox = b.left + Number(el.dataset.x)
    const oy = b.top + Number(el.dataset.y)
    const ev = (type, ix, iy) =>
      new PointerEvent(type, { clientX: ox + ix * s, clientY: oy + iy * s, button: 0, buttons: type === 'pointerup' ? 0 : 1, pointerId: 1, bubbles: true, pointerType: 'mouse' })
    const frame = () => new Promise((r) => requestAnimationFrame((ts) => r(performance.now() - ts)))
    const out = []
    let k = 0
    // Zig-zag strokes across the whole image, 40 moves per stroke (one undo entry each).
    while (k < moves) {
      const y0 = 60 + ((k / 40) % 12) * 50
      el.dispatchEvent(ev('pointerdown', 40, y0))
      for (let j = 0; j < 40 && k < moves; j++, k++) {
        const x = 40 + j * 30
        const y = y0 + (j % 2) * 18
        const t0 = performance.now()
        el.dispatchEvent(ev('pointermove', x, y))
        const handler = performance.now() - t0
        const draw = await frame() // Konva's batchDraw runs first in this frame; this is the time spent before us
        out.push({ handler, draw })
      }
      el.dispatchEvent(ev('pointerup', 1200, y0))
      await frame()
    }
    return out
  })(${MOVES})`)) as Array<{ handler: number; draw: number }>
  if (cdp) {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>; samples: number[]; timeDeltas: number[] } }
    const self = new Map<string, number>()
    const byId = new Map(profile.nodes.map((n) => [n.id, n]))
    profile.samples.forEach((id, i) => {
      const n = byId.get(id)!
      const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`
      self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
    })
    console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(0).padStart(7)} ms  ${k}`).join('\n'))
  }
  const totals = samples.map((x) => x.handler + x.draw).sort((a, b) => a - b)
  const pct = (a: number[], p: number) => a[Math.min(a.length - 1, Math.floor(p * a.length))]
  const handlers = samples.map((x) => x.handler).sort((a, b) => a - b)
  const draws = samples.map((x) => x.draw).sort((a, b) => a - b)
  const result = {
    benchmark: 'canvas brush stroke frame cost',
    image: '1280x720 RGB + thermal + mask overlay (opacity 0.55)',
    viewport: '1600x1000, zoom to fit',
    brushPx: 24,
    moves: samples.length,
    browser: 'Debian chromium headless --disable-gpu (software raster)',
    frameMs: { p50: +pct(totals, 0.5).toFixed(2), p95: +pct(totals, 0.95).toFixed(2), max: +totals[totals.length - 1].toFixed(2) },
    handlerMs: { p50: +pct(handlers, 0.5).toFixed(2), p95: +pct(handlers, 0.95).toFixed(2) },
    drawMs: { p50: +pct(draws, 0.5).toFixed(2), p95: +pct(draws, 0.95).toFixed(2) },
    goalP95Ms: 16,
    pass: pct(totals, 0.95) <= 16,
    pageErrors: errors,
    /** 1-minute load average of this machine when the run ended (shared CPUs make timings noisy). */
    loadAvg1m: +loadavg()[0].toFixed(2),
    date: new Date().toISOString()
  }
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true })
  writeFileSync(join(repoRoot, 'bench/results/canvas.json'), JSON.stringify(result, null, 2) + '\n')
  console.log(JSON.stringify(result, null, 2))
} finally {
  await browser.close()
  await srv.stop()
  rmSync(dir, { recursive: true, force: true })
}
