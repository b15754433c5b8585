import { describe, expect, it } from 'vitest'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadModelPackage } from '../../src/main/core/models/package/packageLoader'
import { openBackboneSession } from '../../src/main/core/models/runtime/ort'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()
const PKG = join(process.cwd(), 'resources', 'models', 'tiny-sartm')
const MANIFESTS = 1000
const GRAPHS = 120

function rng(seed: number) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}

/** Every path to a leaf of a JSON value. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, Array.isArray(v) ? Number(k) : k], out)
  else out.push(prefix)
  return out
}

const JUNK: unknown[] = [null, -1, 0, 1e12, 'x', '', '../../etc/passwd', [], {}, true, 3.5, [1, 2], 'rgb', NaN]

describe('model package fuzzing', () => {
  it(`refuses ${MANIFESTS} mutated manifests with an error naming the package, never a crash`, async () => {
    const base = JSON.parse(readFileSync(join(PKG, 'manifest.json'), 'utf8'))
    const leaves = paths(base)
    const r = rng(3)
    const dir = join(tmp(), 'pkg')
    mkdirSync(dir)
    copyFileSync(join(PKG, 'backbone.onnx'), join(dir, 'backbone.onnx'))
    const outcomes: Record<string, number> = {}
    for (let i = 0; i < MANIFESTS; i++) {
      const m = structuredClone(base)
      const k = 1 + Math.floor(r() * 3)
      for (let j = 0; j < k; j++) {
        const path = leaves[Math.floor(r() * leaves.length)]!
        let parent = m as Record<string | number, unknown>
        for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>
        const last = path[path.length - 1]!
        if (r() < 0.3) delete parent[last]
        else parent[last] = JUNK[Math.floor(r() * JUNK.length)]
      }
      const text = r() < 0.05 ? JSON.stringify(m).slice(0, Math.floor(r() * 200)) : JSON.stringify(m)
      writeFileSync(join(dir, 'manifest.json'), text)
      try {
        const pkg = await loadModelPackage(dir)
        // Accepted by the schema: the graph check must then agree or refuse clearly.
        try {
          const s = await openBackboneSession(pkg)
          await s.release()
          outcomes['loaded'] = (outcomes['loaded'] ?? 0) + 1
        } catch (e) {
          expect((e as Error).message).toMatch(/^Model package "/)
          outcomes['graph-refused'] = (outcomes['graph-refused'] ?? 0) + 1
        }
      } catch (e) {
        const msg = (e as Error).message
        expect(msg, text.slice(0, 200)).toMatch(/^Model package "|manifest\.json/)
        expect(msg.length).toBeLessThan(2000)
        outcomes['manifest-refused'] = (outcomes['manifest-refused'] ?? 0) + 1
      }
    }
    console.log(`manifest fuzz: ${MANIFESTS} manifests →`, JSON.stringify(outcomes))
    expect(outcomes['manifest-refused']).toBeGreaterThan(MANIFESTS / 2)
  }, 600_000)

  it(`refuses ${GRAPHS} truncated or corrupted ONNX files with a clear error`, async () => {
    const bytes = readFileSync(join(PKG, 'backbone.onnx'))
    const r = rng(9)
    const dir = join(tmp(), 'pkg')
    mkdirSync(dir)
    copyFileSync(join(PKG, 'manifest.json'), join(dir, 'manifest.json'))
    const outcomes: Record<string, number> = {}
    for (let i = 0; i < GRAPHS; i++) {
      let b: Buffer
      const kind = r()
      if (kind < 0.5) b = bytes.subarray(0, Math.floor(r() * bytes.length))
      else if (kind < 0.8) {
        b = Buffer.from(bytes)
        for (let j = 0; j < 8; j++) b[Math.floor(r() * 4096)] = Math.floor(r() * 256) // the graph header region
      } else b = Buffer.from('not an onnx file at all '.repeat(Math.floor(r() * 50)))
      writeFileSync(join(dir, 'backbone.onnx'), b)
      try {
        const pkg = await loadModelPackage(dir)
        const s = await openBackboneSession(pkg)
        await s.release()
        outcomes['loaded'] = (outcomes['loaded'] ?? 0) + 1 // a flip in a weight is still a valid graph
      } catch (e) {
        expect((e as Error).message).toMatch(/^Model package "|backbone/)
        outcomes['refused'] = (outcomes['refused'] ?? 0) + 1
      }
    }
    console.log(`onnx fuzz: ${GRAPHS} files →`, JSON.stringify(outcomes))
    expect(outcomes['refused']).toBeGreaterThan(GRAPHS / 2)
  }, 600_000)
})
