// Undo across clients: another client's edit and undo on the open image reach this window as
// `annotation.changed`; the annotator reloads the stored map and says "Changed by another window".
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import type { Browser, Page } from 'playwright-core'
import { startServer, type ServeHandle } from './helpers/server'
import { launchBrowser, newPage, screenshot } from './helpers/browser'
import { ok } from './helpers/api'
import { buildFixtureProject } from './helpers/fixtureProject'
import { layerPixel, until } from './helpers/viewer'

describe('undo across clients', () => {
  let dir: string
  let srv: ServeHandle
  let browser: Browser
  let page: Page

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinlight-undo-clients-'))
    const fx = await buildFixtureProject(dir)
    srv = await startServer({ project: fx.projectPath })
    browser = await launchBrowser()
    ;({ page } = await newPage(browser))
  })
  after(async () => {
    await browser?.close()
    await srv?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test("another client's edit and undo show in the open annotator with a notice", async () => {
    await page.goto(srv.url)
    await page.getByTestId('tile-1').waitFor()
    await page.keyboard.press('n')
    await until(async () => (await page.getByTestId('image-name').innerText()) === 'scene_001', 'scene_001 open')
    await until(async () => (await page.getByTestId('viewer').getAttribute('data-scale')) !== null, 'viewer laid out')
    assert.equal((await layerPixel(page, 1, 200, 320))[3], 0, 'no mask on the road before')

    const { state } = await ok<{ state: { head: number } }>(srv, 'getHistory', { imageId: 1 })
    const rect = { x: 180, y: 300, w: 40, h: 40 }
    const data = deflateSync(Buffer.alloc(rect.w * rect.h, 8)).toString('base64')
    await ok(srv, 'applyEdit', { imageId: 1, label: 'Other window', baseSeq: state.head, rect, data, clientId: 'other-window' })
    await page.getByText('Changed by another window (edit)').first().waitFor()
    await until(async () => (await layerPixel(page, 1, 200, 320))[3] > 0, "the other window's edit is drawn")

    await ok(srv, 'undo', { imageId: 1, clientId: 'other-window' })
    await page.getByText('Changed by another window (undo)').first().waitFor()
    await until(async () => (await layerPixel(page, 1, 200, 320))[3] === 0, "the other window's undo is drawn")
    await screenshot(page, 'undo-other-window')
  })
})
