import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { runCli, startServer, type ServeHandle } from './helpers/server'
import { launchBrowser, newPage, screenshot } from './helpers/browser'
import { ok } from './helpers/api'
import { until } from './helpers/viewer'

/** A long job started while the UI is open: its pushed progress shows in the status bar. */
describe('jobs in the status bar', () => {
  let dir: string
  let srv: ServeHandle
  let browser: Browser
  let page: Page
  let errors: string[]

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinlight-jobs-'))
    await runCli(['demo', join(dir, 'demo'), '--count', '12'])
    srv = await startServer()
    browser = await launchBrowser()
    ;({ page, errors } = await newPage(browser))
  })
  after(async () => {
    await browser?.close()
    await srv?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test('import job: progress pushed to the status bar, then the grid lists the images', async () => {
    await page.goto(srv.url)
    await page.getByTestId('new-path').fill(join(dir, 'labels.twinlight'))
    await page.getByTestId('create-project').click()
    await page.getByTestId('browser-empty').waitFor()
    const job = await ok<{ id: number }>(srv, 'startImport', { dir: join(dir, 'demo', 'dataset') })
    assert.ok(job.id > 0)
    const bar = page.getByTestId('job-progress').first()
    await bar.waitFor()
    assert.match(await bar.innerText(), /import/)
    await screenshot(page, 'status-bar-job')
    await until(async () => /12 images/.test(await page.getByTestId('browser-count').innerText()), 'grid lists the imported images', 60_000)
    await until(async () => /12 images/.test(await page.getByTestId('status-counts').innerText()), 'status bar counts follow')
    await until(async () => /done/.test(await bar.innerText().catch(() => 'done')), 'job shown as done')
    assert.deepEqual(errors, [])
  })
})
