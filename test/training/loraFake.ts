/**
 * Test helpers for the LoRA tier: a FAKE Python (a node script used as the interpreter) that
 * answers `--probe` and, for `--job DIR`, speaks the worker protocol and writes a package by
 * copying the source package with the job's classes; and a source package (the embedded tiny
 * model with provenance.pytorch added) plus a project of real images with accepted masks.
 */
import { chmodSync, cpSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { decodeImage } from '../../src/main/core/imaging/png'
import { ensureBaseModel } from '../../src/main/core/models/versions/modelVersions'
import { makeProject } from '../models/helpers'

export type FakeMode = 'ok' | 'kill-once' | 'error' | 'bad-parity' | 'probe-missing-torch' | 'slow' | 'probe-hang' | 'probe-garbage'

/** Writes the fake interpreter into `dir`; returns its path. */
export function fakePython(dir: string, mode: FakeMode): string {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `fake-python-${mode}`)
  const src = `#!${process.execPath}
const fs = require('fs'), path = require('path')
const mode = ${JSON.stringify(mode)}
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n')
const args = process.argv.slice(3)
if (args[0] === '--probe') {
  if (mode === 'probe-missing-torch') { say({ ok: false, reason: "No module named 'torch'" }); process.exit(3) }
  if (mode === 'probe-hang') { setInterval(() => {}, 1000); return }
  if (mode === 'probe-garbage') { process.stderr.write('Segmentation fault\\n'); process.exit(139) }
  say({ ok: true, python: '3.11.2', torch: '1.13.0a0', onnx: '1.14.0', cuda: false, device: 'cpu', deviceName: 'cpu' })
  process.exit(0)
}
const dir = args[1]
const job = JSON.parse(fs.readFileSync(path.join(dir, 'job.json'), 'utf8'))
fs.appendFileSync(path.join(dir, 'runs.log'), 'run\\n')
const steps = job.steps ?? 30
const ckpt = path.join(dir, 'checkpoint.pt')
let start = 0
if (fs.existsSync(ckpt)) { start = JSON.parse(fs.readFileSync(ckpt, 'utf8')).step; say({ type: 'resumed', step: start }) }
say({ type: 'phase', phase: 'load', message: 'Loading ' + job.data.count + ' images' })
const bytes = fs.statSync(path.join(dir, job.data.file)).size
if (bytes !== job.data.count * job.data.height * job.data.width * 5) { say({ type: 'error', message: 'data.bin has ' + bytes + ' bytes' }); process.exit(1) }
if (mode === 'error') { process.stderr.write('Traceback: boom\\n'); say({ type: 'error', message: 'CUDA out of memory (fake)' }); process.exit(1) }
say({ type: 'phase', phase: 'train', message: 'Training' })
const curve = []
for (let s = start + 10; s <= steps; s += 10) {
  const loss = 1 / s
  curve.push({ step: s, loss })
  say({ type: 'progress', step: s, steps, loss, etaSeconds: (steps - s) / 100 })
  fs.writeFileSync(ckpt, JSON.stringify({ step: s }))
  say({ type: 'checkpoint', step: s })
  if (mode === 'slow') { fs.writeFileSync(path.join(dir, 'slow.pid'), String(process.pid)); setInterval(() => {}, 1000); return }
  if (mode === 'kill-once' && s >= 10 && start === 0) { process.stderr.write('about to die\\n'); process.kill(process.pid, 'SIGKILL') }
}
say({ type: 'phase', phase: 'export', message: 'Exporting' })
const src = job.source.package
const part = job.out + '.partial'
fs.cpSync(src, part, { recursive: true })
const m = JSON.parse(fs.readFileSync(path.join(part, 'manifest.json'), 'utf8'))
m.name = job.package.name; m.version = job.package.version; m.id = m.name + '@' + m.version; m.description = job.package.description
m.classes = job.classes.map((c, i) => ({ index: i, name: c.name, color: c.color, ignore: false }))
delete m.parts.promptDecoder
fs.rmSync(path.join(part, 'prompt_decoder.onnx'), { force: true })
m.provenance.tier = 'lora'
m.provenance.pytorch = { weights: 'pytorch/model.pt', arch: 'twinlight-sartm', config: { lora_rank: 4 } }
fs.writeFileSync(path.join(part, 'manifest.json'), JSON.stringify(m, null, 2))
if (mode === 'bad-parity') {
  const f = path.join(part, 'parity', 'logits.bin'); const b = fs.readFileSync(f); const a = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); a[0] += 1; fs.writeFileSync(f, b)
}
fs.renameSync(part, job.out)
say({ type: 'done', out: job.out, steps, seconds: 0.1, device: 'cpu', trainableParams: 1234, lossCurve: curve })
`
  writeFileSync(file, src)
  chmodSync(file, 0o755)
  return file
}

/** The embedded tiny package copied to `dir` with PyTorch provenance (and a stand-in model.pt). */
export function loraSourcePackage(dir: string): string {
  const out = join(dir, 'src-pkg')
  cpSync('resources/models/tiny-sartm', out, { recursive: true })
  mkdirSync(join(out, 'pytorch'), { recursive: true })
  writeFileSync(join(out, 'pytorch', 'model.pt'), 'not really a torch file')
  const mf = join(out, 'manifest.json')
  const m = JSON.parse(readFileSync(mf, 'utf8'))
  m.provenance.pytorch = { weights: 'pytorch/model.pt', arch: 'twinlight-sartm', config: { lora_rank: 4 } }
  writeFileSync(mf, JSON.stringify(m, null, 2))
  return out
}

/** 6 accepted training + 2 held-out (test) images of real pixels, base = `pkg`. */
export async function loraProject(dir: string, pkg: string) {
  const p = await makeProject(dir, 8, { width: 96, height: 72, seed: 11, split: (i) => (i < 6 ? 'train' : 'test') })
  const store = p.ws.project
  const baseId = await ensureBaseModel(store, pkg)
  for (const [i, id] of p.ids.entries()) {
    const gt = await decodeImage(join(p.datasetDir, 'labels', `${p.names[i]}.png`))
    store.annotations.replace(id, gt.width, gt.height, gt.data as Uint8Array, 'human', null)
    store.annotations.accept(id)
  }
  return { ...p, baseId }
}
