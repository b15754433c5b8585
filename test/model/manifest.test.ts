/**
 * Package format: the embedded manifest validates, and every way a package can be wrong gives an
 * error that names the package and the problem (malformed manifest, missing ONNX file, graph whose
 * tensor names or shapes disagree with the manifest).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { modelManifestSchema, parseManifest, type ModelManifest } from '@shared/modelPackage'
import { loadModelPackage } from '../../src/main/core/models/package/packageLoader'
import { openBackboneSession } from '../../src/main/core/models/runtime/ort'
import { TINY_PACKAGE_DIR } from './helpers'

const manifestJson = (): ModelManifest => JSON.parse(readFileSync(join(TINY_PACKAGE_DIR, 'manifest.json'), 'utf8')) as ModelManifest
const tmpDirs: string[] = []
afterAll(() => { for (const d of tmpDirs) rmSync(d, { recursive: true, force: true }) })

/** A package folder named `name` with the given manifest and the real ONNX files linked in, except `omit`. */
function makePackage(name: string, manifest: unknown, omit?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'twl-pkg-'))
  tmpDirs.push(root)
  const dir = join(root, name)
  cpSync(TINY_PACKAGE_DIR, dir, { recursive: true, filter: (src) => !src.endsWith('.onnx') })
  for (const f of readdirSync(TINY_PACKAGE_DIR)) {
    if (f.endsWith('.onnx') && f !== omit) symlinkSync(resolve(TINY_PACKAGE_DIR, f), join(dir, f))
  }
  writeFileSync(join(dir, 'manifest.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest))
  return dir
}

describe('embedded package manifest', () => {
  it('validates and is consistent with the MFNet classes', async () => {
    const pkg = await loadModelPackage(TINY_PACKAGE_DIR)
    const m = pkg.manifest
    expect(m.name).toBe('tiny-sartm')
    expect(m.classes.map((c) => c.name)).toEqual(['unlabeled', 'car', 'person', 'bike', 'curve', 'car_stop', 'guardrail', 'color_cone', 'bump'])
    expect(m.tensors.outputs.logits.shape[1]).toBe(m.classes.length)
    expect(m.tensors.outputs.features.shape.slice(2)).toEqual(m.tensors.outputs.logits.shape.slice(2))
    expect(pkg.backbonePath.endsWith('backbone.onnx')).toBe(true)
  })

  it('records a held-out mIoU ≥ 0.60 with a per-class table and the command that made it', () => {
    const p = manifestJson().provenance
    expect(p.heldOutMiou).not.toBeNull()
    expect(p.heldOutMiou!).toBeGreaterThanOrEqual(0.6)
    expect(p.perClassIou).toHaveLength(9)
    const mean = p.perClassIou.reduce((s, c) => s + (c.iou ?? 0), 0) / p.perClassIou.length
    expect(Math.abs(mean - p.heldOutMiou!)).toBeLessThan(1e-3)
    expect(p.command).toContain('model/train.py')
    expect(p.seed).not.toBeNull()
  })

  it('opens in onnxruntime-node and the graph matches the manifest', async () => {
    const s = await openBackboneSession(await loadModelPackage(TINY_PACKAGE_DIR))
    expect([...s.inputNames].sort()).toEqual(['rgb', 'thermal'])
    await s.release()
  })
})

describe('malformed manifests name the package and the field', () => {
  const bad = (mutate: (m: Record<string, any>) => void): Record<string, unknown> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const m = manifestJson() as unknown as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
    mutate(m)
    return m
  }
  const cases: [string, (m: Record<string, any>) => void, RegExp][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
    ['missing input size', (m) => { delete m.input.width }, /field "input\.width"/],
    ['logits channels ≠ classes', (m) => { m.tensors.outputs.logits.shape[1] = 5 }, /tensors\.outputs\.logits\.shape.*9 classes/],
    ['features not at the logits resolution', (m) => { m.tensors.outputs.features.shape[3] = 64 }, /tensors\.outputs\.features\.shape.*h,w must equal/],
    ['16-bit thermal without window', (m) => { m.normalisation.thermal.bits = 16 }, /normalisation\.thermal\.window" is required/],
    ['class indices out of order', (m) => { m.classes[2].index = 7 }, /classes\[2\]\.index/],
    ['unknown padding policy', (m) => { m.input.policy = 'crop' }, /field "input\.policy"/],
    ['prompt embedding from an undeclared output', (m) => { m.parts.promptDecoder.embeddings.image_embed = 'nope' }, /promptDecoder\.embeddings\.image_embed" "nope" is not a backbone output/]
  ]
  for (const [label, mutate, re] of cases) {
    it(label, () => {
      expect(() => parseManifest(bad(mutate), 'pkg-under-test')).toThrow(/^Model package "pkg-under-test": /)
      expect(() => parseManifest(bad(mutate), 'pkg-under-test')).toThrow(re)
    })
  }

  it('the schema export accepts the embedded manifest unchanged', () => {
    expect(modelManifestSchema.safeParse(manifestJson()).success).toBe(true)
  })

  it('invalid JSON is reported with the folder name', async () => {
    const dir = makePackage('broken-json', '{"name": "x",')
    await expect(loadModelPackage(dir)).rejects.toThrow(/^Model package "broken-json": manifest\.json is not valid JSON/)
  })

  it('a schema error on disk names the package from the manifest', async () => {
    const dir = makePackage('folder-name', bad((m) => { m.name = 'renamed-pkg'; m.opset = 'seventeen' }))
    await expect(loadModelPackage(dir)).rejects.toThrow(/^Model package "renamed-pkg": manifest\.json field "opset"/)
  })
})

describe('package files and graph checks', () => {
  it('a missing backbone.onnx is reported with its path', async () => {
    const dir = makePackage('tiny-sartm', manifestJson(), 'backbone.onnx')
    await expect(loadModelPackage(dir)).rejects.toThrow(/^Model package "tiny-sartm": parts\.backbone: file "backbone\.onnx" is missing/)
  })

  it('a part path escaping the package is refused', async () => {
    const dir = makePackage('tiny-sartm', { ...manifestJson(), parts: { backbone: '../elsewhere.onnx' } })
    await expect(loadModelPackage(dir)).rejects.toThrow(/field "parts\.backbone" must be a path inside the package/)
  })

  it('a tensor name the graph does not have is reported', async () => {
    const m = manifestJson()
    m.tensors.outputs.logits.name = 'scores'
    const pkg = await loadModelPackage(makePackage('tiny-sartm', m))
    await expect(openBackboneSession(pkg)).rejects.toThrow(/^Model package "tiny-sartm": backbone graph does not match manifest\.json: graph has no output "scores"/)
  })

  it('a shape the graph does not have is reported', async () => {
    const m = manifestJson()
    m.input.width = 256
    m.input.height = 192
    m.tensors.inputs.rgb.shape = [1, 3, 192, 256]
    m.tensors.inputs.thermal.shape = [1, 3, 192, 256]
    const pkg = await loadModelPackage(makePackage('tiny-sartm', m))
    await expect(openBackboneSession(pkg)).rejects.toThrow(/input "rgb" has shape \[1,3,384,512\] in the graph but \[1,3,192,256\] in the manifest/)
  })
})
