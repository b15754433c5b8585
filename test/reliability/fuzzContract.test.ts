import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { testWorkstation } from '../helpers/workstation'
import { createDispatcher } from '../../src/main/core/api/dispatcher'
import { allHandlers } from '../../src/main/core/api/handlers'
import { startServer } from '../../src/main/server/server'
import { methodNames } from '@shared/contract/methods'
import { errorCodes } from '@shared/contract/errors'
import { classPreset } from '../../src/main/core/classPresets'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()
// ≥ 1,000 malformed calls in all (the bar per entry point), spread over every method.
const PER_METHOD = 200

function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32)
}

/** Values of every JSON type, edge numbers, long strings, deep nesting, path tricks. */
function junk(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * 16)
  switch (k) {
    case 0: return null
    case 1: return r() < 0.5
    case 2: return Math.floor(r() * 2 ** 31) * (r() < 0.5 ? -1 : 1)
    case 3: return [NaN, Infinity, -0, 1e308, -1, 0, 2 ** 53 + 1, 0.5][Math.floor(r() * 8)] ?? 0
    case 4: return 'x'.repeat(Math.floor(r() * 100))
    case 5: return r() < 0.05 ? 'y'.repeat(1_000_000) : '../../../etc/passwd'
    case 6: return '\u0000\uffff' + String.fromCharCode(Math.floor(r() * 65536))
    case 7: return depth > 4 ? [] : Array.from({ length: Math.floor(r() * 5) }, () => junk(r, depth + 1))
    case 8: return depth > 4 ? {} : Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, (_, i) => [`k${i}`, junk(r, depth + 1)]))
    case 9: return { __proto__: { polluted: true }, constructor: 'x' }
    case 10: return '/media/rgb/1'
    case 11: return { x: -1, y: -1, w: 0, h: 1e9 }
    case 12: return 'not base64 !!!'
    case 13: return 1
    case 14: return ['accepted', 'nope']
    default: return undefined
  }
}

const FIELDS = ['id', 'imageId', 'path', 'dir', 'format', 'name', 'offset', 'limit', 'filter', 'sort', 'rect', 'data', 'baseSeq', 'label', 'which', 'after', 'statuses', 'dx', 'dy', 'classPreset', 'asProposals']

function argsFor(r: () => number): unknown {
  const shape = r()
  if (shape < 0.1) return junk(r) // not even an object
  const o: Record<string, unknown> = {}
  const n = Math.floor(r() * 5)
  for (let i = 0; i < n; i++) o[FIELDS[Math.floor(r() * FIELDS.length)]!] = junk(r)
  if (r() < 0.1) o['unexpected'] = 1
  return o
}

describe('contract fuzzing', () => {
  it(`answers ${PER_METHOD} malformed calls per method (every method) with typed errors, never a crash`, async () => {
    const dir = tmp()
    const ws = testWorkstation(join(dir, 'data'))
    await ws.createProject(join(dir, 'fuzz'), undefined, classPreset('mfnet'))
    // A junk relative path that happens to be valid creates its project here, not in the checkout.
    const cwd = process.cwd()
    process.chdir(dir)
    ws.project.images.insert({ name: 'a', split: 'train', rgbPath: 'missing.png', thermalPath: 'missing.png', width: 16, height: 16, thermalBits: 8 })
    const logged: unknown[] = []
    const d = createDispatcher(allHandlers(ws), (_m, e) => logged.push(e))
    const r = rng(7)
    const counts: Record<string, number> = {}
    let calls = 0
    for (const m of methodNames) {
      // Methods that would replace the open project or start long work on junk are still called;
      // whatever they do, the answer must be well-formed.
      for (let i = 0; i < PER_METHOD; i++) {
        const out = await d.call(m, argsFor(r))
        calls++
        if (out.ok) {
          counts['ok'] = (counts['ok'] ?? 0) + 1
          continue
        }
        expect(Object.keys(errorCodes)).toContain(out.error.code)
        expect(typeof out.error.message).toBe('string')
        expect(out.error.message.length).toBeGreaterThan(0)
        expect(out.error.message.length).toBeLessThan(5000)
        counts[out.error.code] = (counts[out.error.code] ?? 0) + 1
      }
      if (!ws.hasProject) await ws.openProject(join(dir, 'fuzz.twinlight'))
    }
    await ws.jobs.stopAll()
    process.chdir(cwd)
    expect(counts['internal'] ?? 0).toBe(0)
    expect(logged).toEqual([])
    console.log(`contract fuzz: ${calls} calls over ${methodNames.length} methods →`, JSON.stringify(counts))
  }, 300_000)

  it('the HTTP server survives junk bodies, huge payloads and wrong methods', async () => {
    const dir = tmp()
    const ws = testWorkstation(join(dir, 'data'))
    const srv = await startServer(ws, { port: 0, staticDir: join(dir, 'none') })
    const r = rng(99)
    const statuses: Record<number, number> = {}
    try {
      for (let i = 0; i < 300; i++) {
        const m = r() < 0.8 ? methodNames[Math.floor(r() * methodNames.length)]! : `x${i}`
        const body = r() < 0.2 ? '{"broken": ' : r() < 0.02 ? 'z'.repeat(17 * 1024 * 1024) : JSON.stringify(argsFor(r))
        const verb = r() < 0.9 ? 'POST' : 'PUT'
        const res = await fetch(`http://127.0.0.1:${srv.port}/api/${m}`, { method: verb, headers: { 'x-twinlight-token': srv.token }, body }).catch((e) => {
          throw new Error(`${verb} ${m} with a ${body.length}-byte body: ${(e as Error).message} (${String((e as Error).cause)})`)
        })
        statuses[res.status] = (statuses[res.status] ?? 0) + 1
        expect(res.status).toBeLessThan(500)
        await res.arrayBuffer()
      }
      const alive = await fetch(`http://127.0.0.1:${srv.port}/api/getAppInfo`, { method: 'POST', headers: { 'x-twinlight-token': srv.token } })
      expect(alive.status).toBe(200)
      console.log('http fuzz statuses:', JSON.stringify(statuses))
    } finally {
      await srv.close()
    }
  }, 300_000)
})
