/**
 * The feature cache in the Model panel (issue #21 item 3): a 6-image project with a cache cap that
 * holds two images' outputs. The person opens the Model panel, reads one image's cost and that only
 * 2 of 6 images fit, raises the cap to 64 MB and reads that all fit. The numbers must match what
 * the API says (the manifest's output shapes: header + C·h·w·4 + D·h·w·2).
 */
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { writePst900Dataset } from '../../src/main/core/datasets/synthetic/writePst900'
import { runCli, type ServeHandle } from './helpers/server'
import { screenshot } from './helpers/browser'
import { servedSession } from './helpers/session'
import { ok } from './helpers/api'
import { until } from './helpers/viewer'

interface CacheInfo { entries: number; capBytes: number; perImage: { c: number; d: number; h: number; w: number; bytes: number } | null; projectImages: number; fitImages: number }

describe('Model panel: feature cache cost and cap', () => {
  let srv: ServeHandle
  let page: Page
  let errors: string[]
  // The served process reads the cap from the environment: 3 MB holds two tiny-sartm entries (1.2 MB each).
  process.env.TWINLIGHT_FEATURE_CACHE_MB = '3'
  const session = servedSession('twinlight-cache-e2e-', async (d) => {
    const project = join(d, 'pst.twinlight')
    await writePst900Dataset(join(d, 'ds'), { count: 6, seed: 4, width: 320, height: 240, compressionLevel: 1 })
    await runCli(['import', join(d, 'ds'), '--project', project])
    return project
  })
  before(async () => {
    ;({ srv, page, errors } = session)
    delete process.env.TWINLIGHT_FEATURE_CACHE_MB
  })

  test('shows per-image cost, that 2 of 6 images fit, and a raised cap', async () => {
    const api = await ok<CacheInfo>(srv, 'getCacheStats')
    const { c, d, h, w, bytes } = api.perImage!
    assert.equal(bytes, 24 + 4 * c * h * w + 2 * d * h * w)
    assert.equal(api.projectImages, 6)
    assert.equal(api.fitImages, 2)

    await page.goto(srv.url)
    await page.getByTestId('image-browser').waitFor()
    await page.getByTestId('model-panel').click()
    const panel = page.getByTestId('cache-info')
    await panel.getByTestId('cache-fit').waitFor()
    assert.equal(Number(await panel.getByTestId('cache-per-image').getAttribute('data-bytes')), bytes)
    const perImage = (await panel.getByTestId('cache-per-image').textContent()) ?? ''
    assert.match(perImage, new RegExp(`${(bytes / 1024 ** 2).toFixed(1)} MB per image`))
    assert.match(perImage, new RegExp(`${c} logits \\+ ${d} features × ${h}×${w}`))
    assert.equal((await panel.getByTestId('cache-fit').textContent())?.trim(), 'features for 2 of 6 images fit the 3.0 MB cap; the rest are recomputed when needed')
    await panel.scrollIntoViewIfNeeded()
    await screenshot(page, 'cache-info-2-of-6')

    await panel.getByTestId('cache-cap-input').fill('64')
    await panel.getByTestId('cache-cap-set').click()
    await until(async () => ((await panel.getByTestId('cache-fit').textContent()) ?? '').includes('all 6'), 'the fit line updates')
    assert.equal((await panel.getByTestId('cache-fit').textContent())?.trim(), 'features of all 6 images fit the 64.0 MB cap')
    assert.equal((await ok<CacheInfo>(srv, 'getCacheStats')).capBytes, 64 * 1024 * 1024)
    await screenshot(page, 'cache-info-all-fit')

    assert.deepEqual(errors, [])

    // Below the setting's floor: a clear error (the 400 it answers is expected), the cap unchanged.
    await panel.getByTestId('cache-cap-input').fill('1')
    await panel.getByTestId('cache-cap-set').click()
    await panel.getByTestId('cache-error').waitFor()
    assert.match((await panel.getByTestId('cache-error').textContent()) ?? '', /capMb/)
    assert.equal((await ok<CacheInfo>(srv, 'getCacheStats')).capBytes, 64 * 1024 * 1024)
  })
})
