// CPU latency of a package's backbone through onnxruntime-node (the app's runtime), one thread.
//   node model/bench_ort.mjs resources/models/tiny-sartm [runs]
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'

const dir = process.argv[2] ?? 'resources/models/tiny-sartm'
const runs = Number(process.argv[3] ?? 30)
const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
const s = await ort.InferenceSession.create(join(dir, m.parts.backbone), { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 })
const feeds = {}
for (const t of Object.values(m.tensors.inputs)) feeds[t.name] = new ort.Tensor('float32', new Float32Array(t.shape.reduce((a, b) => a * b, 1)).fill(0.1), t.shape)
for (let i = 0; i < 3; i++) await s.run(feeds)
const ms = []
for (let i = 0; i < runs; i++) { const t0 = performance.now(); await s.run(feeds); ms.push(performance.now() - t0) }
ms.sort((a, b) => a - b)
const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]
console.log(JSON.stringify({ package: m.id, input: [m.input.width, m.input.height], threads: 1, runs, minMs: +ms[0].toFixed(1), p50Ms: +q(0.5).toFixed(1), p90Ms: +q(0.9).toFixed(1) }))
await s.release()
