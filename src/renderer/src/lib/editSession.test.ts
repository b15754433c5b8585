/**
 * Edit session and other windows: every save, undo and redo names this window (clientId), and the
 * stored map of a change made elsewhere replaces the local copy only when nothing here is unsaved.
 */
import { describe, expect, it } from 'vitest'
import { EditSession } from './editSession'

const W = 4
const H = 3
const history = (head: number) => ({ head, canUndo: head > 0, canRedo: false, undoLabel: null, redoLabel: null })

function fakeApi() {
  const calls: { method: string; args: Record<string, unknown> }[] = []
  let release: (() => void) | null = null
  const api = {
    applyEdit: async (args: Record<string, unknown>) => {
      calls.push({ method: 'applyEdit', args })
      await new Promise<void>((r) => (release = r))
      return { history: history((args.baseSeq as number) + 1), status: 'in_review', pixels: 1 }
    },
    undo: async (args: Record<string, unknown>) => {
      calls.push({ method: 'undo', args })
      return { history: history(0), status: 'in_review', patch: null }
    }
  }
  /** Lets the save in flight finish, once it has reached the API. */
  const finishSave = async () => {
    while (!release) await new Promise((r) => setTimeout(r, 1))
    release()
  }
  return { calls, api, finishSave }
}

describe('edit session across windows', () => {
  it('sends its clientId with saves and undo', async () => {
    const f = fakeApi()
    const s = new EditSession(f.api as never, 7, W, H, new Uint8Array(W * H), { state: () => {} }, 'win-A')
    s.edit('Brush', (m) => ((m[0] = 2), { x: 0, y: 0, w: 1, h: 1 }))
    await f.finishSave()
    await s.idle()
    await s.undo()
    expect(f.calls.map((c) => [c.method, c.args.clientId])).toEqual([
      ['applyEdit', 'win-A'],
      ['undo', 'win-A']
    ])
  })

  it('takes another window’s map only when nothing here is unsaved', async () => {
    const f = fakeApi()
    const dirty: unknown[] = []
    const s = new EditSession(f.api as never, 7, W, H, new Uint8Array(W * H), { state: () => {} }, 'win-A')
    s.onChanged((r) => dirty.push(r))
    s.edit('Brush', (m) => ((m[0] = 2), { x: 0, y: 0, w: 1, h: 1 }))
    const stored = new Uint8Array(W * H).fill(5)
    expect(s.replaceMap(stored, history(3), 'in_review')).toBe(false)
    expect(s.map[0]).toBe(2) // the unsaved stroke is kept
    await f.finishSave()
    await s.idle()
    expect(s.replaceMap(stored, history(3), 'accepted')).toBe(true)
    expect([...s.map]).toEqual([...stored])
    expect(s.history.head).toBe(3)
    expect(s.status).toBe('accepted')
    expect(dirty).toContain(null) // full redraw
  })
})
