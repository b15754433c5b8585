import type { Page } from 'playwright-core'

/** Screen position (page coordinates) of the centre of image pixel (ix, iy) in the annotator. */
export async function imageToPage(page: Page, ix: number, iy: number, pane = 'viewer'): Promise<{ x: number; y: number }> {
  return page.getByTestId(pane).evaluate(
    (el, [ix, iy]) => {
      const h = el as HTMLElement
      const b = h.getBoundingClientRect()
      const s = Number(h.dataset.scale)
      return { x: b.left + Number(h.dataset.x) + (ix + 0.5) * s, y: b.top + Number(h.dataset.y) + (iy + 0.5) * s }
    },
    [ix, iy]
  )
}

/**
 * RGBA of what a layer canvas shows at image pixel (ix, iy): layer 0 = RGB/thermal images,
 * 1 = label mask, 2 = cursor/region tags (Konva keeps one <canvas> per layer).
 */
export async function layerPixel(page: Page, layer: number, ix: number, iy: number, pane = 'viewer'): Promise<[number, number, number, number]> {
  return page.getByTestId(pane).evaluate(
    (el, [layer, ix, iy]) => {
      const h = el as HTMLElement
      const canvas = h.querySelectorAll('canvas')[layer] as HTMLCanvasElement
      const s = Number(h.dataset.scale)
      const ratio = canvas.width / canvas.clientWidth
      const x = Math.floor((Number(h.dataset.x) + (ix + 0.5) * s) * ratio)
      const y = Math.floor((Number(h.dataset.y) + (iy + 0.5) * s) * ratio)
      return Array.from(canvas.getContext('2d')!.getImageData(x, y, 1, 1).data) as [number, number, number, number]
    },
    [layer, ix, iy]
  )
}

/** The viewer's current scale and offset (screen px per image px, content origin). */
export async function viewTransform(page: Page, pane = 'viewer'): Promise<{ scale: number; x: number; y: number }> {
  return page.getByTestId(pane).evaluate((el) => {
    const d = (el as HTMLElement).dataset
    return { scale: Number(d.scale), x: Number(d.x), y: Number(d.y) }
  })
}

/** Waits until every edit is saved (the toolbar's save state reads "saved"). */
export async function waitSaved(page: Page): Promise<void> {
  await page.getByTestId('save-state').filter({ hasText: /^saved$/ }).waitFor()
}

/** Polls `fn` until it returns true (for state that changes after an async round trip). */
export async function until(fn: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await fn()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for: ${what}`)
}

/** Drags with the left button between two image points (a brush stroke). */
export async function strokeImage(page: Page, from: [number, number], to: [number, number], steps = 12): Promise<void> {
  const a = await imageToPage(page, ...from)
  const b = await imageToPage(page, ...to)
  await page.mouse.move(a.x, a.y)
  await page.mouse.down()
  await page.mouse.move(b.x, b.y, { steps })
  await page.mouse.up()
}
