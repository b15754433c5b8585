import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { generateScene } from '../../src/main/core/datasets/synthetic/scene'
import { sceneName, sceneSeed } from '../../src/main/core/datasets/synthetic/writeDataset'
import { DEMO_SEED } from '../../src/main/core/datasets/jobs/demo'
import { runCli, type ServeHandle } from './helpers/server'
import { screenshot } from './helpers/browser'
import { servedSession } from './helpers/session'
import { labelMap, ok } from './helpers/api'
import { imageToPage, layerPixel, until, waitSaved } from './helpers/viewer'

/**
 * Click-to-segment in the annotator (issue 8) on the generated demo project: a person who is hot
 * in thermal (found from the generator's instance ground truth), clicked in the thermal view with
 * the thermal wand and with the tiny package's prompt decoder. What a person would see is
 * asserted, not a particular decoder's output: a preview appears, Enter writes a mask of the
 * active class that covers the clicked pixel and lies mostly on that person, undo removes it.
 */
const W = 640
const H = 480
const COUNT = 6
const PERSON = 2 // MFNet

interface Target {
  name: string
  /** Ground truth: 1 on the chosen person. */
  person: Uint8Array
  area: number
  click: { x: number; y: number }
}

/** The largest person that is clearly hotter than what surrounds it, and a pixel deep inside it. */
function hotPerson(): Target {
  let best: (Target & { score: number }) | null = null
  for (let i = 0; i < COUNT; i++) {
    const s = generateScene(sceneSeed(DEMO_SEED, i), { width: W, height: H })
    for (const o of s.objects.filter((q) => q.classIndex === PERSON && q.area >= 500)) {
      const [bx, by, bw, bh] = o.bbox
      let tIn = 0, nIn = 0, tOut = 0, nOut = 0
      let click = { x: -1, y: -1, d: Infinity }
      const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < W && y < H && s.instances[y * W + x] === o.id
      for (let y = Math.max(0, by - 8); y < Math.min(H, by + bh + 8); y++)
        for (let x = Math.max(0, bx - 8); x < Math.min(W, bx + bw + 8); x++) {
          if (!inside(x, y)) {
            tOut += s.thermal[y * W + x]!
            nOut++
            continue
          }
          tIn += s.thermal[y * W + x]!
          nIn++
          // deep inside: the 7x7 around it is all this person (a click a hand would make)
          let deep = true
          for (let dy = -3; dy <= 3 && deep; dy++) for (let dx = -3; dx <= 3 && deep; dx++) deep = inside(x + dx, y + dy)
          const d = (x - bx - bw / 2) ** 2 + (y - by - bh / 2) ** 2
          if (deep && d < click.d) click = { x, y, d }
        }
      const contrast = tIn / nIn - tOut / Math.max(1, nOut)
      if (click.x < 0 || contrast < 30) continue
      const score = o.area * contrast
      if (!best || score > best.score) {
        const person = new Uint8Array(W * H)
        for (let k = 0; k < person.length; k++) person[k] = s.instances[k] === o.id ? 1 : 0
        best = { name: sceneName(i, s.night), person, area: o.area, click: { x: click.x, y: click.y }, score }
      }
    }
  }
  if (!best) throw new Error('no hot person in the generated demo scenes')
  return best
}

/** How a committed mask (pixels now holding the person class) relates to the ground-truth person. */
function overlap(map: Uint8Array, t: Target) {
  let onPerson = 0, offPerson = 0
  for (let k = 0; k < map.length; k++) {
    if (map[k] !== PERSON) continue
    if (t.person[k]) onPerson++
    else offPerson++
  }
  return { onPerson, offPerson, coverage: onPerson / t.area, precision: onPerson / Math.max(1, onPerson + offPerson) }
}

