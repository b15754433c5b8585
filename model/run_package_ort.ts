// Runs a model package's backbone once in onnxruntime-node with the app's memory plan
// (src/main/core/models/runtime/memoryPlan.ts), for the upstream SARTM check (check_sartm_upstream.py)
// and the bare-session memory measurement. Reads IO_DIR/{rgb,thermal}.bin (float32, manifest shapes),
// writes IO_DIR/{logits,features}.bin, prints one JSON line (plan, open and run seconds).
//   npx tsx model/run_package_ort.ts PACKAGE_DIR IO_DIR [threads]
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { availableMemoryBytes, planMemory, planSessionOptions } from '../src/main/core/models/runtime/memoryPlan'

const [dir, io, threadsArg] = process.argv.slice(2)
if (!dir || !io) throw new Error('usage: run_package_ort.ts PACKAGE_DIR IO_DIR [threads]')
const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
const path = join(dir, m.parts.backbone)
const plan = planMemory({ modelBytes: statSync(path).size, inputPixels: m.input.width * m.input.height, freeBytes: availableMemoryBytes(), threads: Number(threadsArg ?? 1), name: m.name })
let t0 = performance.now()
const s = await ort.InferenceSession.create(path, { executionProviders: ['cpu'], ...planSessionOptions(plan) } as ort.InferenceSession.SessionOptions)
const openS = (performance.now() - t0) / 1000
const feeds: Record<string, ort.Tensor> = {}
for (const [key, t] of Object.entries(m.tensors.inputs) as [string, { name: string; shape: number[] }][]) {
  const buf = readFileSync(join(io, `${key}.bin`))
  feeds[t.name] = new ort.Tensor('float32', new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4), t.shape)
}
t0 = performance.now()
const out = await s.run(feeds)
const runS = (performance.now() - t0) / 1000
for (const [key, t] of Object.entries(m.tensors.outputs) as [string, { name: string }][]) {
  const d = out[t.name]!.data as Float32Array
  writeFileSync(join(io, `${key}.bin`), Buffer.from(d.buffer, d.byteOffset, d.byteLength))
}
await s.release()
console.log(JSON.stringify({ plan, openSeconds: +openS.toFixed(1), runSeconds: +runS.toFixed(1) }))
