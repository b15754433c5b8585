// A user's own class table (issue #18 item 1): from the empty start screen, build a 4-class table
// (one ignore) in the new-project dialog, create the project, paint two classes with the brush,
// rename one in the Classes dialog, merge two with the remap, check the pixels in the canvas and
// the API, undo the merge and check they are back. The images come from a folder-pairs dataset
// (visible/ + infrared/, no labels) imported through the import dialog, which keeps the table.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startServer, type ServeHandle } from './helpers/server'
import { launchBrowser, newPage, screenshot } from './helpers/browser'
import { labelMap, ok } from './helpers/api'
import { layerPixel, strokeImage, until, waitSaved } from './helpers/viewer'
import { encodeGrey8Png, encodeRgbPng } from '../../src/main/core/imaging/png'

interface Cls {
  index: number
  name: string
  color: number[]
  ignore: boolean
}

/** A folder-pairs dataset: visible/NAME.png (RGB) and infrared/NAME.png (8-bit thermal), no labels. */
async function writeFolderPairs(root: string, count: number, w: number, h: number): Promise<void> {
  for (const f of ['visible', 'infrared']) mkdirSync(join(root, f), { recursive: true })
  for (let k = 0; k < count; k++) {
    const rgb = new Uint8Array(w * h * 3)
    const th = new Uint8Array(w * h)
    for (let i = 0; i < w * h; i++) {
      const x = i % w
      const y = Math.floor(i / w)
      rgb.set([60 + ((x * 120) / w) | 0, 80 + 40 * k, 90 + ((y * 100) / h) | 0], i * 3)
      th[i] = Math.abs(x - w / 2) < 20 && Math.abs(y - h / 2) < 40 ? 230 : 70 + ((y * 40) / h) | 0
    }
    const name = `pair_${k + 1}.png`
    writeFileSync(join(root, 'visible', name), await encodeRgbPng(rgb, w, h))
    writeFileSync(join(root, 'infrared', name), await encodeGrey8Png(th, w, h))
  }
}