describe('click-to-segment in the annotator (demo project, thermal view)', () => {
  let srv: ServeHandle
  let page: Page
  let errors: string[]
  let target: Target
  let imageId: number

  const session = servedSession('twinlight-click-e2e-', async (d) => {
    const project = join(d, 'demo', 'demo.twinlight')
    await runCli(['demo', join(d, 'demo'), '--count', String(COUNT)])
    // the demo registers the embedded package's SAM2-interface decoder as its prompt model
    return project
  })
  before(async () => {
    ;({ srv, page, errors } = session)
    target = hotPerson()
    const list = await ok<{ items: { id: number; name: string }[] }>(srv, 'listImages', { offset: 0, limit: 100 })
    imageId = list.items.find((r) => r.name === target.name)!.id
  })

  const currentMap = async () => (await labelMap(srv, imageId))?.data ?? new Uint8Array(W * H)
  const clickAt = async (x: number, y: number) => {
    const p = await imageToPage(page, x, y)
    await page.mouse.move(p.x - 6, p.y - 6) // arrive from the side: a hover preview first
    await page.mouse.move(p.x, p.y, { steps: 3 })
    await page.mouse.click(p.x, p.y)
  }
  /** The preview a click made is shown: the panel says its size and the canvas shows it there. */
  const previewShown = async () => {
    const state = page.getByTestId('click-preview-state')
    // both attributes in one read: a hover preview landing between two reads is not the click's
    const clickedArea = () => state.evaluate((el) => (el.getAttribute('data-hover') === '0' ? Number(el.getAttribute('data-area')) : 0))
    await until(async () => (await clickedArea()) > 0, 'a clicked preview', 20_000)
    const px = await layerPixel(page, 2, target.click.x, target.click.y)
    assert.ok(px[3] > 0, `preview drawn over the clicked pixel (ui layer RGBA ${px.join(',')})`)
    return clickedArea()
  }
  /**
   * The loop both modes share: click the person → the preview shows → Enter writes it (the image
   * stays open) → the committed mask is the previewed one; returns how it overlaps the person.
   */
  const clickPreviewCommit = async (what: 'wand' | 'prompt') => {
    await clickAt(target.click.x, target.click.y)
    const area = await previewShown()
    await screenshot(page, `click-${what}-preview`)
    await page.keyboard.press('Enter')
    await until(async () => (await currentMap())[target.click.y * W + target.click.x] === PERSON, `${what}: the clicked pixel holds the person class`, 15_000)
    await waitSaved(page)
    assert.match(await page.getByTestId('image-name').innerText(), new RegExp(target.name), 'Enter committed the mask; it did not accept and move on')
    const o = overlap(await currentMap(), target)
    console.log(`# ${what}: preview ${area} px; committed on person ${o.onPerson}, off ${o.offPerson}; coverage ${o.coverage.toFixed(2)}, precision ${o.precision.toFixed(2)} (person ${target.area} px)`)
    assert.equal(o.onPerson + o.offPerson, area, 'the committed mask is the previewed one')
    return { ...o, area }
  }
  /** One history entry named after the tool, then Ctrl+Z brings the unlabelled map back. */
  const historyThenUndo = async (what: 'wand' | 'prompt', entry: RegExp) => {
    assert.match(await page.getByTestId('history-list').innerText(), entry)
    await screenshot(page, `click-${what}-committed`)
    await page.keyboard.press('Control+z')
    await until(async () => (await currentMap()).every((v) => v === 0), `${what}: undo removes the mask`)
  }

  test('open the hot person in the thermal view', async () => {
    await page.goto(srv.url)
    await page.getByTestId(`tile-${imageId}`).dblclick()
    await until(async () => (await page.getByTestId('viewer').getAttribute('data-scale').catch(() => null)) !== null, 'viewer laid out')
    await page.getByTestId('image-name').filter({ hasText: target.name }).waitFor()
    assert.ok((await currentMap()).every((v) => v === 0), 'the demo image starts unlabelled')
    await page.getByTestId('mode-thermal').click()
    await page.keyboard.press('2') // person
  })

  test('thermal wand: click → preview → Enter writes the person → undo', async () => {
    await page.keyboard.press('w')
    await page.getByTestId('click-panel').waitFor()
    assert.match(await page.getByTestId('click-mode-wand').getAttribute('class') ?? '', /active/)
    const o = await clickPreviewCommit('wand')
    assert.ok(o.precision >= 0.8, `wand mask lies on the person (precision ${o.precision.toFixed(2)})`)
    assert.ok(o.coverage >= 0.5, `wand mask covers the person (coverage ${o.coverage.toFixed(2)})`)
    await historyThenUndo('wand', /Thermal wand \(person\)/)
    // The RGB-edge barrier is a panel setting: switched off, the same click grows past the
    // clothing edges that stopped it (thermal alone cannot tell shirt from trousers).
    const threshold = page.getByTestId('wand-edge-threshold')
    assert.equal(await threshold.isDisabled(), false)
    await page.getByTestId('wand-edges').uncheck()
    assert.equal(await threshold.isDisabled(), true, 'the threshold is greyed out while edges are off')
    const savedEdges = () => page.evaluate(() => (JSON.parse(localStorage.getItem('twinlight.editorPrefs') ?? '{}') as { wandEdges?: boolean }).wandEdges)
    assert.equal(await savedEdges(), false, 'the setting is kept with the editor preferences')
    await clickAt(target.click.x, target.click.y)
    await until(async () => Number(await page.getByTestId('click-preview-state').getAttribute('data-area')) > o.area, `without RGB edges the wand grows beyond ${o.area} px`, 15_000)
    await screenshot(page, 'click-wand-no-edges')
    await page.keyboard.press('Escape')
    await page.getByTestId('wand-edges').check()
    assert.equal(await savedEdges(), true)
  })

  test('prompt model: embedding ready → click → preview → Enter → undo', async () => {
    await page.keyboard.press('Shift+C')
    const emb = page.getByTestId('embedding-state')
    await emb.waitFor()
    await until(async () => (await emb.getAttribute('data-state')) === 'ready', 'embedding ready', 60_000)
    assert.match(await emb.innerText(), /ready/)
    const o = await clickPreviewCommit('prompt')
    // Any decoder worth the name: a person-sized mask that is mostly this person, not the street.
    assert.ok(o.onPerson > o.offPerson, `prompt mask mostly on the person (${o.onPerson} on, ${o.offPerson} off)`)
    assert.ok(o.area < 8 * target.area, `prompt mask is object-sized (${o.area} px for a ${target.area} px person)`)
    await historyThenUndo('prompt', /Click mask \(person\)/)
    assert.deepEqual(errors, [])
  })
})
