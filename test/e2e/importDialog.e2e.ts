import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startServer, type ServeHandle } from './helpers/server'
import { launchBrowser, newPage, screenshot } from './helpers/browser'
import { until } from './helpers/viewer'
import { PST900_FOLDERS, writePst900Dataset } from '../../src/main/core/datasets/synthetic/writePst900'

/**
 * Import from the window, as a person would: from the empty start screen create a project, open the
 * import dialog from the empty browser, browse to a PST900 folder, see its preview (with the one
 * truncated PNG listed by name before anything is written), import with a progress bar, see the images.
 */
describe('import dialog', () => {
  let dir: string
  let srv: ServeHandle
  let browser: Browser
  let page: Page
  let errors: string[]
  let names: { train: string[]; test: string[] }
  const COUNT = 40

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinlight-import-e2e-'))
    names = (await writePst900Dataset(join(dir, 'pst900'), { count: COUNT, seed: 5 })).splits
    // ONE bad file: a truncated thermal PNG.
    const bad = join(dir, 'pst900', 'train', 'thermal', `${names.train[1]}.png`)
    const bytes = readFileSync(bad)
    writeFileSync(bad, bytes.subarray(0, Math.floor(bytes.length * 0.6)))
    srv = await startServer({ dataRoots: [dir] })
    browser = await launchBrowser()
    ;({ page, errors } = await newPage(browser))
  })
  after(async () => {
    await browser?.close()
    await srv?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  test('create a project, browse to the dataset, preview it, import, see the images', async () => {
    await page.goto(srv.url)
    await page.getByTestId('new-path').fill(join(dir, 'labels.twinlight'))
    await page.getByTestId('create-project').click()
    await page.getByTestId('browser-empty').waitFor()
    assert.doesNotMatch(await page.getByTestId('browser-empty').innerText(), /twinlight /, 'the empty state names no CLI command')
    await screenshot(page, 'import-empty-browser')

    await page.getByTestId('browser-empty-import').click()
    await page.getByTestId('import-dialog').waitFor()
    // The roots: home, the OS temp folder and this test's --data-root.
    await page.getByTestId(`folder-${dir}`).click()
    await until(async () => (await page.getByTestId('folder-path').innerText()) === dir, 'inside the data root')
    const entry = page.getByTestId('folder-pst900')
    assert.match(await entry.innerText(), /pst900/, 'the folder is recognised as PST900 before choosing it')
    // Up from a root goes back to the list of allowed folders, never above the root.
    await page.getByTestId('folder-up').click()
    await until(async () => (await page.getByTestId('folder-path').innerText()) === 'Allowed folders', 'back at the roots')
    await page.getByTestId(`folder-${dir}`).click()
    await page.getByTestId('folder-pst900').click()
    await until(async () => (await page.getByTestId('folder-path').innerText()).endsWith('pst900'), 'inside the dataset folder')
    await screenshot(page, 'import-dialog-browse')

    await page.getByTestId('folder-choose').click()
    await page.getByTestId('preview-summary').waitFor({ timeout: 60_000 })
    assert.match(await page.getByTestId('preview-summary').innerText(), new RegExp(`${COUNT} image pairs`))
    assert.equal(await page.getByTestId('preview-split-train').innerText(), `train: ${names.train.length}`)
    assert.equal(await page.getByTestId('preview-split-test').innerText(), `test: ${names.test.length}`)
    assert.equal(await page.getByTestId('preview-layout').inputValue(), 'pst900')
    assert.match(await page.getByTestId('preview-classes').innerText(), /Fire-Extinguisher/)
    const problems = await page.getByTestId('preview-problems').innerText()
    assert.match(problems, new RegExp(`train/thermal/${names.train[1]}\\.png`), 'the truncated PNG is listed by name before the import')
    assert.equal(await page.getByTestId('preview-samples').locator('img').count() >= 2, true)
    // Nothing written yet.
    assert.equal(await page.getByTestId('browser-count').innerText(), '0 images')
    await until(async () => (await page.getByTestId('preview-samples').locator('img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete))), 'thumbnails decoded')
    await screenshot(page, 'import-dialog-preview')

    assert.equal(await page.getByTestId('preview-import').innerText(), `Import ${COUNT - 1} images`)
    await page.getByTestId('preview-import').click()
    await page.getByTestId('import-progress').waitFor()
    // The bar moves with the pushed job progress (PST900-size images take a moment each).
    await until(async () => Number(await page.getByTestId('import-progress').getAttribute('aria-valuenow')) > 0, 'the progress bar moves', 60_000)
    assert.match(await page.getByTestId('import-progress-text').innerText(), /Importing \d+\/40/)
    await screenshot(page, 'import-dialog-progress')
    await page.getByTestId('import-finished').waitFor({ timeout: 120_000 })
    const summary = await page.getByTestId('import-summary').innerText()
    assert.match(summary, new RegExp(`Imported ${COUNT - 1} images`))
    assert.match(summary, /1 file\(s\) had problems/)
    await screenshot(page, 'import-dialog-finished')

    await page.getByTestId('import-done').click()
    await until(async () => (await page.getByTestId('browser-count').innerText()) === `${COUNT - 1} images`, 'the grid lists the imported images', 60_000)
    await page.locator('.tile[data-testid]').first().waitFor()
    await page.waitForTimeout(800) // thumbnails
    await screenshot(page, 'import-browser-after')
    assert.deepEqual(errors, [])
  })

  test('a folder outside the allowed roots is refused with a sentence in the dialog', async () => {
    // More images go in through the status bar's import button (or the I key).
    await page.keyboard.press('Control+i')
    await page.getByTestId('import-dialog').waitFor()
    await page.getByTestId('import-close').click()
    await page.getByTestId('status-import').click()
    await page.getByTestId('import-dialog').waitFor()
    const r = await page.evaluate(async (token) => {
      const res = await fetch('/api/listFolders', { method: 'POST', headers: { 'content-type': 'application/json', 'x-twinlight-token': token }, body: JSON.stringify({ path: '/etc' }) })
      return { status: res.status, body: await res.json() }
    }, srv.token)
    assert.equal(r.status, 403)
    assert.match(r.body.error.message, /\/etc is outside the folders this server may use/)
    errors.splice(0) // the page logs that refused request; it was this test's own
    await page.getByTestId('import-close').click()
  })

  test('the same images under another folder: the preview counts them as already there; cancel stops the import', async () => {
    cpSync(join(dir, 'pst900'), join(dir, 'copy'), { recursive: true })
    // Plus a few new scenes (renamed so they do not clash), so there is something left to import.
    const extra = await writePst900Dataset(join(dir, 'extra'), { count: 8, seed: 9 })
    for (const [split, list] of Object.entries(extra.splits))
      for (const n of list) for (const f of PST900_FOLDERS) renameSync(join(dir, 'extra', split, f, `${n}.png`), join(dir, 'copy', split, f, `new_${n}.png`))
    await page.getByTestId('status-import').click()
    await page.getByTestId(`folder-${dir}`).click()
    await page.getByTestId('folder-copy').click()
    await page.getByTestId('folder-choose').click()
    await page.getByTestId('preview-duplicates').waitFor({ timeout: 60_000 })
    assert.match(await page.getByTestId('preview-duplicates').innerText(), new RegExp(`${COUNT - 1} of these images are already in this project`))
    assert.equal(await page.getByTestId('preview-import').innerText(), 'Import 8 images', 'only the new scenes count')
    await page.getByTestId('preview-import').click()
    await page.getByTestId('import-cancel').click()
    await page.getByTestId('import-finished').waitFor({ timeout: 60_000 })
    assert.match(await page.getByTestId('import-summary').innerText(), /Import cancelled/)
    await screenshot(page, 'import-dialog-cancelled')
    await page.getByTestId('import-done').click()
    // The cancel may land after some new scenes went in; none of the 39 already there came in twice.
    const n = Number(/^(\d+) images$/.exec(await page.getByTestId('browser-count').innerText())?.[1])
    assert.ok(n >= COUNT - 1 && n <= COUNT - 1 + 8, `nothing imported twice (${n} images)`)
    assert.deepEqual(errors, [])
  })
})
