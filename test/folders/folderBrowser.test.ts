/**
 * The browser-mode folder policy and folder browser: listing inside the roots works; `..`,
 * absolute paths outside the roots and symbolic links that lead out are refused with 403 and a
 * sentence, on the listing and on every path-taking method (one guard for all of them).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Workstation } from '../../src/main/core/workstation'
import { disposeTestWorkstations, testWorkstation } from '../helpers/workstation'
import { FolderRoots } from '../../src/main/core/datasets/folderRoots'
import { createDispatcher, type CallOutcome } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import type { FolderListing } from '../../src/shared/contract/methods/folders'
import { startServer } from '../../src/main/server/server'

let base = ''
let root = ''
let outside = ''
let ws: Workstation
let call: (m: string, a: unknown) => Promise<CallOutcome>

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'twinlight-folders-'))
  root = join(base, 'root')
  outside = join(base, 'outside')
  mkdirSync(join(root, 'ds', 'train', 'rgb'), { recursive: true })
  mkdirSync(join(root, 'ds', 'train', 'thermal'), { recursive: true })
  mkdirSync(join(root, 'pics'), { recursive: true })
  for (const n of ['a.png', 'b.jpg', 'notes.txt']) writeFileSync(join(root, 'pics', n), 'x')
  mkdirSync(join(outside, 'secret'), { recursive: true })
  symlinkSync(outside, join(root, 'escape'))
  symlinkSync(join(root, 'pics'), join(root, 'pics-link'))
  symlinkSync(join(root, 'pics', 'a.png'), join(root, 'file-link'))
  symlinkSync(join(root, 'nowhere'), join(root, 'broken-link'))
  ws = testWorkstation(join(base, 'data'), { folderRoots: new FolderRoots([root]) })
  const d = createDispatcher(allHandlers(ws), () => {})
  call = (m, a) => d.call(m, a)
})
afterAll(async () => {
  await disposeTestWorkstations()
  rmSync(base, { recursive: true, force: true })
})

function refused(out: CallOutcome): string {
  expect(out.ok).toBe(false)
  if (out.ok) return ''
  expect(out.error.code).toBe('forbidden')
  return out.error.message
}

describe('folder browser', () => {
  it('lists the roots, then sub-folders with image counts and the recognised layout', async () => {
    const top = await call('listFolders', {})
    expect(top.ok && (top.result as FolderListing).entries.map((e) => e.path)).toEqual([root])
    const out = await call('listFolders', { path: root })
    expect(out.ok).toBe(true)
    const l = (out as { result: FolderListing }).result
    expect(l.parent).toBeNull()
    // The link out of the root, a link to a file and a broken link are not listed; the folder link inside is.
    expect(l.entries.map((e) => e.name)).toEqual(['ds', 'pics', 'pics-link'])
    expect(l.entries.find((e) => e.name === 'pics')!.images).toBe(2)
    expect(l.entries.find((e) => e.name === 'ds')!.layout).toBe('pst900')
    const sub = (await call('listFolders', { path: join(root, 'ds') })) as { ok: true; result: FolderListing }
    expect(sub.result.parent).toBe(root)
  })

  it('refuses ".." traversal with a sentence', async () => {
    expect(refused(await call('listFolders', { path: `${root}/../outside` }))).toMatch(/contains "\.\."/)
  })

  it('refuses an absolute path outside the roots, naming it and the roots', async () => {
    const msg = refused(await call('listFolders', { path: outside }))
    expect(msg).toContain(outside)
    expect(msg).toMatch(/outside the folders this server may use/)
    expect(msg).toContain('--data-root')
  })

  it('refuses a symbolic link that leads out of the roots (real paths compared)', async () => {
    const msg = refused(await call('listFolders', { path: join(root, 'escape', 'secret') }))
    expect(msg).toContain(`really ${join(outside, 'secret')}`)
  })

  it('over HTTP (browser mode) each traversal answers 403 with the sentence', async () => {
    const srv = await startServer(ws, { port: 0, staticDir: join(base, 'no-renderer') })
    try {
      const list = async (path: string) => {
        const r = await fetch(`http://127.0.0.1:${srv.port}/api/listFolders`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twinlight-token': srv.token }, body: JSON.stringify({ path }) })
        return { status: r.status, message: ((await r.json()) as { error: { message: string } }).error.message }
      }
      for (const [path, sentence] of [
        [`${root}/../outside`, /contains "\.\."/],
        [outside, /outside the folders this server may use/],
        [join(root, 'escape', 'secret'), `really ${join(outside, 'secret')}`]
      ] as const) {
        const r = await list(path)
        expect(r.status, path).toBe(403)
        expect(r.message, path).toMatch(sentence)
      }
    } finally {
      await srv.close()
    }
  })

  it('a --data-root that does not exist is refused with a sentence naming it', () => {
    expect(() => new FolderRoots([join(base, 'missing')])).toThrow(`The allowed folder ${join(base, 'missing')} does not exist.`)
  })

  it('guards import, preview, export, create, open and model files with the same policy', async () => {
    expect(refused(await call('startImport', { dir: join(root, 'escape') }))).toMatch(/dataset folder/)
    expect(refused(await call('previewImport', { path: outside }))).toMatch(/dataset folder/)
    expect(refused(await call('createProject', { path: join(outside, 'p.twinlight') }))).toMatch(/project file/)
    expect(refused(await call('openProject', { path: join(root, 'escape', 'p.twinlight') }))).toMatch(/project file/)
    expect(refused(await call('startExport', { dir: join(outside, 'export'), format: 'mfnet' }))).toMatch(/export folder/)
    expect(refused(await call('createProjectWithClasses', { path: join(outside, 'c.twinlight'), classes: [{ index: 0, name: 'a', color: [0, 0, 0], ignore: false }] }))).toMatch(/project file/)
    expect(refused(await call('addModelPackage', { path: outside }))).toMatch(/model package/)
    expect(refused(await call('registerClickModel', { encoder: join(outside, 'e.onnx'), decoder: join(root, 'd.onnx') }))).toMatch(/encoder file/)
    expect(refused(await call('registerClickModel', { xanylabelingConfig: join(root, 'escape', 'sam.yaml') }))).toMatch(/X-AnyLabeling config/)
    // Inside the root, a project file that does not exist yet is fine.
    const made = await call('createProject', { path: join(root, 'new.twinlight') })
    expect(made.ok).toBe(true)
    await ws.closeProject()
  })
})
