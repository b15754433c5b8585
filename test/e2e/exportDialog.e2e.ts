import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import sharp from 'sharp'
import type { Page } from 'playwright-core'
import type { ServeHandle } from './helpers/server'
import { screenshot } from './helpers/browser'
import { servedSession } from './helpers/session'
import { labelMap, ok } from './helpers/api'
import { buildFixtureProject } from './helpers/fixtureProject'
import { until } from './helpers/viewer'
import { ProjectStore } from '../../src/main/core/store/projectStore'

/** Extra accepted images (copies of the first one's files and labels) so the export runs long enough to watch. */
const EXTRA = 400

/** path → sha256 of every file under `root` (folders as 'dir'). */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name)
    out[relative(root, p)] = e.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : 'dir'
  }
  return out
}

function addAcceptedCopies(projectPath: string, n: number): void {
  const store = ProjectStore.open(projectPath)
  try {
    const first = store.images.get(1)
    const labels = store.annotations.current(1)!
    store.transaction(() => {
      for (let i = 0; i < n; i++) {
        const id = store.images.insert({ name: `copy_${String(i).padStart(3, '0')}`, split: i % 2 ? 'val' : 'train', rgbPath: first.rgbPath, thermalPath: first.thermalPath, width: first.width, height: first.height, thermalBits: first.thermalBitDepth })
        store.annotations.replace(id, labels.width, labels.height, labels.labels, 'human', null)
        store.images.setStatus(id, 'accepted')
      }
    })
  } finally {
    store.close()
  }
}

async function openExport(page: Page, how: 'shortcut' | 'toolbar'): Promise<void> {
  if (how === 'shortcut') {
    await page.getByTestId('image-browser').click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('Control+e')
  } else {
    await page.getByTestId('file-menu').click()
    await screenshot(page, 'export-file-menu')
    await page.getByTestId('menu-file.export').click()
  }
  await page.getByTestId('export-dialog').waitFor()
}

