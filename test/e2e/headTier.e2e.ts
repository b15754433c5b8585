/**
 * The head tier from the browser (issue 19): a PST900 project (classes the embedded street model
 * never saw) with accepted masks and a few unreviewed images. In the Fine-tune panel the person
 * picks Head, fine-tunes, reads the IoU table with PST900's class names, re-pre-fills, and the
 * unreviewed images' proposals now come from the new version.
 */
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { pst900Project } from './helpers/pst900Project'
import type { ServeHandle } from './helpers/server'
import { screenshot } from './helpers/browser'
import { servedSession } from './helpers/session'
import { labelMap, ok } from './helpers/api'

interface ModelList { activeId: number | null; models: { id: number; name: string; kind: string; tier?: string | null }[] }
interface ImagePage { items: { id: number; status: string }[] }

describe('fine-tune panel, head tier', () => {
  let srv: ServeHandle
  let page: Page
  let errors: string[]

  const session = servedSession('twinlight-head-e2e-', (d) => pst900Project(d, { accepted: 12, todo: 3, seed: 9 }))
  before(async () => {
    ;({ srv, page, errors } = session)
  })

  test('Head fine-tunes PST900 classes, shows them in the IoU table, and re-pre-fill changes the proposals', async () => {
    const todo = (await ok<ImagePage>(srv, 'listImages', { limit: 100 })).items.filter((i) => i.status !== 'accepted')
    assert.equal(todo.length, 3)
    const before = await Promise.all(todo.map((i) => labelMap(srv, i.id, 'current')))

    await page.goto(srv.url)
    await page.getByTestId('image-browser').waitFor()
    await page.getByTestId('model-panel').click()
    await page.getByTestId('finetune-panel').waitFor()
    await page.getByTestId('finetune-tier-head').click()
    assert.equal(await page.getByTestId('finetune-tier-head').getAttribute('aria-checked'), 'true')
    await page.getByTestId('finetune-start').click()
    const table = page.getByTestId('metrics-table')
    await table.waitFor({ timeout: 180_000 })
    const text = (await table.textContent()) ?? ''
    for (const name of ['Fire-Extinguisher', 'Backpack', 'Hand-Drill', 'Survivor']) assert.ok(text.includes(name), `IoU table lists ${name}: ${text}`)
    assert.ok(!text.includes('car'), 'no street classes in the table')

    const list = await ok<ModelList>(srv, 'listModels')
    const tuned = list.models.find((m) => m.tier === 'head')!
    assert.ok(tuned, 'a head-tier version was stored')
    if (list.activeId !== tuned.id) await page.getByTestId('finetune-activate').click()
    await page.waitForFunction((n) => document.querySelector('[data-testid="status-model"]')?.textContent?.includes(n), tuned.name)
    assert.ok((await page.getByTestId('version-list').textContent())?.includes('head'))
    // A head-tier version outputs the project's classes: no "mapping 0/9" in the status bar.
    assert.equal((await page.getByTestId('status-mapping').textContent())?.trim(), 'head: project classes')

    await page.getByTestId('finetune-reprefill').click()
    // Re-pre-fill touches only the unreviewed images; wait until their current maps come from the head.
    let after: Awaited<ReturnType<typeof labelMap>>[] = []
    for (let t = 0; t < 240; t++) {
      after = await Promise.all(todo.map((i) => labelMap(srv, i.id, 'current')))
      if (after.every((m, k) => m && before[k] && Buffer.compare(Buffer.from(m.data), Buffer.from(before[k]!.data)) !== 0)) break
      await new Promise((r) => setTimeout(r, 500))
    }
    after.forEach((m, k) => assert.ok(m && Buffer.compare(Buffer.from(m.data), Buffer.from(before[k]!.data)) !== 0, `proposal of image ${todo[k]!.id} changed`))
    const classes = new Set(after.flatMap((m) => Array.from(new Set(m!.data))))
    assert.ok([...classes].every((c) => c <= 4), `head proposals use PST900 indices: ${[...classes]}`)
    const statuses = (await ok<ImagePage>(srv, 'listImages', { limit: 100 })).items
    assert.equal(statuses.filter((i) => i.status === 'accepted').length, 12, 'accepted images untouched')
    await screenshot(page, 'training-head-tier')
    assert.deepEqual(errors, [])
  })
})
