/**
 * Fine-tune from the browser: a project whose images are accepted (imported ground truth), the
 * embedded tiny model; the model panel's Fine-tune draws the loss curve and the IoU table, Roll back
 * and Activate switch the model named in the status bar.
 */
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import { runCli, type ServeHandle } from './helpers/server'
import { screenshot } from './helpers/browser'
import { servedSession } from './helpers/session'
import { ok } from './helpers/api'

interface ModelList { activeId: number | null; models: { id: number; name: string; kind: string }[] }

describe('fine-tune panel', () => {
  let srv: ServeHandle
  let page: Page
  let errors: string[]

  const session = servedSession('twinlight-train-e2e-', async (d) => {
    const data = join(d, 'dataset')
    await writeSyntheticDataset(data, { count: 16, seed: 9, width: 320, height: 240, compressionLevel: 1 })
    const project = join(d, 'train.twinlight')
    await runCli(['import', data, '--project', project])
    return project
  })
  before(async () => {
    ;({ srv, page, errors } = session)
  })

  test('Fine-tune draws the loss curve and the metrics table; Roll back and Activate switch the status bar model', async () => {
    await page.goto(srv.url)
    await page.getByTestId('image-browser').waitFor()
    await page.getByTestId('model-panel').click()
    await page.getByTestId('finetune-panel').waitFor()
    await page.getByTestId('finetune-start').click()
    await page.getByTestId('metrics-table').waitFor({ timeout: 120_000 })
    const points = Number(await page.getByTestId('loss-curve').getAttribute('data-points'))
    assert.ok(points > 10, `loss curve has ${points} points`)
    assert.ok(await page.locator('[data-testid="loss-curve"] polyline').count() === 1)
    const rows = await page.locator('[data-testid="metrics-table"] tbody tr').count()
    assert.equal(rows, 10) // 9 MFNet classes + mIoU
    await screenshot(page, 'training-panel')

    const list = await ok<ModelList>(srv, 'listModels')
    const base = list.models.find((m) => m.kind === 'base')!
    const tuned = list.models.find((m) => m.kind === 'adapter')!
    const showing = (name: string) => page.waitForFunction((n) => document.querySelector('[data-testid="status-model"]')?.textContent?.includes(n), name)
    const activate = async () => {
      await page.getByTestId('finetune-activate').click()
      await showing(tuned.name)
      assert.equal((await ok<ModelList>(srv, 'listModels')).activeId, tuned.id)
    }
    const rollback = async () => {
      await page.getByTestId('finetune-rollback').click()
      await showing(base.name)
      assert.equal((await ok<ModelList>(srv, 'listModels')).activeId, base.id)
    }
    // The job activated the new version only if it scored at least as well as the base (if-better).
    if (list.activeId === tuned.id) {
      await showing(tuned.name)
      await rollback()
      await activate()
    } else {
      await showing(base.name)
      await activate()
      await rollback()
    }
    assert.deepEqual(errors, [])
  })
})
