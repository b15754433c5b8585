/**
 * Click tool controller: preview from the wand / prompt calls, Enter writes the class into the map
 * and commits one edit (one undo entry), Esc drops the preview, hover requests are throttled to one
 * in flight with only the newest kept, stale answers are ignored.
 */
import { describe, expect, it } from 'vitest'
import { deflateBase64 } from '../../lib/deflate'
import { ClickTool, type ClickSession } from './clickTool'

const W = 40
const H = 30

/** A fake API: a square of side 6 centred on the (first) point, after `delay` ms. */
function fakeApi(delay = 0) {
  const calls: { method: string; args: Record<string, unknown> }[] = []
  const square = async (x: number, y: number) => {
    const bbox = { x: Math.max(0, x - 3), y: Math.max(0, y - 3), w: 6, h: 6 }
    await new Promise((r) => setTimeout(r, delay))
    return { bbox, area: 36, encoding: 'deflate-base64' as const, data: await deflateBase64(new Uint8Array(36).fill(1)) }
  }
  return {
    calls,
    api: {
      wandSelect: async (args: { x: number; y: number }) => {
        calls.push({ method: 'wandSelect', args })
        return { ...(await square(args.x, args.y)), seed: 200, truncated: false, thermalBits: 8 as const, ms: 1 }
      },
      promptSegment: async (args: { points?: { x: number; y: number }[]; box?: { x0: number; y0: number } }) => {
        calls.push({ method: 'promptSegment', args })
        const p = args.points?.[0] ?? { x: args.box!.x0, y: args.box!.y0 }
        return { ...(await square(p.x, p.y)), score: 0.8, cached: true, ms: { encode: 0, decode: 1, total: 1 } }
      }
    }
  }
}

function session(): ClickSession & { map: Uint8Array; commits: { label: string; rect: unknown }[] } {
  const commits: { label: string; rect: unknown }[] = []
  const map = new Uint8Array(W * H)
  return { imageId: 1, width: W, height: H, map, commits, edit: (label, op) => { const rect = op(map, W); if (rect) commits.push({ label, rect }); return rect } }
}

describe('click tool controller', () => {
  it('wand click → preview; Enter writes the class and commits one edit; Esc cancels', async () => {
    const f = fakeApi()
    const s = session()
    const t = new ClickTool({ api: f.api as never, session: s })
    await t.click(10, 10)
    expect(t.preview).toMatchObject({ bbox: { x: 7, y: 7, w: 6, h: 6 }, area: 36, hover: false })
    expect(f.calls[0]).toMatchObject({ method: 'wandSelect', args: { imageId: 1, x: 10, y: 10, tolerance: 24, useRgbEdges: true } })
    expect(t.key('Enter', 2, 'person')).toBe(true)
    expect(s.commits).toEqual([{ label: 'Thermal wand (person)', rect: { x: 7, y: 7, w: 6, h: 6 } }])
    expect(s.map.reduce((n, v) => n + (v === 2 ? 1 : 0), 0)).toBe(36)
    expect(s.map[7 * W + 7]).toBe(2)
    expect(t.preview).toBeNull()
    await t.click(20, 20)
    expect(t.key('Escape', 2, 'person')).toBe(true)
    expect(t.preview).toBeNull()
    expect(t.key('Enter', 2, 'person')).toBe(false)
    expect(s.commits).toHaveLength(1)
    // tolerance keys redo the last click with the new value
    await t.click(5, 5)
    await t.adjustTolerance(8)
    expect(f.calls.at(-1)).toMatchObject({ method: 'wandSelect', args: { x: 5, y: 5, tolerance: 32 } })
    // so do the panel's RGB-edge switch and threshold (clamped to the contract's 1..255)
    await t.setWandOptions({ useRgbEdges: false })
    expect(f.calls.at(-1)).toMatchObject({ method: 'wandSelect', args: { x: 5, y: 5, tolerance: 32, useRgbEdges: false } })
    await t.setWandOptions({ useRgbEdges: true, edgeThreshold: 400 })
    expect(f.calls.at(-1)).toMatchObject({ method: 'wandSelect', args: { useRgbEdges: true, edgeThreshold: 255 } })
  })

  it('prompt mode: positive and negative points and a box go to promptSegment', async () => {
    const f = fakeApi()
    const t = new ClickTool({ api: f.api as never, session: session() })
    t.setMode('prompt')
    await t.click(12, 8)
    await t.click(30, 20, true)
    expect(f.calls.at(-1)).toEqual({ method: 'promptSegment', args: { imageId: 1, points: [{ x: 12, y: 8, label: 1 }, { x: 30, y: 20, label: 0 }] } })
    await t.setBox({ x0: 5, y0: 5, x1: 25, y1: 20 })
    expect(f.calls.at(-1)!.args).toMatchObject({ box: { x0: 5, y0: 5, x1: 25, y1: 20 } })
    expect(t.preview?.score).toBe(0.8)
  })

  it('hover previews are throttled: one request in flight, only the newest waiting one is sent', async () => {
    const f = fakeApi(20)
    const t = new ClickTool({ api: f.api as never, session: session() })
    const runs = [] as Promise<void>[]
    for (let x = 1; x <= 10; x++) runs.push(t.hover(x * 3, 10))
    await Promise.all(runs)
    while (t.busy) await new Promise((r) => setTimeout(r, 5))
    expect(f.calls.map((c) => c.args.x)).toEqual([3, 30])
    expect(t.preview).toMatchObject({ hover: true, bbox: { x: 27, y: 7 } })
  })

  it('an answer that arrives after Esc is ignored', async () => {
    const f = fakeApi(20)
    const t = new ClickTool({ api: f.api as never, session: session() })
    const p = t.click(10, 10)
    t.cancel()
    await p
    expect(t.preview).toBeNull()
  })
})

