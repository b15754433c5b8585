import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startServer, type ServeHandle } from './helpers/server'
import { launchBrowser, newPage, screenshot } from './helpers/browser'
import { labelMap, ok, type LabelMap } from './helpers/api'
import { buildFixtureProject, type Fixture } from './helpers/fixtureProject'
import { imageToPage, layerPixel, strokeImage, until, viewTransform, waitSaved } from './helpers/viewer'

const at = (m: LabelMap, x: number, y: number) => m.data[y * m.width + x]
const changed = (a: LabelMap, b: LabelMap) => a.data.reduce((n, v, i) => n + (v !== b.data[i] ? 1 : 0), 0)

describe('viewer and tools', () => {
  let dir: string
  let fx: Fixture
  let srv: ServeHandle
  let browser: Browser
  let page: Page
  let errors: string[]
  const ID = 3

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinlight-tools-'))
    fx = await buildFixtureProject(dir)
    srv = await startServer({ project: fx.projectPath })
    browser = await launchBrowser()
    ;({ page, errors } = await newPage(browser))
    await page.goto(srv.url)
    await page.getByTestId(`tile-${ID}`).dblclick()
    await until(async () => (await page.getByTestId('viewer').getAttribute('data-scale')) !== null, 'viewer laid out')
  })
  after(async () => {
    await browser?.close()
    await srv?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test('side by side: RGB and thermal panes share zoom, pan and cursor', async () => {
    const [px, py] = fx.images[2].boxes[2]
    await page.getByTestId('mode-side').click()
    await page.getByTestId('viewer-thermal').waitFor()
    await until(async () => (await page.getByTestId('viewer-thermal').getAttribute('data-scale')) !== null, 'mirror laid out')
    const rgb = await layerPixel(page, 0, px + 10, py + 20)
    const th = await layerPixel(page, 0, px + 10, py + 20, 'viewer-thermal')
    assert.ok(rgb[0] > 200 && rgb[2] < 100, `left pane shows RGB: ${rgb}`)
    assert.ok(th[0] > 220 && th[1] > 180 && th[2] > 60, `right pane shows hot thermal: ${th}`)
    const fitScale = (await viewTransform(page)).scale
    const c = await imageToPage(page, px, py)
    await page.mouse.move(c.x, c.y)
    await page.mouse.wheel(0, -400)
    await until(async () => (await viewTransform(page)).scale > 1.4 * fitScale, 'zoomed in')
    assert.deepEqual(await viewTransform(page, 'viewer-thermal'), await viewTransform(page), 'panes share the transform')
    await screenshot(page, 'annotator-side-by-side')
    await page.keyboard.press('0')
    await page.getByTestId('mode-rgb').click()
    await page.getByTestId('viewer-thermal').waitFor({ state: 'detached' })
  })

  test('zoom to cursor keeps the image point under the mouse; fit and 1:1', async () => {
    await page.keyboard.press('0')
    const fit = await viewTransform(page)
    const c = await imageToPage(page, 200, 100)
    await page.mouse.move(c.x, c.y)
    await page.mouse.wheel(0, -300)
    await until(async () => (await viewTransform(page)).scale > fit.scale * 1.2, 'zoom in')
    const after = await imageToPage(page, 200, 100)
    assert.ok(Math.abs(after.x - c.x) < 2 && Math.abs(after.y - c.y) < 2, `point stayed under the cursor: ${JSON.stringify([c, after])}`)
    await page.keyboard.press('Control+1')
    await until(async () => Math.abs((await viewTransform(page)).scale - 1) < 1e-6, '1:1')
    await page.keyboard.press('0')
    await until(async () => Math.abs((await viewTransform(page)).scale - fit.scale) < 1e-6, 'fit again')
  })

  test('outline-only and overlay opacity change how the mask is drawn', async () => {
    const [cx, cy, cw, ch] = fx.images[2].boxes[1]
    const inside = await layerPixel(page, 1, cx + cw / 2, cy + ch / 2)
    assert.ok(inside[3] > 100, `filled mask inside the car: ${inside}`)
    await page.getByTestId('outline-toggle').check()
    await until(async () => (await layerPixel(page, 1, cx + cw / 2, cy + ch / 2))[3] === 0, 'interior transparent in outline mode')
    assert.ok((await layerPixel(page, 1, cx, cy + ch / 2))[3] > 100, 'edge pixel still drawn')
    await screenshot(page, 'annotator-outline')
    await page.getByTestId('outline-toggle').uncheck()
    await page.getByTestId('overlay-opacity').fill('1')
    await until(async () => (await layerPixel(page, 1, cx + cw / 2, cy + ch / 2))[3] === 255, 'opacity 1')
    await page.getByTestId('overlay-opacity').fill('0.55')
  })

  test('polygon fill, eraser and brush size keys', async () => {
    const before = (await labelMap(srv, ID))!
    await page.keyboard.press('4') // curve
    await page.keyboard.press('p')
    for (const [x, y] of [[20, 20], [120, 20], [120, 80], [20, 80]] as const) {
      const p = await imageToPage(page, x, y)
      await page.mouse.click(p.x, p.y)
    }
    await page.keyboard.press('Enter')
    await waitSaved(page)
    const poly = (await labelMap(srv, ID))!
    assert.equal(at(poly, 70, 50), 4)
    assert.equal(at(poly, 130, 50), 0)
    const n = changed(before, poly)
    assert.ok(n > 95 * 55 && n < 105 * 65, `polygon area ${n}`)
    assert.match(await page.getByTestId('history-list').innerText(), /Polygon: curve/)

    const size0 = Number(await page.getByTestId('brush-size').innerText())
    await page.keyboard.press(']')
    assert.ok(Number(await page.getByTestId('brush-size').innerText()) > size0)
    await page.keyboard.press('[')
    assert.equal(Number(await page.getByTestId('brush-size').innerText()), size0)

    const [cx, cy, cw, ch] = fx.images[2].boxes[1]
    await page.keyboard.press('e')
    await strokeImage(page, [cx + 10, cy + ch / 2], [cx + cw - 10, cy + ch / 2])
    await waitSaved(page)
    const erased = (await labelMap(srv, ID))!
    assert.equal(at(erased, cx + cw / 2, cy + ch / 2), 0, 'eraser paints unlabeled')
    assert.equal(at(erased, cx + cw / 2, cy + 2), 1, 'car pixels away from the stroke stay')
    assert.match(await page.getByTestId('history-list').innerText(), /Eraser/)
  })

  test('thermal wand fills the road but not the hot person', async () => {
    const before = (await labelMap(srv, ID))!
    const [px, py] = fx.images[2].boxes[2]
    await page.keyboard.press('6') // guardrail
    await page.keyboard.press('w') // the click tool in thermal wand mode: click previews, Enter writes
    const p = await imageToPage(page, 300, 340)
    await page.mouse.click(p.x, p.y)
    const state = page.getByTestId('click-preview-state')
    await until(async () => (await state.getAttribute('data-hover')) === '0' && Number(await state.getAttribute('data-area')) > 0, 'wand preview')
    await page.keyboard.press('Enter')
    await until(async () => at((await labelMap(srv, ID))!, 300, 340) === 6, 'wand mask written')
    await waitSaved(page)
    const wand = (await labelMap(srv, ID))!
    assert.equal(at(wand, 300, 340), 6)
    assert.ok(changed(before, wand) > 5000, `wand filled ${changed(before, wand)} px`)
    assert.equal(at(wand, px + 10, py + 20), 2, 'person (much hotter) not included')
    assert.equal(at(wand, 300, 30), 0, 'sky (much colder) not included')
  })

  test('two windows on one image: the other window is told of the edit and redraws it, nothing overwritten', async () => {
    const { page: other } = await newPage(browser)
    await other.goto(srv.url)
    await other.getByTestId(`tile-${ID}`).dblclick()
    await until(async () => (await other.getByTestId('viewer').getAttribute('data-scale')) !== null, 'second window laid out')
    await page.keyboard.press('8')
    await page.keyboard.press('b')
    await strokeImage(page, [30, 300], [200, 300])
    await waitSaved(page)
    // Edits are pushed (annotation.changed, issue 17): the second window reloads instead of meeting a 409 later.
    await other.getByText('Changed by another window (edit)').first().waitFor()
    await until(async () => (await layerPixel(other, 1, 100, 300))[3] > 0, 'the second window shows the first window’s stroke')
    await other.keyboard.press('7')
    await other.keyboard.press('b')
    await strokeImage(other, [30, 330], [200, 330])
    await waitSaved(other)
    const map = (await labelMap(srv, ID))!
    assert.equal(at(map, 100, 330), 7, 'the second window’s edit is saved')
    assert.equal(at(map, 100, 300), 8, 'the first window’s edit was not overwritten')
    await other.close()
    await page.reload()
    await until(async () => (await page.getByTestId('viewer').getAttribute('data-scale')) !== null, 'viewer laid out again')
  })

  test('align mode: arrows nudge the thermal offset, stored per image', async () => {
    await page.keyboard.press('g')
    await until(async () => (await page.getByTestId('mode-thermal').getAttribute('class'))!.includes('active'), 'thermal shown for alignment')
    const [px, py] = fx.images[2].boxes[2]
    const edgeBefore = await layerPixel(page, 0, px - 2, py + 50)
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft')
    await until(async () => (await ok<{ registration: { dx: number } }>(srv, 'getImage', { id: ID })).registration.dx === -3, 'registration saved')
    await page.waitForTimeout(200)
    const edgeAfter = await layerPixel(page, 0, px - 2, py + 50)
    assert.notDeepEqual(edgeAfter, edgeBefore, 'thermal moved left under the fixed RGB frame')
    await screenshot(page, 'annotator-align')
    await page.keyboard.press('Escape')
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight') // not in align mode: no effect
    await page.waitForTimeout(500)
    assert.equal((await ok<{ registration: { dx: number } }>(srv, 'getImage', { id: ID })).registration.dx, -3)
    assert.deepEqual(errors, [])
  })
})
