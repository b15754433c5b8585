/**
 * Issue #20 items 2, 3 in the browser. A project with two model versions (the embedded base and a
 * fine-tuned "ft-1", active): two images hold the base's proposal, two ft-1's.
 * - Sort "uncertain first" lists ft-1's proposals least confident first, then the base's (flagged
 *   as another version's confidence); "Next unreviewed" in the browser and N in the annotator walk
 *   that order.
 * - Images accepted with different amounts of correction: the Model panel's trend plot shows, per
 *   version, the mean share of pixels corrected (read back from the plot's points and the canvas),
 *   and moves when one more image is accepted while it is open.
 */
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { deflateSync } from 'node:zlib'
import type { Page } from 'playwright-core'
import type { ServeHandle } from './helpers/server'
import { screenshot, resultsDir } from './helpers/browser'
import { servedSession } from './helpers/session'
import { ok } from './helpers/api'
import { until } from './helpers/viewer'
import { buildFixtureProject } from './helpers/fixtureProject'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { ensureBaseModel } from '../../src/main/core/models/versions/modelVersions'

const W = 160
const H = 120
/** Image id → [version (0 base, 1 ft-1), mean confidence]. */
const SCENE: Record<number, [0 | 1, number]> = { 1: [0, 0.2], 2: [0, 0.6], 3: [1, 0.7], 4: [1, 0.4] }

interface Plotted { versionId: number; name: string; images: number; share: number; x: number; y: number }

describe('uncertainty-first order and the correction trend', () => {
  let srv: ServeHandle
  let page: Page
  let errors: string[]
  const versions: number[] = []

  const session = servedSession('twinlight-effort-', async (d) => {
    const { projectPath } = await buildFixtureProject(d, { count: 4, width: W, height: H })
    const s = ProjectStore.open(projectPath)
    try {
      versions.push(await ensureBaseModel(s))
      versions.push(s.models.add({ name: 'ft-1', kind: 'adapter', parentId: versions[0]!, packagePath: s.models.get(versions[0]!).packagePath }))
      s.transaction(() => {
        for (const [id, [v, conf]] of Object.entries(SCENE)) {
          const imageId = Number(id)
          const p = s.proposals.latest(imageId)!
          s.proposals.put({ imageId, modelVersionId: versions[v]!, width: W, height: H, labels: p.labels, confidence: p.confidence, regions: p.regions, meanConfidence: conf })
          s.images.setConfidence(imageId, conf)
          s.annotations.replace(imageId, W, H, p.labels, 'model', versions[v]!)
        }
      })
      s.models.activate(versions[1]!)
    } finally {
      s.close()
    }
    return projectPath
  })
  before(async () => {
    ;({ srv, page, errors } = session)
  })

  test('"uncertain first" orders by the active version\'s confidence; Next unreviewed and N follow it', async () => {
    await page.goto(srv.url)
    await page.getByTestId('tile-4').waitFor()
    await page.getByTestId('sort').selectOption('uncertainty')
    const order = () => page.locator('[data-testid^="tile-"] .name').allInnerTexts()
    await until(async () => (await order()).join() === 'scene_004,scene_003,scene_001,scene_002', 'grid in uncertainty order')
    // The base's confidences are shown, flagged as not the active version's.
    const stale = await page.locator('[data-testid^="tile-"] [data-stale]').evaluateAll((els) => els.map((e) => `${e.closest('.tile')!.querySelector('.name')!.textContent}:${e.getAttribute('data-stale')}:${e.textContent}`))
    assert.deepEqual(stale, ['scene_004:false:40%', 'scene_003:false:70%', 'scene_001:true:20%*', 'scene_002:true:60%*'])
    await screenshot(page, 'effort-uncertain-first')

    await page.getByTestId('next-unreviewed').click()
    await page.getByTestId('annotator').waitFor()
    const open = (name: string) => until(async () => (await page.getByTestId('image-name').innerText()) === name, `${name} open`)
    await open('scene_004')
    for (const name of ['scene_003', 'scene_001', 'scene_002', 'scene_004']) {
      await until(async () => (await page.getByTestId('viewer').getAttribute('data-scale')) !== null, 'viewer laid out')
      await page.keyboard.press('n')
      await open(name)
    }
    assert.deepEqual(errors, [])
  })

  test('the Model panel plots the mean share of pixels corrected per version and follows a new acceptance', async () => {
    // Images 1 and 2 (base) corrected on 25% and 5% of their pixels, image 3 (ft-1) on 2.5%: the
    // top rows are sky (class 0) in every fixture image, painted here as class 5.
    const correct = async (imageId: number, rows: number) => {
      const { state } = await ok<{ state: { head: number } }>(srv, 'getHistory', { imageId })
      const data = deflateSync(new Uint8Array(W * rows).fill(5)).toString('base64')
      const r = await ok<{ pixels: number }>(srv, 'applyEdit', { imageId, label: 'Brush: test', baseSeq: state.head, rect: { x: 0, y: 0, w: W, h: rows }, data })
      assert.equal(r.pixels, W * rows)
    }
    await correct(1, 30)
    await correct(2, 6)
    await correct(3, 3)
    for (const imageId of [1, 2, 3]) await ok(srv, 'acceptImage', { imageId })

    await page.goto(srv.url)
    await page.getByTestId('image-browser').waitFor()
    await page.getByTestId('model-panel').click()
    const plot = page.getByTestId('correction-trend-plot')
    const points = async () => JSON.parse((await plot.getAttribute('data-points')) ?? '[]') as Plotted[]
    await until(async () => (await points()).length === 2, 'trend plot has two points')
    let p = await points()
    assert.deepEqual(p.map((x) => [x.versionId, x.images]), [[versions[0], 2], [versions[1], 1]])
    assert.ok(Math.abs(p[0]!.share - 0.15) < 1e-9, `base: ${p[0]!.share}`)
    assert.ok(Math.abs(p[1]!.share - 0.025) < 1e-9, `ft-1: ${p[1]!.share}`)
    // Drawn where the plot says: the canvas shows the series colour (#4c9dff) at each point, and
    // the lower share sits lower on the plot.
    const colour = (x: number, y: number) => plot.locator('canvas').evaluate((c, [x, y]) => Array.from((c as HTMLCanvasElement).getContext('2d')!.getImageData(x!, y!, 1, 1).data), [x, y])
    for (const pt of p) assert.deepEqual((await colour(pt.x, pt.y)).slice(0, 3), [0x4c, 0x9d, 0xff], `point of ${pt.name} at ${pt.x},${pt.y}`)
    assert.ok(p[1]!.y > p[0]!.y && p[1]!.x > p[0]!.x)
    const table = await page.getByTestId('correction-trend-table').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim()).join(' | ')))
    assert.deepEqual(table, [`${p[0]!.name} | 2 | 15.0%`, 'ft-1 active | 1 | 2.5%'])
    await screenshot(page, 'effort-correction-trend')
    await page.getByTestId('correction-trend').screenshot({ path: `${resultsDir}/effort-correction-trend-panel.png` })

    // Accepting image 4 untouched (0%) under ft-1 halves its mean while the panel is open.
    await ok(srv, 'acceptImage', { imageId: 4 })
    await until(async () => (await points())[1]?.images === 2, 'trend follows the new acceptance')
    p = await points()
    assert.ok(Math.abs(p[1]!.share - 0.0125) < 1e-9, `ft-1 after image 4: ${p[1]!.share}`)
    assert.deepEqual(errors, [])
  })
})
