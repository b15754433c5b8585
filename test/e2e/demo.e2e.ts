import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { runCli, type ServeHandle } from './helpers/server'
import { screenshot } from './helpers/browser'
import { servedSession } from './helpers/session'
import { labelMap, ok } from './helpers/api'
import { layerPixel, strokeImage, until, waitSaved } from './helpers/viewer'

/** The same review loop on the generated demo project (`twinlight demo`): real synthetic scenes. */
describe('demo project: review loop', () => {
  let srv: ServeHandle
  let page: Page
  let errors: string[]

  const session = servedSession('twinlight-demo-e2e-', async (d) => {
    await runCli(['demo', join(d, 'demo'), '--count', '4'])
    return join(d, 'demo', 'demo.twinlight')
  })
  before(async () => {
    ;({ srv, page, errors } = session)
  })

  test('open the first image; RGB, thermal (inferno) and blend views', async () => {
    await page.goto(srv.url)
    await page.locator('.tile[data-testid]').first().waitFor()
    await page.waitForTimeout(800) // thumbnails
    // before any job ran, the status bar already names the execution provider and the model
    await until(async () => /EP\s*(CPU|CUDA|DirectML|CoreML)/.test(await page.getByTestId('status-ep').innerText()), 'execution provider in the status bar')
    // the model name follows a moment later (resolveExecutionProvider refreshes the project after
    // setting the EP): read both at once and a loaded machine sees 'model none'
    await until(async () => /tiny-sartm/.test(await page.getByTestId('status-model').innerText()), 'model name in the status bar')
    // the browser toolbar fits on one line at 1440 px
    const first = await page.getByTestId('filter-new').boundingBox()
    const last = await page.getByTestId('file-menu').boundingBox()
    assert.ok(first && last && Math.abs(first.y - last.y) < 4, `toolbar on one row (Status at y=${first?.y}, File at y=${last?.y})`)
    await screenshot(page, 'demo-browser')
    await page.keyboard.press('n')
    await until(async () => (await page.getByTestId('viewer').getAttribute('data-scale').catch(() => null)) !== null, 'viewer laid out')
    const img = await ok<{ width: number; height: number }>(srv, 'getImage', { id: 1 })
    const centre: [number, number] = [Math.floor(img.width / 2), Math.floor(img.height / 2)]
    await page.getByTestId('mode-rgb').click()
    await page.getByTestId('colormap').selectOption('inferno')
    await page.waitForTimeout(200)
    const rgb = await layerPixel(page, 0, ...centre)
    await screenshot(page, 'annotator-demo-rgb')
    await page.keyboard.press('Space')
    await until(async () => (await page.getByTestId('mode-thermal').getAttribute('class'))!.includes('active'), 'thermal')
    await page.waitForTimeout(200)
    const th = await layerPixel(page, 0, ...centre)
    assert.notDeepEqual(th, rgb, 'thermal view differs from RGB')
    await screenshot(page, 'annotator-demo-thermal-inferno')
    await page.getByTestId('mode-blend').click()
    await page.getByTestId('blend-alpha').fill('0.5')
    await page.waitForTimeout(200)
    await screenshot(page, 'annotator-demo-blend')
    await page.getByTestId('mode-rgb').click()
  })

  test('paint, undo, redo, accept → next image', async () => {
    const before = (await labelMap(srv, 1))!
    await page.keyboard.press('2') // person
    await page.keyboard.press('b')
    const y = Math.floor(before.height * 0.8)
    await strokeImage(page, [20, y], [Math.floor(before.width / 2), y])
    await waitSaved(page)
    const after = (await labelMap(srv, 1))!
    let changed = 0
    for (let i = 0; i < after.data.length; i++) if (after.data[i] !== before.data[i]) changed++
    assert.ok(changed > 100, `${changed} pixels painted`)
    await page.keyboard.press('Control+z')
    await until(async () => (await labelMap(srv, 1))!.data.every((v, i) => v === before.data[i]), 'undo restores the map')
    await page.keyboard.press('Control+Shift+Z')
    await until(async () => (await labelMap(srv, 1))!.data.every((v, i) => v === after.data[i]), 'redo re-applies the stroke')
    const name1 = await page.getByTestId('image-name').innerText()
    await page.keyboard.press('Enter')
    await until(async () => (await page.getByTestId('image-name').innerText()) !== name1, 'next image opens')
    assert.equal((await ok<{ status: string }>(srv, 'getImage', { id: 1 })).status, 'accepted')
    assert.deepEqual(errors, [])
  })
})
