/**
 * `twinlight add-model`: registers a SAM or SAM2 encoder/decoder pair (by flags or by folder) in
 * project meta with the detected format; a decoder matching neither format is refused with the
 * missing tensor names and nothing is registered.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { mkdtempSync, rmSync, copyFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../../src/main/cli/index'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { classPreset } from '../../src/main/core/classPresets'
import { readPromptConfig } from '../../src/main/core/click/config'
import { makeSamGraphs, type SamGraphs } from './helpers'
import { useTmp } from '../helpers/tmp'
import { captureOutput } from '../helpers/capture'

const tmp = useTmp()
let g: SamGraphs
beforeAll(() => {
  g = makeSamGraphs(mkdtempSync(join(tmpdir(), 'twinlight-sam-cli-')))
  return () => rmSync(g.dir, { recursive: true, force: true })
})
afterEach(() => { vi.restoreAllMocks() })


function newProject(): string {
  const p = join(tmp(), 'p.twinlight')
  ProjectStore.create(p, { name: 'p', classes: classPreset('mfnet') }).close()
  return p
}

describe('twinlight add-model', () => {
  it('registers a SAM pair given by flags, with the detected format and the source setting', async () => {
    const p = newProject()
    const io = captureOutput()
    const code = await main(['add-model', p, '--sam-encoder', g.samEncoder, '--sam-decoder', g.samDecoder, '--name', 'tiny SAM', '--source', 'thermal', '--json'])
    vi.restoreAllMocks()
    expect(code).toBe(0)
    expect(JSON.parse(io.out.join('')).promptModel).toMatchObject({ name: 'tiny SAM', format: 'sam', kind: 'onnx-pair', source: 'thermal' })
    const store = ProjectStore.open(p)
    expect(readPromptConfig(store)).toMatchObject({ format: 'sam', encoder: g.samEncoder, decoder: g.samDecoder, source: 'thermal' })
    store.close()
  })

  it('registers a SAM2 pair found in a folder (*encoder*.onnx + *decoder*.onnx)', async () => {
    const p = newProject()
    const dir = join(tmp(), 'sam2')
    mkdirSync(dir)
    copyFileSync(g.sam2Encoder, join(dir, 'sam2_hiera_tiny.encoder.onnx'))
    copyFileSync(g.sam2Decoder, join(dir, 'sam2_hiera_tiny.decoder.onnx'))
    const io = captureOutput()
    const code = await main(['add-model', p, '--folder', dir])
    vi.restoreAllMocks()
    expect(code).toBe(0)
    expect(io.out.join('')).toMatch(/Registered prompt model "sam2_hiera_tiny.decoder" \(SAM2 interface/)
    const store = ProjectStore.open(p)
    expect(readPromptConfig(store)).toMatchObject({ format: 'sam2', source: 'rgb', decoder: join(dir, 'sam2_hiera_tiny.decoder.onnx') })
    store.close()
  })

  it('refuses a decoder that matches neither format, naming the missing tensors; nothing is registered', async () => {
    const p = newProject()
    const io = captureOutput()
    const code = await main(['add-model', p, '--sam-encoder', g.samEncoder, '--sam-decoder', g.badDecoder])
    vi.restoreAllMocks()
    expect(code).toBe(1)
    expect(io.err.join('')).toMatch(/missing tensors: mask_input, has_mask_input, orig_im_size/)
    const store = ProjectStore.open(p)
    expect(readPromptConfig(store)).toBeNull()
    store.close()
    const io2 = captureOutput()
    expect(await main(['add-model', p, '--sam-encoder', g.samEncoder])).toBe(2)
    vi.restoreAllMocks()
    expect(io2.err.join('')).toMatch(/--sam-decoder/)
  })
})