describe('export dialog', () => {
  let dir: string
  let srv: ServeHandle
  let page: Page
  let errors: string[]
  let projectPath: string

  const session = servedSession('twinlight-exportdlg-', async (d) => {
    projectPath = (await buildFixtureProject(d, { count: 3 })).projectPath
    addAcceptedCopies(projectPath, EXTRA)
    return projectPath
  })
  before(async () => {
    ;({ dir, srv, page, errors } = session)
    // A person accepted scene_001 and scene_002; scene_003 stays a pre-filled proposal.
    for (const id of [1, 2]) await ok(srv, 'acceptImage', { imageId: id })
  })

  test('Ctrl+E → PST900 into a new folder: progress, summary, label PNGs equal the project masks', async () => {
    await page.goto(srv.url)
    await until(async () => (await page.getByTestId('browser-count').innerText()) === `${EXTRA + 3} images`, 'the browser lists the project', 30_000)
    await openExport(page, 'shortcut')
    const out = join(dir, 'export-pst')
    await page.getByTestId('export-format').selectOption('pst900')
    await page.getByTestId('export-status-accepted').check()
    await page.getByTestId('export-dir').fill(out)
    assert.equal(await page.getByTestId('export-choose').count(), 0, 'no native picker in browser mode')
    await screenshot(page, 'export-dialog-options')
    await page.getByTestId('export-start').click()
    await page.getByTestId('export-progress').waitFor()
    await until(async () => Number(await page.getByTestId('export-progress').getAttribute('aria-valuenow')) > 0, 'progress moves', 60_000).catch(() => {})
    await screenshot(page, 'export-dialog-progress')
    await page.getByTestId('export-summary').waitFor({ timeout: 120_000 })
    await screenshot(page, 'export-dialog-summary')
    const counts = await page.getByTestId('export-summary-counts').innerText()
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length
    assert.equal(counts, `Exported ${EXTRA + 2} images: ${files} files written.`)
    assert.equal(await page.getByTestId('export-summary-path').innerText(), out)

    // Every accepted image's label PNG decodes to the project's current mask; the proposal is not exported.
    const rows = await ok<{ items: { id: number; name: string; split: string }[] }>(srv, 'listImages', { offset: 0, limit: 500, filter: { status: ['accepted'] } })
    assert.equal(rows.items.length, EXTRA + 2)
    for (const r of rows.items) {
      const png = join(out, r.split, 'labels', `${r.name}.png`)
      const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true })
      const want = (await labelMap(srv, r.id))!
      assert.deepEqual([info.width, info.height], [want.width, want.height], r.name)
      assert.ok(Buffer.from(want.data).equals(data), `${r.name}: exported labels differ from the project's mask`)
    }
    assert.equal(existsSync(join(out, 'train', 'labels', 'scene_003.png')) || existsSync(join(out, 'val', 'labels', 'scene_003.png')), false)
    await page.getByTestId('export-done').click()

    // Exporting there again needs "replace", and replace needs a confirmation.
    await openExport(page, 'toolbar')
    await page.getByTestId('export-format').selectOption('pst900')
    await page.getByTestId('export-dir').fill(out)
    await page.getByTestId('export-start').click()
    await page.getByTestId('export-error').waitFor({ timeout: 60_000 })
    assert.match(await page.getByTestId('export-error').innerText(), /exists and is not empty/)
    await page.getByTestId('export-overwrite').check()
    await page.getByTestId('export-start').click()
    await page.getByTestId('export-confirm').waitFor()
    await screenshot(page, 'export-dialog-confirm')
    assert.match(await page.getByTestId('export-confirm').innerText(), /Replace the earlier export/)
    await page.getByTestId('export-confirm-overwrite').click()
    await page.getByTestId('export-summary').waitFor({ timeout: 120_000 })
    await page.getByTestId('export-done').click()
    assert.deepEqual(errors.filter((e) => !/409|Conflict/i.test(e)), [])
  })

  test('Cancel export stops the job and leaves nothing in the target', async () => {
    const jobs = await ok<{ kind: string; state: string; createdAt: string; updatedAt: string }[]>(srv, 'listJobs')
    const first = jobs.filter((j) => j.kind === 'export' && j.state === 'done').at(-1)!
    console.log(`# export of ${EXTRA + 2} images took ${Date.parse(first.updatedAt) - Date.parse(first.createdAt)} ms`)
    const out = join(dir, 'export-cancelled')
    await openExport(page, 'toolbar')
    await page.getByTestId('export-status-all').check()
    await page.getByTestId('export-dir').fill(out)
    await page.getByTestId('export-start').click()
    await page.getByTestId('export-cancel').click()
    await page.getByTestId('export-stopped').waitFor({ timeout: 60_000 })
    assert.equal(await page.getByTestId('export-stopped').locator('p').innerText(), `Export cancelled. Nothing was written to ${out}.`)
    assert.equal(existsSync(out), false)
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('export-cancelled')), [], 'no temporary sibling left')
    await page.keyboard.press('Escape')
    await page.getByTestId('export-dialog').waitFor({ state: 'detached' })
  })

  test('exporting onto the folder that holds the project is refused in the dialog; nothing is deleted', async () => {
    const before = tree(dir)
    const exportJobs = async () => (await ok<{ kind: string }[]>(srv, 'listJobs')).filter((j) => j.kind === 'export').length
    const jobsBefore = await exportJobs()
    await openExport(page, 'toolbar')
    await page.getByTestId('export-dir').fill(dir)
    await page.getByTestId('export-overwrite').check()
    await page.getByTestId('export-start').click()
    await page.getByTestId('export-confirm-overwrite').click()
    const err = page.getByTestId('export-error')
    await err.waitFor()
    assert.equal(await err.innerText(), `Export target ${dir} contains the project file ${projectPath}; an export there could delete it. Choose a new, empty folder outside it.`)
    await screenshot(page, 'export-dialog-refused')
    assert.deepEqual(tree(dir), before)
    // The folder of the project's images is refused as well.
    await page.getByTestId('export-dir').fill(join(dir, 'data'))
    await page.getByTestId('export-start').click()
    await page.getByTestId('export-confirm-overwrite').click()
    await until(async () => /an image this project references/.test(await err.innerText()), 'image folder refused')
    assert.deepEqual(tree(dir), before)
    assert.equal(await exportJobs(), jobsBefore, 'no job row for a refused target')
  })

  test('the shortcut sheet lists the File and Model commands; a folder dropped in browser mode gets a sentence', async () => {
    await page.keyboard.press('Escape')
    await page.getByTestId('export-dialog').waitFor({ state: 'detached' })
    await page.keyboard.press('?')
    const sheet = page.getByTestId('shortcut-sheet')
    await sheet.waitFor()
    const text = await sheet.innerText()
    for (const [label, key] of [['Export Dataset…', 'Ctrl+E'], ['Import Dataset…', 'Ctrl+I'], ['New Project…', 'Ctrl+N'], ['Open Project…', 'Ctrl+O'], ['Fine-tune the model…', 'Ctrl+Shift+F'], ['Models…', 'Ctrl+Shift+M']]) {
      assert.match(text, new RegExp(`${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*${key.replace(/\+/g, '\\+')}`), label)
    }
    await page.keyboard.press('Escape')
    await page.evaluate(() => {
      const dt = new DataTransfer()
      dt.items.add(new File(['x'], 'dataset'))
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
    })
    const toast = page.getByTestId('toast-info').filter({ hasText: 'Browser mode cannot see where a dropped folder lives' })
    await toast.waitFor()
  })
})
