import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { startServer, type ServeHandle } from './helpers/server'
import { launchBrowser, newPage, screenshot } from './helpers/browser'
import { call } from './helpers/api'

describe('foundation: browser mode', () => {
  let srv: ServeHandle
  let browser: Browser

  before(async () => {
    srv = await startServer()
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await srv?.stop()
  })

  test('start screen → create project → empty image browser and status bar', async () => {
    const { page, errors } = await newPage(browser)
    await page.goto(srv.url)
    await page.getByTestId('start-screen').waitFor()
    // The token leaves the address bar once read (kept in sessionStorage for reloads).
    assert.ok(!page.url().includes('token='), `token still in URL: ${page.url()}`)
    await screenshot(page, 'foundation-start-screen')

    const file = join(srv.dataDir, 'e2e-project.twinlight')
    await page.getByTestId('new-path').fill(file)
    await page.getByTestId('new-preset').selectOption('pst900')
    await page.getByTestId('create-project').click()
    await page.getByTestId('image-browser').waitFor()
    await page.getByTestId('browser-empty').waitFor()
    assert.match(await page.getByTestId('browser-empty').innerText(), /No images yet/)
    assert.match(await page.getByTestId('status-project').innerText(), /e2e-project/)
    assert.match(await page.getByTestId('status-counts').innerText(), /0 images/)
    assert.ok(existsSync(file), 'the .twinlight file was written')
    await screenshot(page, 'foundation-empty-browser')

    // A reload keeps working without the token in the URL and comes back to the open project.
    await page.reload()
    await page.getByTestId('image-browser').waitFor()
    assert.deepEqual(errors, [])
  })

  test('opening a missing project shows the typed error as a toast', async () => {
    const { page } = await newPage(browser)
    await page.goto(srv.url)
    await page.getByTestId('image-browser').or(page.getByTestId('start-screen')).first().waitFor()
    if (await page.getByTestId('file-menu').isVisible()) {
      await page.getByTestId('file-menu').click()
      await page.getByTestId('close-project').click()
    }
    await page.getByTestId('open-path').fill(join(srv.dataDir, 'does-not-exist.twinlight'))
    await page.getByTestId('open-project').click()
    const toast = page.getByTestId('toast-error')
    await toast.waitFor()
    assert.match(await toast.innerText(), /Could not open the project/)
    assert.match(await toast.innerText(), /\[(not_found|bad_input|invalid_argument)\]/)
    await screenshot(page, 'foundation-error-toast')
  })

  test('a request without the token gets 401', async () => {
    const none = await call(srv, 'getAppInfo', {}, null)
    assert.equal(none.status, 401)
    const wrong = await call(srv, 'getAppInfo', {}, 'not-the-token')
    assert.equal(wrong.status, 401)
    const media = await fetch(`${srv.origin}/media/thumb/1?mode=rgb`)
    assert.equal(media.status, 401, 'media without ?t= is refused too')
  })

  test('a malformed argument gets a typed 400 and the server keeps serving', async () => {
    const bad = await call<{ error: { code: string; message: string; issues?: unknown[] } }>(srv, 'openProject', { path: 42 })
    assert.equal(bad.status, 400)
    assert.equal(bad.body.error.code, 'invalid_argument')
    assert.equal(typeof bad.body.error.message, 'string')

    const extra = await call<{ error: { code: string } }>(srv, 'listImages', { offset: -1, bogus: true })
    assert.equal(extra.status, 400)
    assert.equal(extra.body.error.code, 'invalid_argument')

    const notJson = await call<{ error: { code: string } }>(srv, 'getAppInfo', '{not json')
    assert.equal(notJson.status, 400)
    assert.equal(notJson.body.error.code, 'invalid_argument')

    const good = await call<{ version: string }>(srv, 'getAppInfo')
    assert.equal(good.status, 200)
    assert.equal(typeof good.body.version, 'string')
    assert.equal(srv.child.exitCode, null, 'server still running')
  })
})
