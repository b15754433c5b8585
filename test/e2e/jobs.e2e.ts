import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { runCli, type ServeHandle } from './helpers/server'
import { screenshot } from './helpers/browser'
import { servedSession } from './helpers/session'
import { ok } from './helpers/api'
import { until } from './helpers/viewer'

/** A long job started while the UI is open: its pushed progress shows in the status bar. */
describe('jobs in the status bar', () => {
  let dir: string
  let srv: ServeHandle
  let page: Page
  let errors: string[]

  const session = servedSession('twinlight-jobs-', async (d) => {
    await runCli(['demo', join(d, 'demo'), '--count', '12'])
    return undefined
  })
  before(async () => {
    ;({ dir, srv, page, errors } = session)
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