describe('embedding status watcher', () => {
  it('prepares current + next images, then polls until ready; unavailable without a model', async () => {
    const { watchEmbedding } = await import('./embeddingStatus')
    const seen: string[] = []
    let prepared: number[] = []
    let n = 0
    const api = {
      prepareEmbeddings: async (a: { imageIds: number[] }) => { prepared = a.imageIds; return { queued: 2, states: [] } },
      getEmbeddingStatus: async (a: { imageId: number }) => ({ imageId: a.imageId, state: (++n < 3 ? 'computing' : 'ready') as 'computing' | 'ready' })
    }
    const stop = watchEmbedding(api, 5, [5, 6, 7], (s) => seen.push(s), 5)
    while (seen.at(-1) !== 'ready') await new Promise((r) => setTimeout(r, 5))
    stop()
    expect(prepared).toEqual([5, 6, 7])
    expect(seen).toEqual(['computing', 'computing', 'ready'])
    // with events: the pushed prompt.embeddingReady for the current image ends the wait at once
    type Listener = (p: { imageId: number; modelId: string; source: 'rgb' }) => void
    let listener: Listener | null = null
    const pushed: string[] = []
    const stopPushed = watchEmbedding(
      {
        prepareEmbeddings: api.prepareEmbeddings,
        getEmbeddingStatus: async (a: { imageId: number }) => ({ imageId: a.imageId, state: 'computing' as const }),
        on: ((_e: string, l: Listener) => { listener = l; return () => { listener = null } }) as never
      },
      8, [], (s) => pushed.push(s), 1000
    )
    while (pushed.length === 0) await new Promise((r) => setTimeout(r, 5))
    listener!({ imageId: 9, modelId: 'm', source: 'rgb' }) // another image: ignored
    listener!({ imageId: 8, modelId: 'm', source: 'rgb' })
    expect(pushed).toEqual(['computing', 'ready'])
    stopPushed()
    expect(listener).toBeNull() // unsubscribed
    const none: string[] = []
    watchEmbedding({ prepareEmbeddings: async () => { throw new Error('No prompt model') }, getEmbeddingStatus: api.getEmbeddingStatus }, 1, [], (s) => none.push(s))
    await new Promise((r) => setTimeout(r, 10))
    expect(none).toEqual(['unavailable'])
  })
})
