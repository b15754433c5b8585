/**
 * prompt.embeddingReady: main pushes it once per computed embedding (the annotator's indicator
 * listens instead of polling), with the image, model id and encoder source; an embedding that is
 * already cached is not announced again. A fake engine stands in for the ONNX sessions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writePromptConfig } from '../../src/main/core/click/config'
import { embeddingState, prepareEmbeddings, releasePrompt, whenIdle } from '../../src/main/core/click/service'
import type { Embedding } from '../../src/main/core/click/promptModel'
import { promptFrame } from '../../src/main/core/click/geometry'
import type { Workstation } from '../../src/main/core/workstation'
import { makeProject } from '../models/helpers'

let dir: string
let ws: Workstation
let ids: number[]
let encodes = 0

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twinlight-emb-event-'))
  const p = await makeProject(dir, 3)
  ws = p.ws
  ids = p.ids
  ws.click.openers['onnx-pair'] = async () => ({
    id: 'fake-engine',
    encode: async (img): Promise<Embedding> => {
      encodes++
      return { format: 'sam', frame: promptFrame('sam', img.width, img.height, 4), tensors: { image_embeddings: { dims: [1, 1, 2, 2], data: new Float32Array([1, 2, 3, 4]) } } }
    },
    decode: async () => { throw new Error('not used') },
    release: async () => undefined
  })
  writePromptConfig(ws.project, { name: 'fake', kind: 'onnx-pair', format: 'sam', id: 'fake-model-0001', encoder: 'e.onnx', decoder: 'd.onnx', source: 'thermal', addedAt: new Date().toISOString() })
})

afterAll(async () => {
  await releasePrompt(ws)
  await ws.closeProject()
  rmSync(dir, { recursive: true, force: true })
})

describe('prompt.embeddingReady event', () => {
  it('is pushed once per computed embedding, after which the state reads ready', async () => {
    const seen: { imageId: number; modelId: string; source: string; stateThen: string }[] = []
    const off = ws.hub.subscribe((event, payload) => {
      if (event !== 'prompt.embeddingReady') return
      const p = payload as { imageId: number; modelId: string; source: string }
      seen.push({ ...p, stateThen: embeddingState(ws, p.imageId) })
    })
    prepareEmbeddings(ws, ids.slice(0, 2))
    await whenIdle(ws)
    expect(encodes).toBe(2)
    expect(seen).toEqual(ids.slice(0, 2).map((imageId) => ({ imageId, modelId: 'fake-model-0001', source: 'thermal', stateThen: 'ready' })))
    // already in memory: nothing computed, nothing announced again
    prepareEmbeddings(ws, ids.slice(0, 2))
    await whenIdle(ws)
    expect(seen).toHaveLength(2)
    off()
  })
})
