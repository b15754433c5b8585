/**
 * A folder dropped onto the window: with a path (Electron) and a project, the import dialog opens on
 * that folder; without a path (browser mode) a sentence says to use File → Import; without a project,
 * a sentence says to open one; drags that carry no files are left to the page.
 */
import { describe, expect, it } from 'vitest'
import { BROWSER_DROP_SENTENCE, handleFolderDrop, installFolderDrop, type FolderDropDeps } from './folderDrop'

function deps(path: string | null, project = true) {
  const seen = { opened: [] as string[], info: [] as [string, string][] }
  const d: FolderDropDeps = {
    pathForFile: () => path,
    hasProject: () => project,
    openImport: (dir) => seen.opened.push(dir),
    info: (t, detail) => seen.info.push([t, detail])
  }
  return { d, seen }
}
const files = (...names: string[]) => ({ types: ['Files'], files: names.map((n) => new File(['x'], n)) as unknown as FileList })

describe('folder drop', () => {
  it('Electron: opens the import dialog on the dropped folder, imports nothing itself', () => {
    const { d, seen } = deps('/data/my-pst900')
    expect(handleFolderDrop(files('my-pst900'), d)).toBe('opened')
    expect(seen.opened).toEqual(['/data/my-pst900'])
    expect(seen.info).toEqual([])
  })

  it('browser mode (no path): a sentence pointing to File → Import, no dialog', () => {
    const { d, seen } = deps(null)
    expect(handleFolderDrop(files('my-pst900'), d)).toBe('no-path')
    expect(seen.opened).toEqual([])
    expect(seen.info).toEqual([['Cannot import a dropped folder here', BROWSER_DROP_SENTENCE]])
    expect(BROWSER_DROP_SENTENCE).toMatch(/File → Import/)
  })

  it('no project open: says to open one first, naming the folder', () => {
    const { d, seen } = deps('/data/x', false)
    expect(handleFolderDrop(files('x'), d)).toBe('no-project')
    expect(seen.opened).toEqual([])
    expect(seen.info[0]![1]).toContain('/data/x')
  })

  it('drags without files (text, a tile) are ignored', () => {
    const { d, seen } = deps('/data/x')
    expect(handleFolderDrop({ types: ['text/plain'], files: [] as unknown as FileList }, d)).toBe('ignored')
    expect(handleFolderDrop(null, d)).toBe('ignored')
    expect(seen).toEqual({ opened: [], info: [] })
  })

  it('installs dragover/drop listeners that stop the browser navigating to the file, and removes them', () => {
    const target = new EventTarget() as unknown as Window
    const { d, seen } = deps('/data/y')
    const remove = installFolderDrop(target, d)
    const ev = (type: string) => {
      const e = new Event(type, { cancelable: true }) as Event & { dataTransfer: unknown }
      e.dataTransfer = { ...files('y'), dropEffect: 'none' }
      return e
    }
    const over = ev('dragover')
    target.dispatchEvent(over)
    expect(over.defaultPrevented).toBe(true)
    expect((over.dataTransfer as { dropEffect: string }).dropEffect).toBe('copy')
    const drop = ev('drop')
    target.dispatchEvent(drop)
    expect(drop.defaultPrevented).toBe(true)
    expect(seen.opened).toEqual(['/data/y'])
    remove()
    target.dispatchEvent(ev('drop'))
    expect(seen.opened).toEqual(['/data/y'])
  })
})
