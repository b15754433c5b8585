import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { runCli, type ServeHandle } from './helpers/server'
import { screenshot } from './helpers/browser'
import { servedSession } from './helpers/session'
import { labelMap, ok } from './helpers/api'
import { until } from './helpers/viewer'

/**
 * Models panel (issue 18): a PST900 project (synthetic PST900-family scenes; its classes differ
 * from the embedded MFNet-class model);
 * the user opens Models, maps the model's `person` to `Survivor`, leaves the rest unmapped and
 * pre-fills: only Survivor (4) and unlabelled (0) pixels are written, and the status bar shows the
 * mapping.
 */
describe('models panel and class mapping', () => {
  let dir: string
  let srv: ServeHandle
  let page: Page
  let errors: string[]

  const session = servedSession('twinlight-models-', async (d) => {
    await runCli(['demo', join(d, 'demo'), '--count', '4', '--family', 'pst900'])
    return undefined
  })
  before(async () => {
    ;({ dir, srv, page, errors } = session)
  })

  test('map person → Survivor, pre-fill writes only Survivor and unlabelled', async () => {
    await page.goto(srv.url)
    await page.getByTestId('new-path').fill(join(dir, 'pst.twinlight'))
    await page.getByTestId('new-preset').selectOption('pst900')
    await page.getByTestId('create-project').click()
    await page.getByTestId('browser-empty').waitFor()
    await ok(srv, 'startImport', { dir: join(dir, 'demo', 'dataset-pst900'), withoutLabels: true })
    await until(async () => /4 images/.test(await page.getByTestId('browser-count').innerText()), 'grid lists the imported images', 60_000)

    // Pre-fill before mapping is refused with a sentence pointing at Models.
    const refused = await ok<{ id: number }>(srv, 'startPrefill', {})
    await until(async () => !['queued', 'running'].includes((await ok<{ state: string }>(srv, 'getJob', { id: refused.id })).state), 'unmapped pre-fill ends', 60_000)
    const failed = await ok<{ state: string; error: string }>(srv, 'getJob', { id: refused.id })
    assert.equal(failed.state, 'failed', JSON.stringify(failed))
    assert.match(failed.error, /differ from this project.s.*Map them in the Models panel/)

    await page.getByTestId('file-menu').click()
    await page.getByTestId('open-models').click()
    const panel = page.getByTestId('models-panel')
    await panel.waitFor()
    const row = panel.locator('[data-testid^="model-row-"]').filter({ hasText: 'tiny-sartm' })
    await row.getByTestId('badge-prefills').waitFor()
    assert.match(await row.getByTestId('model-mapping-state').innerText(), /differ from the project's/)
    await screenshot(page, 'models-panel')

    await row.getByTestId('model-map').click()
    const editor = page.getByTestId('class-mapping-editor')
    await editor.waitFor()
    assert.match(await editor.getByTestId('mapping-count').innerText(), /^0\/9/)
    await editor.getByTestId('mapping-select-person').selectOption({ label: '4 Survivor' })
    assert.match(await editor.getByTestId('mapping-count').innerText(), /^1\/9/)
    await screenshot(page, 'models-mapping-editor')
    await editor.getByTestId('mapping-save').click()
    await editor.waitFor({ state: 'detached' })
    await until(async () => /mapped 1\/9/.test(await row.getByTestId('model-mapping-state').innerText()), 'row shows the mapping')
    const status = page.getByTestId('status-mapping')
    await until(async () => /mapping 1\/9 classes/.test(await status.innerText().catch(() => '')), 'status bar shows the mapping')

    await page.keyboard.press('Escape')
    await panel.waitFor({ state: 'detached' })
    await page.getByTestId('prefill').click()
    await until(async () => /prefilled\s*4/.test(await page.getByTestId('status-counts').innerText()), 'four images pre-filled', 120_000)

    const images = await ok<{ items: { id: number }[] }>(srv, 'listImages', {})
    let survivor = 0
    for (const { id } of images.items) {
      const m = (await labelMap(srv, id))!
      const values = new Set(m.data)
      assert.ok([...values].every((v) => v === 0 || v === 4), `image ${id} holds only unlabelled and Survivor, got ${[...values].join(', ')}`)
      survivor += m.data.filter((v) => v === 4).length
    }
    assert.ok(survivor > 0, 'some person pixels were written as Survivor')
    assert.match(await status.innerText(), /mapping 1\/9 classes/)
    await screenshot(page, 'models-after-prefill')
    assert.deepEqual(errors, [])
  })
})
