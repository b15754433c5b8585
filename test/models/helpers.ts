/**
 * Fixtures for the inference tests, all made by code: small ONNX packages from
 * fixtures/make_package.py (PyTorch, Debian's python3-torch) and MFNet-layout projects from the
 * synthetic scene generator, inserted into a project without the importer.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import { testWorkstation } from '../helpers/workstation'
import type { Workstation } from '../../src/main/core/workstation'
import { classPreset } from '../../src/main/core/classPresets'
import { FeatureCache } from '../../src/main/core/models/features/featureCache'

const SCRIPT = fileURLToPath(new URL('./fixtures/make_package.py', import.meta.url))
const built = new Map<string, string>()

export interface PackageOpts {
  policy?: 'resize' | 'pad-bottom-right'
  inW?: number
  inH?: number
  classes?: number
  dim?: number
  thermalBits?: 8 | 16
  replicate?: boolean
  imageW?: number
  imageH?: number
  validW?: number
  validH?: number
  seed?: number
  name?: string
}

/**
 * Builds a package folder and returns its path. Test files share builds through a folder named by
 * the hash of the script and the options (built under a temp name, then renamed into place), so
 * PyTorch starts once per package kind, not once per test file.
 */
export function makePackage(o: PackageOpts = {}): string {
  const key = JSON.stringify(o)
  const hit = built.get(key)
  if (hit) return hit
  const hash = createHash('sha256').update(readFileSync(SCRIPT)).update(key).digest('hex').slice(0, 16)
  const final = join(tmpdir(), `twinlight-test-pkg-${hash}`)
  if (existsSync(join(final, 'manifest.json'))) {
    built.set(key, final)
    return final
  }
  const out = mkdtempSync(join(tmpdir(), 'twinlight-pkg-build-'))
  const args = [SCRIPT, out, '--policy', o.policy ?? 'resize', '--in-w', String(o.inW ?? 64), '--in-h', String(o.inH ?? 48), '--classes', String(o.classes ?? 9),
    '--dim', String(o.dim ?? 8), '--thermal-bits', String(o.thermalBits ?? 8), '--replicate', o.replicate === false ? '0' : '1',
    '--image-w', String(o.imageW ?? 80), '--image-h', String(o.imageH ?? 60), '--valid-w', String(o.validW ?? 0), '--valid-h', String(o.validH ?? 0),
    '--seed', String(o.seed ?? 0), '--name', o.name ?? 'test-tiny']
  execFileSync('/usr/bin/python3', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  try {
    renameSync(out, final)
  } catch {
    rmSync(out, { recursive: true, force: true }) // another test file built it meanwhile
  }
  built.set(key, final)
  return final
}

export function readF32(path: string): Float32Array {
  const b = readFileSync(path)
  const out = new Float32Array(b.length / 4)
  new Uint8Array(out.buffer).set(b)
  return out
}

export interface DemoProject {
  ws: Workstation
  dataDir: string
  datasetDir: string
  projectPath: string
  ids: number[]
  names: string[]
}

/** A synthetic MFNet-layout dataset of `count` images and a project holding them (status new). */
export async function makeProject(dir: string, count: number, opts: { width?: number; height?: number; seed?: number; split?: (i: number) => string } = {}): Promise<DemoProject> {
  const datasetDir = join(dir, 'dataset')
  const width = opts.width ?? 160
  const height = opts.height ?? 120
  const r = await writeSyntheticDataset(datasetDir, { count, seed: opts.seed ?? 7, width, height, compressionLevel: 1 })
  const dataDir = join(dir, 'data')
  const ws = await openWorkstation(dataDir)
  const projectPath = join(dir, 'demo.twinlight')
  await ws.createProject(projectPath, 'demo', classPreset('mfnet'))
  const store = ws.project
  const ids = r.names.map((name, i) => {
    const file = join(datasetDir, 'images', `${name}.png`)
    return store.images.insert({ name, split: opts.split?.(i) ?? 'train', rgbPath: store.toStoredPath(file), thermalPath: store.toStoredPath(file), thermalChannel: 3, width, height, thermalBits: 8, contentHash: `hash-${name}-${opts.seed ?? 7}` })
  })
  return { ws, dataDir, datasetDir, projectPath, ids, names: r.names }
}

/** A workstation with every job registered and a small private feature cache. */
export async function openWorkstation(dataDir: string, cacheCap = 256 * 1024 * 1024): Promise<Workstation> {
  const ws = testWorkstation(dataDir)
  ws.inference.cache = new FeatureCache(join(dataDir, 'features'), cacheCap)
  return ws
}
