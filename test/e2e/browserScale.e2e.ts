import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { type ServeHandle } from './helpers/server'
import { screenshot } from './helpers/browser'
import { servedSession } from './helpers/session'
import { addManyImages, buildFixtureProject } from './helpers/fixtureProject'
import { ok } from './helpers/api'
import { until } from './helpers/viewer'

describe('image browser with 100k images', () => {
  let srv: ServeHandle
  let page: Page
  let errors: string[]
  const N = 100_000

  const session = servedSession('twinlight-scale-', async (d) => {
    const fx = await buildFixtureProject(d, { count: 3 })
    addManyImages(fx.projectPath, N - 3)
    return fx.projectPath
  })
  before(async () => {
    ;({ srv, page, errors } = session)
  })

  test('the grid renders only the tiles on screen and scrolls to the last image', async () => {
    await page.goto(srv.url)
    await page.locator('.tile[data-testid]').first().waitFor()
    assert.match(await page.getByTestId('browser-count').innerText(), /100000 images/)
    const tiles = () => page.locator('.tile').count()
    assert.ok((await tiles()) < 200, `only visible tiles are in the DOM (${await tiles()})`)
    // Jump to the end: the page of the last rows is fetched on demand.
    const last = await ok<{ items: Array<{ id: number; name: string }> }>(srv, 'listImages', { offset: N - 1, limit: 1 })
    const t0 = Date.now()
    await page.locator('.grid').evaluate((el) => (el.scrollTop = el.scrollHeight))
    await page.getByTestId(`tile-${last.items[0].id}`).waitFor()
    const jumpMs = Date.now() - t0
    assert.ok((await tiles()) < 200, `still only visible tiles after the jump (${await tiles()})`)
    assert.ok(jumpMs < 5000, `last row shown ${jumpMs} ms after the jump`)
    await screenshot(page, 'browser-100k-end')
  })

  test('filters and the least-confident sort query the server; N opens the next unreviewed', async () => {
    await page.locator('.grid').evaluate((el) => (el.scrollTop = 0))
    await page.getByTestId('filter-prefilled').click()
    await until(async () => /^3 images$/.test(await page.getByTestId('browser-count').innerText()), 'prefilled filter → 3 images')
    await page.getByTestId('filter-prefilled').click()
    await page.getByTestId('filter-split').selectOption('val')
    const val = await ok<{ total: number }>(srv, 'listImages', { limit: 1, filter: { split: ['val'] } })
    await until(async () => (await page.getByTestId('browser-count').innerText()) === `${val.total} images`, 'split filter count')
    await page.getByTestId('filter-split').selectOption('')
    await page.getByTestId('sort').selectOption('confidence_asc')
    const least = await ok<{ items: Array<{ id: number }> }>(srv, 'listImages', { limit: 1, sort: 'confidence_asc' })
    await until(async () => (await page.locator('.tile').first().getAttribute('data-testid')) === `tile-${least.items[0].id}`, 'least confident first')
    await page.keyboard.press('n')
    await page.getByTestId('annotator').waitFor()
    await page.getByTestId('image-name').waitFor()
    await until(async () => (await page.getByTestId('image-name').innerText()) !== '…', 'image opened')
    assert.deepEqual(errors, [])
  })
})
