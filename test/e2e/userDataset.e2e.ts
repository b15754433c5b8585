// Issue #18 acceptance: a new user's own dataset end to end, only through the window. From an empty
// start screen: a PST900-preset project, import of a PST900-layout folder with one bad file (named in
// the preview before anything is written), Models → map the embedded model's `person` to Survivor,
// pre-fill, one image corrected with the brush and accepted, export in the PST900 layout; the
// exported label PNGs decode to exactly the project's masks. The API is used only to read results.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import type { Browser, Page } from 'playwright-core'
import { startServer, type ServeHandle } from './helpers/server'
import { launchBrowser, newPage, screenshot } from './helpers/browser'
import { labelMap, ok } from './helpers/api'
import { strokeImage, until, waitSaved } from './helpers/viewer'
import { writePst900Dataset } from '../../src/main/core/datasets/synthetic/writePst900'

interface Row { id: number; name: string; split: string; status: string }

const COUNT = 6
/** PST900: 0 Background, 1 Fire-Extinguisher, 2 Backpack, 3 Hand-Drill, 4 Survivor. */
const SURVIVOR = 4
const BACKPACK = 2

describe("a user's own PST900 dataset, end to end in the window", () => {
  let dir: string
  let srv: ServeHandle
  let browser: Browser
  let page: Page
  let errors: string[]
  let bad: string

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinlight-user-dataset-'))
    const { splits } = await writePst900Dataset(join(dir, 'my-pst900'), { count: COUNT, seed: 11, width: 1280, height: 720 })
    // The one bad file: a thermal PNG cut short (a copy that stopped half-way).
    bad = `train/thermal/${splits.train[0]}.png`
    const path = join(dir, 'my-pst900', bad)
    writeFileSync(path, readFileSync(path).subarray(0, 4000))
    srv = await startServer({ dataRoots: [dir] })
    browser = await launchBrowser()
    ;({ page, errors } = await newPage(browser))
  })
  after(async () => {
    await browser?.close()
    await srv?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test('PST900 project → import with a bad file → map person → Survivor → pre-fill → brush → accept → export PST900', async () => {
    // 1. Empty start screen → a project with the PST900 preset.
    await page.goto(srv.url)
    await page.getByTestId('start-screen').waitFor()
    await page.getByTestId('new-path').fill(join(dir, 'my-labels.twinlight'))
    await page.getByTestId('new-preset').selectOption('pst900')
    await page.getByTestId('create-project').click()
    await page.getByTestId('browser-empty').waitFor()

    // 2. Import from the empty browser: browse to the folder, the bad file is named before anything is written.
    await page.getByTestId('browser-empty-import').click()
    await page.getByTestId('import-dialog').waitFor()
    await page.getByTestId(`folder-${dir}`).click()
    await page.getByTestId('folder-my-pst900').click()
    await until(async () => (await page.getByTestId('folder-path').innerText()).endsWith('my-pst900'), 'inside the dataset folder')
    await page.getByTestId('folder-choose').click()
    await page.getByTestId('preview-summary').waitFor({ timeout: 60_000 })
    assert.equal(await page.getByTestId('preview-layout').inputValue(), 'pst900')
    assert.match(await page.getByTestId('preview-summary').innerText(), new RegExp(`${COUNT} image pairs`))
    const problems = await page.getByTestId('preview-problems').innerText()
    assert.match(problems, new RegExp(bad.replace(/[.]/g, '\\.')), `the bad file is listed by name: ${problems}`)
    assert.equal((await ok<{ imageCount: number }>(srv, 'getProject')).imageCount, 0, 'nothing imported by the preview')
    // The dataset's labels come in as proposals to review, so the model's pre-fill may replace them.
    await page.getByTestId('preview-as-proposals').check()
    await until(async () => (await page.getByTestId('preview-samples').locator('img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete))), 'thumbnails decoded')
    await screenshot(page, 'user-import-preview')
    assert.equal(await page.getByTestId('preview-import').innerText(), `Import ${COUNT - 1} images`)
    await page.getByTestId('preview-import').click()
    await page.getByTestId('import-finished').waitFor({ timeout: 120_000 })
    assert.match(await page.getByTestId('import-summary').innerText(), new RegExp(`Imported ${COUNT - 1} images`))
    await screenshot(page, 'user-import-finished')
    await page.getByTestId('import-done').click()
    await until(async () => (await page.getByTestId('browser-count').innerText()) === `${COUNT - 1} images`, 'the grid lists the imported images', 60_000)
    // PST900's long class names in the "Contains" filter must not push the toolbar onto two rows.
    const first = await page.getByTestId('filter-new').boundingBox()
    const last = await page.getByTestId('file-menu').boundingBox()
    assert.ok(first && last && Math.abs(first.y - last.y) < 4, `toolbar on one row (Status at y=${first?.y}, File at y=${last?.y})`)

    // 3. Models panel (File ▾ → Models…): person → Survivor, everything else unmapped.
    await page.getByTestId('file-menu').click()
    await page.getByTestId('open-models').click()
    const panel = page.getByTestId('models-panel')
    await panel.waitFor()
    const row = panel.locator('[data-testid^="model-row-"]').filter({ hasText: 'tiny-sartm' })
    await row.getByTestId('badge-prefills').waitFor()
    await screenshot(page, 'user-models-panel')
    await row.getByTestId('model-map').click()
    const editor = page.getByTestId('class-mapping-editor')
    await editor.waitFor()
    await editor.getByTestId('mapping-select-person').selectOption({ label: `${SURVIVOR} Survivor` })
    assert.match(await editor.getByTestId('mapping-count').innerText(), /^1\//)
    await screenshot(page, 'user-mapping-editor')
    await editor.getByTestId('mapping-save').click()
    await editor.waitFor({ state: 'detached' })
    await until(async () => /mapped 1\//.test(await row.getByTestId('model-mapping-state').innerText()), 'row shows the mapping')
    await page.keyboard.press('Escape')
    await panel.waitFor({ state: 'detached' })

    // 4. Pre-fill: only Survivor and unlabelled pixels are written.
    await page.getByTestId('prefill').click()
    await until(async () => {
      const jobs = await ok<{ kind: string; state: string }[]>(srv, 'listJobs')
      return jobs.some((j) => j.kind === 'prefill' && j.state === 'done')
    }, 'pre-fill done', 180_000)
    const rows = (await ok<{ items: Row[] }>(srv, 'listImages', {})).items
    assert.equal(rows.length, COUNT - 1)
    const survivors = new Map<number, number>()
    for (const r of rows) {
      const m = (await labelMap(srv, r.id))!
      assert.ok([...new Set(m.data)].every((v) => v === 0 || v === SURVIVOR), `${r.name}: only unlabelled and Survivor after the pre-fill`)
      survivors.set(r.id, m.data.filter((v) => v === SURVIVOR).length)
    }
    // 5. Correct an image where the model found a person (paint a Backpack it missed) and accept it.
    const target = rows.find((r) => survivors.get(r.id)! > 0)
    assert.ok(target, 'the model found people and wrote them as Survivor')
    const before = (await labelMap(srv, target.id))!
    await page.getByTestId(`tile-${target.id}`).dblclick()
    await until(async () => (await page.getByTestId('viewer').getAttribute('data-scale')) !== null, 'viewer laid out')
    await page.getByTestId('tool-brush').click()
    await page.getByTestId(`class-${BACKPACK}`).click()
    await strokeImage(page, [300, 600], [700, 600])
    await waitSaved(page)
    const corrected = (await labelMap(srv, target.id))!
    const painted = corrected.data.reduce((n, v, i) => n + (v === BACKPACK && before.data[i] !== BACKPACK ? 1 : 0), 0)
    assert.ok(painted > 400 * 5, `the stroke painted ${painted} Backpack pixels`)
    await screenshot(page, 'user-annotator-corrected')
    await page.getByTestId('accept-image').click()
    await until(async () => (await ok<Row>(srv, 'getImage', { id: target.id })).status === 'accepted', 'image accepted')
    await page.keyboard.press('Escape')
    await page.getByTestId('image-browser').waitFor()

    // 6. Export the accepted image in the PST900 layout to a new folder.
    const out = join(dir, 'my-export')
    await page.getByTestId('file-menu').click()
    await page.getByTestId('menu-file.export').click()
    await page.getByTestId('export-dialog').waitFor()
    await page.getByTestId('export-format').selectOption('pst900')
    await page.getByTestId('export-status-accepted').check()
    await page.getByTestId('export-dir').fill(out)
    await screenshot(page, 'user-export-dialog')
    await page.getByTestId('export-start').click()
    await page.getByTestId('export-summary').waitFor({ timeout: 120_000 })
    await screenshot(page, 'user-export-summary')
    assert.match(await page.getByTestId('export-summary-counts').innerText(), /^Exported 1 image: \d+ files written\.$/)
    await page.getByTestId('export-done').click()

    // The exported label PNG decodes to exactly the project's mask; only the accepted image is there.
    const labelsDir = join(out, target.split, 'labels')
    assert.deepEqual(readdirSync(labelsDir), [`${target.name}.png`])
    for (const f of ['rgb', 'thermal']) assert.ok(existsSync(join(out, target.split, f, `${target.name}.png`)), `${f}/${target.name}.png exported`)
    const { data, info } = await sharp(join(labelsDir, `${target.name}.png`)).extractChannel(0).raw().toBuffer({ resolveWithObject: true })
    const want = (await labelMap(srv, target.id))!
    assert.deepEqual([info.width, info.height], [want.width, want.height])
    assert.ok(Buffer.from(want.data).equals(data), "the exported labels equal the project's mask")
    assert.deepEqual([...new Set(data)].sort(), [0, BACKPACK, SURVIVOR], 'background, the painted Backpack and the mapped Survivor')
    assert.deepEqual(errors, [])
  })

  test('dropping the folder onto the window opens the import dialog on its preview (Electron path stubbed)', async () => {
    // Electron's preload gives a dropped File its path (webUtils.getPathForFile); browser mode has no
    // such bridge, so after the page loaded over HTTP only `pathForFile` is stood in for it here.
    const folder = join(dir, 'my-pst900')
    // (A string, not a function: tsx would wrap a named arrow in a helper the page does not have.)
    await page.evaluate(`window.twinlight = { pathForFile: (f) => (f instanceof File ? ${JSON.stringify(folder)} : '') }
      const dt = new DataTransfer()
      dt.items.add(new File(['x'], 'my-pst900'))
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))`)
    await page.getByTestId('import-dialog').waitFor()
    await page.getByTestId('preview-summary').waitFor({ timeout: 60_000 })
    assert.equal(await page.getByTestId('import-preview').locator('.path').innerText(), folder)
    assert.match(await page.getByTestId('preview-duplicates').innerText(), new RegExp(`${COUNT - 1} of these images are already in this project`))
    assert.equal((await ok<{ imageCount: number }>(srv, 'getProject')).imageCount, COUNT - 1, 'a drop imports nothing by itself')
    assert.equal(await page.getByTestId('preview-import').innerText(), 'Nothing new to import')
    assert.equal(await page.getByTestId('preview-import').isDisabled(), true)
    await screenshot(page, 'user-drop-preview')
    await page.getByTestId('import-close').click()
    await page.getByTestId('import-dialog').waitFor({ state: 'detached' })
    assert.deepEqual(errors, [])
  })
})
