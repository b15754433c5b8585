/**
 * The Models panel's registry calls: a package folder is registered where it is, a .zip is unpacked
 * into the data folder (a zip with `../` entries is refused and writes nothing), removing deletes
 * only Twinlight's copy, a model in use needs confirmation, and an X-AnyLabeling config registers
 * the click model.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { useTmp } from '../helpers/tmp'
import { makePackage, makeProject } from './helpers'
import { makeSamGraphs } from '../click/helpers'
import { disposeTestWorkstations } from '../helpers/workstation'
import { modelRegistryHandlers } from '../../src/main/core/api/handlers/modelRegistry'

const tmp = useTmp()
afterAll(() => disposeTestWorkstations())

/** Zips `entries` ([name in zip, file on disk or text]) with Python's zipfile (deflate). */
function zip(out: string, entries: [string, { file: string } | { text: string }][]): string {
  const script = 'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED)\nfor n,f,t in json.loads(sys.argv[2]):\n  z.write(f,n) if f else z.writestr(n,t)\nz.close()'
  const spec = entries.map(([n, v]) => ('file' in v ? [n, v.file, null] : [n, null, v.text]))
  execFileSync('/usr/bin/python3', ['-c', script, out, JSON.stringify(spec)])
  return out
}

function packageEntries(pkg: string, prefix = ''): [string, { file: string }][] {
  return readdirSync(pkg, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())
    .map((d) => { const abs = join(d.parentPath, d.name); return [prefix + abs.slice(pkg.length + 1), { file: abs }] as [string, { file: string }] })
}

describe('model registry (Models panel)', () => {
  it('adds a package folder where it is and removes it without touching the folder', async () => {
    const p = await makeProject(tmp(), 1)
    const h = modelRegistryHandlers(p.ws)
    const pkg = makePackage()
    const r = await h.addModelPackage({ path: pkg })
    const row = r.packages.find((x) => x.versionId === r.added)!
    expect(row).toMatchObject({ kind: 'added', copied: false, path: pkg, manifestId: 'test-tiny@0.0.1', classesAgree: true, problem: null })
    expect(row.classes).toHaveLength(9)
    const after = await h.removeModel({ id: r.added, confirm: false })
    expect(after.packages.some((x) => x.versionId === r.added)).toBe(false)
    expect(existsSync(join(pkg, 'manifest.json'))).toBe(true)
    await expect(h.addModelPackage({ path: p.datasetDir })).rejects.toThrow(/dataset is not a model package: it has no manifest\.json/)
    await p.ws.closeProject()
  })

  it('concurrent calls register the embedded package once', async () => {
    const p = await makeProject(tmp(), 1)
    const h = modelRegistryHandlers(p.ws)
    await Promise.all([h.listModelRegistry({}), h.listModelRegistry({}), h.listModelRegistry({})])
    const r = await h.listModelRegistry({})
    expect(r.packages.filter((x) => x.kind === 'embedded')).toHaveLength(1)
    expect(r.packages.find((x) => x.kind === 'embedded')!.prefills).toBe(true)
    await p.ws.closeProject()
  })

  it('unzips a .zip into the data folder; removing deletes that copy, not the zip', async () => {
    const dir = tmp()
    const p = await makeProject(dir, 1)
    const h = modelRegistryHandlers(p.ws)
    const z = zip(join(dir, 'pkg.zip'), packageEntries(makePackage(), 'test-tiny/'))
    const r = await h.addModelPackage({ path: z })
    const row = r.packages.find((x) => x.versionId === r.added)!
    expect(row.copied).toBe(true)
    expect(row.path.startsWith(join(p.dataDir, 'models'))).toBe(true)
    expect(existsSync(join(row.path, 'manifest.json'))).toBe(true)
    // in use (pre-fills): asks first
    p.ws.project.models.activate(r.added)
    await expect(h.removeModel({ id: r.added, confirm: false })).rejects.toThrow(/is in use \(it pre-fills\); confirm to remove it/)
    const after = await h.removeModel({ id: r.added, confirm: true })
    expect(after.packages.some((x) => x.versionId === r.added)).toBe(false)
    expect(readdirSync(join(p.dataDir, 'models'))).toEqual([])
    expect(existsSync(z)).toBe(true)
    await p.ws.closeProject()
  })

  it('refuses a zip with ../ entries and writes nothing', async () => {
    const dir = tmp()
    const p = await makeProject(dir, 1)
    const h = modelRegistryHandlers(p.ws)
    const z = zip(join(dir, 'evil.zip'), [...packageEntries(makePackage()), ['../escaped.txt', { text: 'x' }]])
    await expect(h.addModelPackage({ path: z })).rejects.toThrow(/evil\.zip: entry "\.\.\/escaped\.txt" points outside the package/)
    expect(existsSync(join(p.dataDir, 'escaped.txt'))).toBe(false)
    expect(existsSync(join(p.dataDir, 'models')) ? readdirSync(join(p.dataDir, 'models')) : []).toEqual([])
    const empty = zip(join(dir, 'nopkg.zip'), [['readme.txt', { text: 'hi' }]])
    await expect(h.addModelPackage({ path: empty })).rejects.toThrow(/nopkg\.zip holds no model package/)
    expect(readdirSync(join(p.dataDir, 'models'))).toEqual([])
    await p.ws.closeProject()
  })

  it('registers the click model from an X-AnyLabeling config and removes it, files kept', async () => {
    const dir = tmp()
    const p = await makeProject(dir, 1)
    const h = modelRegistryHandlers(p.ws)
    const g = makeSamGraphs(join(dir, 'sam'))
    const cfg = join(g.dir, 'sam_vit_b.yaml')
    writeFileSync(cfg, 'type: segment_anything\nname: sam_vit_b\ndisplay_name: SAM ViT-B\nencoder_model_path: sam_hwc_encoder.onnx\ndecoder_model_path: sam_decoder.onnx\ninput_size: 1024\n')
    const r = await h.registerClickModel({ xanylabelingConfig: cfg })
    expect(r.clickModel).toMatchObject({ name: 'SAM ViT-B', format: 'sam', kind: 'onnx-pair', encoder: g.samHwcEncoder, decoder: g.samDecoder })
    // the config's type must match the decoder
    writeFileSync(cfg, 'type: segment_anything_2\nname: x\nencoder_model_path: sam_hwc_encoder.onnx\ndecoder_model_path: sam_decoder.onnx\n')
    await expect(h.registerClickModel({ xanylabelingConfig: cfg })).rejects.toThrow(/sam_decoder\.onnx is a SAM decoder, but the config says SAM2/)
    const gone = await h.removeClickModel({})
    expect(gone.clickModel).toBeNull()
    expect(existsSync(g.samHwcEncoder) && existsSync(g.samDecoder)).toBe(true)
    await p.ws.closeProject()
  })
})
