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
import { layerPixel, strokeImage, until, waitSaved, imageToPage } from './helpers/viewer'

/** Pixels that differ between two maps, with their bounding box. */
function diff(a: LabelMap, b: LabelMap) {
  let n = 0, x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1
  const values = new Set<number>()
  for (let i = 0; i < a.data.length; i++)
    if (a.data[i] !== b.data[i]) {
      n++
      const x = i % a.width, y = Math.floor(i / a.width)
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y)
      values.add(b.data[i])
    }
  return { n, box: [x0, y0, x1, y1], values: [...values] }
}
const at = (m: LabelMap, x: number, y: number) => m.data[y * m.width + x]
const near = (a: number[], b: number[], tol = 4) => a.slice(0, 3).every((v, i) => Math.abs(v - b[i]) <= tol)

describe('review: annotator on a pre-filled project', () => {
  let dir: string
  let fx: Fixture
  let srv: ServeHandle
  let browser: Browser
  let page: Page
  let errors: string[]
  let colors: Record<number, [number, number, number]>
  let afterStroke1: LabelMap

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinlight-review-'))
    fx = await buildFixtureProject(dir)
    srv = await startServer({ project: fx.projectPath })
    browser = await launchBrowser()
    ;({ page, errors } = await newPage(browser))
    const project = await ok<{ classes: Array<{ index: number; color: [number, number, number] }> }>(srv, 'getProject')
    colors = Object.fromEntries(project.classes.map((c) => [c.index, c.color]))
  })
  after(async () => {
    await browser?.close()
    await srv?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test('browser lists the images with badges; N opens the next unreviewed image', async () => {
    await page.goto(srv.url)
    await page.getByTestId('image-browser').waitFor()
    await page.getByTestId('tile-1').waitFor()
    assert.equal(await page.locator('[data-testid^="tile-"]').count(), 3)
    assert.match(await page.getByTestId('tile-1').innerText(), /scene_001[\s\S]*prefilled/i)
    await screenshot(page, 'review-browser')
    for (const mode of ['thermal', 'blend', 'rgb']) {
      await page.getByTestId('thumb-mode').selectOption(mode)
      const img = page.getByTestId('tile-1').locator('img')
      await until(async () => (await img.getAttribute('src'))!.includes(`mode=${mode}`), `thumbnail mode ${mode}`)
      await until(async () => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0), `${mode} thumbnail loads`)
    }
    await page.keyboard.press('n')
    await page.getByTestId('annotator').waitFor()
    await until(async () => (await page.getByTestId('image-name').innerText()) === 'scene_001', 'scene_001 open')
    await until(async () => (await page.getByTestId('viewer').getAttribute('data-scale')) !== null, 'viewer laid out')
    assert.match(await page.getByTestId('image-status').innerText(), /prefilled/i)
    assert.equal(await page.getByTestId('region-list').locator('.region').count(), 3)
  })

  test('RGB, thermal (Space flips, inferno and grey) and blend alpha change what the canvas shows', async () => {
    const person: [number, number] = [355, 215]
    const rgb = await layerPixel(page, 0, ...person)
    assert.ok(near(rgb, [230, 140, 60]), `RGB person pixel ${rgb}`)
    await screenshot(page, 'annotator-rgb')

    await page.keyboard.press('Space')
    await until(async () => (await page.getByTestId('mode-thermal').getAttribute('class'))!.includes('active'), 'thermal mode')
    const inferno = await layerPixel(page, 0, ...person)
    assert.ok(inferno[0] > 220 && inferno[1] > 180, `hot person is bright yellow in inferno: ${inferno}`)
    const road = await layerPixel(page, 0, 20, 330)
    assert.ok(road[0] > road[1] && road[2] > road[1], `cool road is purple in inferno: ${road}`)
    await screenshot(page, 'annotator-thermal-inferno')
    await page.getByTestId('colormap').selectOption('grey')
    await until(async () => { const g = await layerPixel(page, 0, ...person); return g[0] === g[1] && g[1] === g[2] }, 'grey colour map')
    await page.getByTestId('colormap').selectOption('inferno')
    await page.keyboard.press('Space')
    await until(async () => near(await layerPixel(page, 0, ...person), rgb), 'Space flips back to RGB')

    await page.getByTestId('mode-blend').click()
    await page.getByTestId('blend-alpha').fill('0')
    await until(async () => near(await layerPixel(page, 0, ...person), rgb), 'alpha 0 = RGB')
    await page.getByTestId('blend-alpha').fill('1')
    await until(async () => near(await layerPixel(page, 0, ...person), inferno), 'alpha 1 = thermal')
    await page.getByTestId('blend-alpha').fill('0.5')
    await until(async () => { const p = await layerPixel(page, 0, ...person); return !near(p, rgb, 10) && !near(p, inferno, 10) }, 'alpha 0.5 mixes')
    await screenshot(page, 'annotator-blend')
    await page.getByTestId('mode-rgb').click()
  })

  test('a brush stroke changes the label map in those pixels only; undo restores them', async () => {
    const before = (await labelMap(srv, 1))!
    assert.equal((await layerPixel(page, 1, 200, 320))[3], 0, 'no mask on the road before painting')
    await page.keyboard.press('8') // bump
    await page.keyboard.press('b')
    await strokeImage(page, [100, 320], [300, 320])
    await waitSaved(page)
    afterStroke1 = (await labelMap(srv, 1))!
    const d = diff(before, afterStroke1)
    assert.ok(d.n > 150 * 10, `stroke changed ${d.n} pixels`)
    assert.deepEqual(d.values, [8])
    const [x0, y0, x1, y1] = d.box
    assert.ok(x0 >= 100 - 8 && x1 <= 300 + 8 && y0 >= 320 - 8 && y1 <= 320 + 8, `changes stay inside the stroke: ${d.box}`)
    const px = await layerPixel(page, 1, 200, 320)
    assert.ok(near(px, colors[8]) && px[3] > 100, `mask canvas shows bump colour ${colors[8]} at the stroke: ${px}`)

    await strokeImage(page, [100, 345], [300, 345])
    await waitSaved(page)
    const afterStroke2 = (await labelMap(srv, 1))!
    assert.ok(diff(afterStroke1, afterStroke2).n > 0)
    await page.keyboard.press('Control+z')
    await until(async () => diff(afterStroke1, (await labelMap(srv, 1))!).n === 0, 'undo restores the pixels of stroke 2 exactly')
    await until(async () => (await layerPixel(page, 1, 200, 345))[3] === 0, 'canvas no longer shows stroke 2')
    assert.match(await page.getByTestId('history-list').innerText(), /Brush: bump/)
  })

  test('reload: the stroke and its undo history are still there', async () => {
    await page.reload()
    await page.getByTestId('annotator').waitFor()
    await until(async () => (await page.getByTestId('viewer').getAttribute('data-scale')) !== null, 'viewer laid out')
    await until(async () => near(await layerPixel(page, 1, 200, 320), colors[8]), 'stroke 1 drawn after reload')
    assert.equal((await layerPixel(page, 1, 200, 345))[3], 0)
    assert.equal(diff(afterStroke1, (await labelMap(srv, 1))!).n, 0)
    const hist = await page.getByTestId('history-list').innerText()
    assert.equal((hist.match(/Brush: bump/g) ?? []).length, 2, hist)
    assert.ok(await page.getByTestId('redo').isEnabled(), 'redo of stroke 2 survives the reload')
    await page.keyboard.press('Control+Shift+Z')
    await until(async () => near(await layerPixel(page, 1, 200, 345), colors[8]), 'redo brings stroke 2 back')
    await page.keyboard.press('Control+z')
    await until(async () => (await layerPixel(page, 1, 200, 345))[3] === 0, 'undo again')
    await waitSaved(page)
  })

  test('a failed save shows an error and keeps the edit for retry', async () => {
    await page.route('**/api/applyEdit', (r) => r.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'attempt to write a readonly database' } }) }))
    const before = (await labelMap(srv, 1))!
    assert.ok((await page.getByTestId('class-8').getAttribute('class'))!.includes('active'), 'tool settings survive the reload')
    await strokeImage(page, [400, 335], [600, 335])
    await page.getByTestId('save-error').waitFor()
    assert.match(await page.getByTestId('save-error').innerText(), /readonly database[\s\S]*1 edit kept/)
    assert.ok(near(await layerPixel(page, 1, 500, 335), colors[8]), 'the unsaved stroke stays painted')
    assert.equal(diff(before, (await labelMap(srv, 1))!).n, 0, 'nothing reached the store')
    await page.unroute('**/api/applyEdit')
    await page.getByTestId('retry-save').click()
    await waitSaved(page)
    await page.getByTestId('toast-error').waitFor({ state: 'detached' })
    const d = diff(before, (await labelMap(srv, 1))!)
    assert.ok(d.n > 0 && d.values.length === 1 && d.values[0] === 8, 'the retried edit is saved')
    // The only console errors so far are the deliberately failed requests.
    assert.ok(errors.length > 0 && errors.every((e) => /status of 500/.test(e)), errors.join('\n'))
    errors.length = 0
  })

  test('reject a region → its pixels become unlabeled; relabel and flood fill change the class', async () => {
    const [bx, by, bw, bh] = fx.images[0].boxes[3]
    const before = (await labelMap(srv, 1))!
    assert.equal(at(before, bx + 5, by + 5), 3)
    await page.getByTestId('region-list').locator('.region', { hasText: 'bike' }).click()
    await page.keyboard.press('r')
    await waitSaved(page)
    const rejected = (await labelMap(srv, 1))!
    const d = diff(before, rejected)
    assert.equal(d.n, bw * bh, 'exactly the region changed')
    assert.deepEqual(d.values, [0])
    assert.equal((await layerPixel(page, 1, bx + 5, by + 5))[3], 0, 'canvas shows the region unlabeled')
    assert.match(await page.getByTestId('history-list').innerText(), /Reject region \d/)

    const [px, py, pw, ph] = fx.images[0].boxes[2]
    await page.getByTestId('region-list').locator('.region', { hasText: 'person' }).click()
    await page.keyboard.press('7') // color_cone
    await page.keyboard.press('l')
    await waitSaved(page)
    const relabeled = (await labelMap(srv, 1))!
    assert.equal(diff(rejected, relabeled).n, pw * ph)
    assert.equal(at(relabeled, px + 10, py + 10), 7)

    const [cx, cy] = fx.images[0].boxes[1]
    await page.keyboard.press('5') // car_stop
    await page.keyboard.press('f')
    const c = await imageToPage(page, cx + 20, cy + 20)
    await page.mouse.click(c.x, c.y)
    await waitSaved(page)
    const filled = (await labelMap(srv, 1))!
    assert.equal(at(filled, cx + 20, cy + 20), 5)
    assert.deepEqual(diff(relabeled, filled).values, [5])
    await screenshot(page, 'annotator-edited')
  })

  test('shortcut sheet opens with ?, and keys are off while typing', async () => {
    await page.keyboard.press('?')
    await page.getByTestId('shortcut-sheet').waitFor()
    assert.match(await page.getByTestId('shortcut-sheet').innerText(), /Undo[\s\S]*Ctrl\+Z/)
    await screenshot(page, 'annotator-shortcuts')
    await page.keyboard.press('Escape')
    await page.getByTestId('shortcut-sheet').waitFor({ state: 'detached' })
    const selected = () => page.locator('.region.selected').getAttribute('data-testid')
    await page.keyboard.press('j')
    const a = await selected()
    await page.keyboard.press('j')
    assert.notEqual(await selected(), a, 'J moves to the next region')
    await page.keyboard.press('k')
    assert.equal(await selected(), a, 'K moves back')
    await page.getByTestId('window-min').focus()
    await page.keyboard.press('2')
    assert.ok((await page.getByTestId('class-5').getAttribute('class'))!.includes('active'), 'typing 2 in a field did not pick class 2')
    await page.getByTestId('window-min').blur()
  })

  test('accept (Enter) → status accepted and the next unreviewed image opens', async () => {
    await page.keyboard.press('Enter')
    await until(async () => (await page.getByTestId('image-name').innerText()) === 'scene_002', 'next image opens')
    const img = await ok<{ status: string }>(srv, 'getImage', { id: 1 })
    assert.equal(img.status, 'accepted')
    await until(async () => (await page.getByTestId('viewer').getAttribute('data-scale')) !== null, 'viewer laid out')
    assert.deepEqual(errors, [])
  })

  test('16-bit thermal: raw values reach the viewer and are windowed in 16-bit units', async () => {
    // scene_002 is stored as a 16-bit PNG (values ≈ 27 800 … 31 700).
    await page.getByTestId('mode-thermal').click()
    await until(async () => Number(await page.getByTestId('window-max').inputValue()) > 0, 'window set')
    const lo = Number(await page.getByTestId('window-min').inputValue())
    const hi = Number(await page.getByTestId('window-max').inputValue())
    await screenshot(page, 'annotator-16bit-thermal')
    assert.ok(lo > 27000 && hi < 32000 && hi > lo, `auto window in 16-bit units, got ${lo}…${hi}`)
  })
})
