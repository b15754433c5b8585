/**
 * Issue #20 items 2, 3 through the contract and the CLI: `getCorrectionTrend` and the
 * `uncertainty` sort answer through the dispatcher (strict arguments), and `twinlight info`
 * prints the trend and lists images in the order `--order` names.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { join } from 'node:path'
import { createDispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { classPreset } from '../../src/main/core/classPresets'
import { infoCommand } from '../../src/main/cli/commands/info'
import { disposeTestWorkstations, testWorkstation } from '../helpers/workstation'
import { captureOutput } from '../helpers/capture'
import { useTmp } from '../helpers/tmp'
import { addImage, paint, propose } from './fixture'

const tmp = useTmp()
afterAll(disposeTestWorkstations)
afterEach(() => vi.restoreAllMocks())

async function scene() {
  const dir = tmp()
  const ws = testWorkstation(join(dir, 'data'))
  const path = join(dir, 'p.twinlight')
  await ws.createProject(path, 'p', classPreset('mfnet'))
  const s = ws.project
  const v1 = s.models.add({ name: 'base', kind: 'base', parentId: null, packagePath: '/x' })
  s.models.activate(v1)
  const [a, b, c] = ['a', 'b', 'c'].map((n) => addImage(s, n)) as [number, number, number]
  propose(s, a, v1, 0.7)
  propose(s, b, v1, 0.2)
  paint(s, a, 24, 2)
  s.annotations.accept(a)
  return { ws, path, v1, ids: { a, b, c }, api: createDispatcher(allHandlers(ws), () => undefined) }
}

describe('effort API', () => {
  it('getCorrectionTrend answers per version and refuses unknown arguments', async () => {
    const { api, v1 } = await scene()
    const r = await api.call('getCorrectionTrend', {})
    expect(r).toEqual({ ok: true, result: [{ versionId: v1, name: 'base', active: true, images: 1, meanCorrectedShare: 0.5 }] })
    const bad = await api.call('getCorrectionTrend', { version: 1 })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.error.code).toBe('invalid_argument')
  })

  it('listImages and nextUnreviewed take the uncertainty sort', async () => {
    const { api, ids } = await scene()
    const page = await api.call('listImages', { sort: 'uncertainty' })
    expect(page.ok && (page.result as { items: { name: string }[] }).items.map((r) => r.name)).toEqual(['b', 'a', 'c'])
    const next = await api.call('nextUnreviewed', { after: ids.b, sort: 'uncertainty' })
    expect(next.ok && (next.result as { name: string }).name).toBe('c')
  })
})

describe('twinlight info', () => {
  it('prints the correction trend and the images uncertainty-first', async () => {
    const { ws, path } = await scene()
    await ws.closeProject()
    const cap = captureOutput()
    expect(await infoCommand.run([path, '--order', 'uncertainty', '--limit', '2'], false)).toBe(0)
    const out = cap.out.join('')
    expect(out).toContain('  1 base (active): 50.0% of 1 image')
    expect(out).toMatch(/images by uncertainty .*, 2 of 3:\n {2}\d+ b {2}prefilled {2}20\.0%\n {2}\d+ a {2}accepted {2}70\.0%\n/)
  })

  it('marks confidences of another version and refuses an unknown order', async () => {
    const { ws, path } = await scene()
    const v2 = ws.project.models.add({ name: 'ft', kind: 'adapter', parentId: 1, packagePath: '/x' })
    ws.project.models.activate(v2)
    await ws.closeProject()
    const cap = captureOutput()
    await infoCommand.run([path, '--order', 'name'], true)
    const doc = JSON.parse(cap.out.join('')) as { images: { name: string }[]; correctionTrend: { name: string; images: number }[] }
    expect(doc.images.map((r) => r.name)).toEqual(['a', 'b', 'c'])
    expect(doc.correctionTrend.map((p) => [p.name, p.images])).toEqual([['base', 1], ['ft', 0]])
    cap.out.length = 0
    await infoCommand.run([path, '--order', 'name'], false)
    expect(cap.out.join('')).toMatch(/ b {2}prefilled {2}20\.0% \* \(version 1, not active\)/)
    await expect(infoCommand.run([path, '--order', 'random'], false)).rejects.toThrow('--order must be one of name, uncertainty (got "random").')
  })
})