describe('class editor', () => {
  let dir: string
  let srv: ServeHandle
  let browser: Browser
  let page: Page
  let errors: string[]

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinlight-class-editor-'))
    await writeFolderPairs(join(dir, 'pairs'), 2, 320, 240)
    srv = await startServer({ dataRoots: [dir] })
    browser = await launchBrowser()
    ;({ page, errors } = await newPage(browser))
  })
  after(async () => {
    await browser?.close()
    await srv?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test('own table → paint → rename → merge with remap → undo', async () => {
    await page.goto(srv.url)
    await page.getByTestId('start-screen').waitFor()
    const file = join(dir, 'own-classes.twinlight')
    await page.getByTestId('new-path').fill(file)
    await page.getByTestId('new-project-classes').click()
    const dialog = page.getByTestId('new-project-dialog')
    await dialog.waitFor()
    assert.equal(await page.getByTestId('npd-path').inputValue(), file, 'the path typed on the start screen is carried over')

    // A class file (YAML) fills the editor; then start from scratch instead.
    await page.getByTestId('npd-class-file').setInputFiles({ name: 'data.yaml', mimeType: 'text/yaml', buffer: Buffer.from('names:\n  0: background\n  1: person\n  2: car\n') })
    await until(async () => (await page.getByTestId('npd-source').innerText()) === 'data.yaml', 'class file loaded')
    assert.equal(await page.getByTestId('class-name-2').inputValue(), 'car')
    await page.getByTestId('npd-empty').click()
    await page.getByTestId('class-name-0').fill('void')
    await page.getByTestId('class-ignore-0').check()
    for (let i = 0; i < 3; i++) await page.getByTestId('class-add').click()
    await page.getByTestId('class-name-1').fill('car')
    await page.getByTestId('class-name-2').fill('road')
    await page.getByTestId('class-name-3').fill('car')
    // A duplicate name is refused with a sentence and blocks Create.
    await page.getByTestId('class-problems').waitFor()
    assert.match(await page.getByTestId('class-problems').innerText(), /Two classes are named "car" \(indices 1 and 3\)/)
    assert.equal(await page.getByTestId('npd-create').isDisabled(), true)
    await page.getByTestId('class-name-3').fill('truck')
    await page.getByTestId('class-color-1').fill('#e02020')
    await page.getByTestId('class-color-3').fill('#2040e0')
    // Reorder: "road" moves up and takes index 1.
    await page.getByTestId('class-up-2').click()
    assert.equal(await page.getByTestId('class-name-1').inputValue(), 'road')
    assert.equal(await page.getByTestId('class-name-2').inputValue(), 'car')
    await page.getByTestId('class-problems').waitFor({ state: 'detached' })
    await screenshot(page, 'class-editor-new-project')

    await page.getByTestId('npd-create').click()
    await page.getByTestId('browser-empty').waitFor()
    const summary = await ok<{ classes: Cls[] }>(srv, 'getProject')
    assert.deepEqual(
      summary.classes.map((c) => [c.index, c.name, c.ignore, c.color]),
      [[0, 'void', true, [0, 0, 0]], [1, 'road', false, summary.classes[1]!.color], [2, 'car', false, [224, 32, 32]], [3, 'truck', false, [32, 64, 224]]]
    )

    // Folder pairs through the import dialog: images only, so the project's own table stays.
    await page.getByTestId('browser-empty-import').click()
    await page.getByTestId(`folder-${dir}`).click()
    await page.getByTestId('folder-pairs').click()
    await page.getByTestId('folder-choose').click()
    await page.getByTestId('preview-summary').waitFor({ timeout: 60_000 })
    assert.equal(await page.getByTestId('preview-layout').inputValue(), 'folder-pairs')
    assert.match(await page.getByTestId('preview-summary').innerText(), /2 image pairs/)
    assert.match(await page.getByTestId('preview-no-labels').innerText(), /project keeps its classes/)
    await screenshot(page, 'class-editor-pairs-preview')
    await page.getByTestId('preview-import').click()
    await page.getByTestId('import-finished').waitFor({ timeout: 60_000 })
    assert.match(await page.getByTestId('import-summary').innerText(), /Imported 2 images/)
    await page.getByTestId('import-done').click()
    await until(async () => (await page.getByTestId('browser-count').innerText()) === '2 images', 'the grid lists the pairs')
    assert.equal((await ok<{ classes: Cls[] }>(srv, 'getProject')).classes.length, 4, 'the images-only import kept the table')
    await page.getByTestId('tile-1').dblclick()
    await until(async () => (await page.getByTestId('viewer').getAttribute('data-scale')) !== null, 'viewer laid out')

    // Paint car and truck with the brush.
    await page.getByTestId('class-2').click()
    await strokeImage(page, [40, 60], [200, 60])
    await waitSaved(page)
    await page.getByTestId('class-3').click()
    await strokeImage(page, [40, 160], [200, 160])
    await waitSaved(page)
    const at = (m: { width: number; data: Uint8Array }, x: number, y: number) => m.data[y * m.width + x]
    let map = (await labelMap(srv, 1))!
    assert.equal(at(map, 120, 60), 2, 'car painted')
    assert.equal(at(map, 120, 160), 3, 'truck painted')
    const truckPx = map.data.filter((v) => v === 3).length
    const carPx = map.data.filter((v) => v === 2).length
    const red = (p: number[]) => p[0]! > 150 && p[2]! < 100
    const blue = (p: number[]) => p[2]! > 150 && p[0]! < 100
    assert.ok(blue(await layerPixel(page, 1, 120, 160)), 'truck drawn blue')

    // Rename in the Classes dialog: the palette follows.
    await page.getByTestId('edit-classes').click()
    await page.getByTestId('classes-dialog').waitFor()
    await page.getByTestId('cls-name-1').fill('street')
    await page.getByTestId('cls-name-1').press('Enter')
    await until(async () => (await page.getByTestId('class-1').innerText()).includes('street'), 'side panel shows the new name')
    assert.equal((await ok<{ classes: Cls[] }>(srv, 'getProject')).classes[1]!.name, 'street')

    // Merge truck into car: every truck pixel becomes car, in the API and on the canvas.
    assert.equal(await page.getByTestId('cls-merge-3').isDisabled(), true, 'no merge without a target')
    await page.getByTestId('cls-merge-target-3').selectOption('2')
    await page.getByTestId('cls-merge-3').click()
    await page.getByTestId('cls-log').getByText(/Merged "truck" \(3\) into "car" \(2\)/).waitFor()
    assert.match(await page.getByTestId('cls-log').innerText(), new RegExp(`${truckPx} px in 1 label map`))
    await page.getByTestId('cls-row-3').waitFor({ state: 'detached' })
    await screenshot(page, 'class-editor-classes-panel')
    map = (await labelMap(srv, 1))!
    assert.equal(at(map, 120, 160), 2, 'truck pixels are car now')
    assert.equal(map.data.filter((v) => v === 3).length, 0)
    assert.equal(map.data.filter((v) => v === 2).length, carPx + truckPx)
    await until(async () => red(await layerPixel(page, 1, 120, 160)), 'canvas redrew the merged pixels red')
    assert.equal(await page.getByTestId('class-3').count(), 0, 'truck left the palette')
    assert.match((await page.getByTestId('class-2').getAttribute('class')) ?? '', /active/, 'the brush moved from the merged-away truck to car')

    // Undo the merge: the class and its pixels are back.
    await page.getByTestId('cls-undo').click()
    await page.getByTestId('cls-row-3').waitFor()
    map = (await labelMap(srv, 1))!
    assert.equal(at(map, 120, 160), 3, 'truck pixels restored')
    assert.equal(map.data.filter((v) => v === 3).length, truckPx)
    assert.equal(map.data.filter((v) => v === 2).length, carPx)
    await until(async () => blue(await layerPixel(page, 1, 120, 160)), 'canvas shows truck again')
    assert.match(await page.getByTestId('cls-log').innerText(), /\(undone\)/)
    await page.getByTestId('classes-close').click()
    await page.getByTestId('class-3').waitFor()
    await screenshot(page, 'class-editor-after-undo')
    assert.deepEqual(errors, [])
  })
})
