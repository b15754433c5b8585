/**
 * Region ids mean one thing (issue 16 item 6): the review list shows the regions `listRegions`
 * returns (pre-fill's stored table) under the same ids, minus specks under 16 px; the select tool
 * picks a region by that id and rejecting it is "Reject region <that id>".
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startServer, type ServeHandle } from './helpers/server'
import { launchBrowser, newPage, screenshot } from './helpers/browser'
import { labelMap, ok } from './helpers/api'
import { buildFixtureProject, type Fixture } from './helpers/fixtureProject'
import { imageToPage, until, waitSaved } from './helpers/viewer'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { regionSkipClasses, regionTable } from '../../src/main/core/prefill/regions'

interface Region { id: number; classIndex: number; area: number; bbox: [number, number, number, number] }

/** Adds two specks (raster-first, so they take the low ids) and stores the table as pre-fill would. */
function addSpecksToProposal(projectPath: string): void {
  const store = ProjectStore.open(projectPath)
  try {
    const p = store.proposals.latest(1)!
    const labels = p.labels.slice()
    labels[2 * p.width + 2] = 3
    labels[5 * p.width + 600] = 2
    const confidence = p.confidence!
    const regions = regionTable(labels, confidence, p.width, p.height, regionSkipClasses(store.classes()))
    store.proposals.put({ imageId: 1, modelVersionId: null, width: p.width, height: p.height, labels, confidence, regions, meanConfidence: p.meanConfidence })
  } finally {
    store.close()
  }
}

describe('region ids: the review list and listRegions agree', () => {
  let dir: string
  let fx: Fixture
  let srv: ServeHandle
  let browser: Browser
  let page: Page

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinlight-region-ids-'))
    fx = await buildFixtureProject(dir, { count: 1 })
    addSpecksToProposal(fx.projectPath)
    srv = await startServer({ project: fx.projectPath })
    browser = await launchBrowser()
    ;({ page } = await newPage(browser))
  })
  after(async () => {
    await browser?.close()
    await srv?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test('same ids in the list, the select tool and the undo label; specks hidden', async () => {
    const listed = (await ok<{ regions: Region[] }>(srv, 'listRegions', { imageId: 1 })).regions
    assert.deepEqual(listed.filter((r) => r.area < 16).map((r) => r.id), [1, 2], 'the specks come first in raster order')
    await page.goto(srv.url)
    await page.getByTestId('tile-1').waitFor()
    await page.keyboard.press('n')
    await page.getByTestId('annotator').waitFor()
    await until(async () => (await page.getByTestId('viewer').getAttribute('data-scale')) !== null, 'viewer laid out')
    const rows = page.getByTestId('region-list').locator('.region')
    await until(async () => (await rows.count()) > 0, 'region list filled')
    const shown = (await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-testid')!.slice('region-'.length))))).sort((a, b) => a - b)
    assert.deepEqual(shown, listed.filter((r) => r.area >= 16).map((r) => r.id))
    for (const r of listed.filter((q) => q.area >= 16))
      assert.match(await page.getByTestId(`region-${r.id}`).innerText(), new RegExp(`^${r.id}[\\s\\S]*${r.area}px`))

    const car = listed.find((r) => r.classIndex === 1)!
    const [cx, cy, cw, ch] = fx.images[0]!.boxes[1]
    await page.keyboard.press('v')
    const c = await imageToPage(page, cx + 10, cy + 10)
    await page.mouse.click(c.x, c.y)
    await until(async () => (await page.locator('.region.selected').getAttribute('data-testid')) === `region-${car.id}`, `select tool picks region ${car.id}`)
    await screenshot(page, 'region-ids')
    await page.keyboard.press('r')
    await waitSaved(page)
    await until(async () => (await page.getByTestId('history-list').innerText()).includes(`Reject region ${car.id}`), `history says Reject region ${car.id}`)
    const after = (await labelMap(srv, 1))!
    assert.equal(after.data[(cy + 10) * after.width + cx + 10], 0)
    assert.equal(after.data.reduce((n, v) => n + (v === 1 ? 1 : 0), 0), 0, `all ${cw * ch} car pixels rejected`)
  })
})
