/** `twinlight train` end to end through bin/twinlight (tsx register API, worker bootstrap included). */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import { writePst900Dataset } from '../../src/main/core/datasets/synthetic/writePst900'
import { makePackage } from '../models/helpers'
import { useTmp } from '../helpers/tmp'

const tmp = useTmp()
const BIN = fileURLToPath(new URL('../../bin/twinlight', import.meta.url))

function twinlight(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('twinlight train', () => {
  it('refuses without accepted images, then trains and prints the table once masks are accepted', async () => {
    const dir = tmp()
    const data = join(dir, 'dataset')
    await writeSyntheticDataset(data, { count: 12, seed: 5, width: 96, height: 72, compressionLevel: 1 })
    const env = { TWINLIGHT_HOME: join(dir, 'home'), TWINLIGHT_MODEL_DIR: makePackage({ inW: 64, inH: 48, classes: 9, dim: 8, seed: 4, name: 'cli-fixture' }) }

    const unlabeled = join(dir, 'review.twinlight')
    expect(twinlight(['import', data, '--project', unlabeled, '--as-proposals'], env).code).toBe(0)
    const refused = twinlight(['train', unlabeled], env)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/No accepted images yet.*Nothing was changed/)

    const labeled = join(dir, 'labeled.twinlight')
    expect(twinlight(['import', data, '--project', labeled], env).code).toBe(0)
    const human = twinlight(['train', labeled, '--steps', '80', '--seed', '3', '--rank', '2', '--activate', 'always'], env)
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/rank 2, 80 steps, seed 3/)
    expect(human.stdout).toMatch(/^mIoU\s+\d\.\d{4}\s+\d\.\d{4}/m)
    expect(human.stderr).toMatch(/step \d+\/80 {2}loss \d/)
    const json = twinlight(['train', labeled, '--steps', '40', '--json'], env)
    expect(json.code, json.stderr).toBe(0)
    const report = JSON.parse(json.stdout)
    // The second run continues from the first version (rank 2 kept from the parent's adapter).
    expect(report).toMatchObject({ rank: 2, steps: 40, mode: 'worker', heldOutRule: 'split' })
    expect(report.classes.length).toBe(9)
  })
})

describe('twinlight train --tier head', () => {
  it('fine-tunes a PST900 project (classes the model does not have) and prints the table with its class names', async () => {
    const dir = tmp()
    const data = join(dir, 'pst')
    await writePst900Dataset(data, { count: 10, seed: 6, width: 96, height: 64, compressionLevel: 1 })
    const env = { TWINLIGHT_HOME: join(dir, 'home'), TWINLIGHT_MODEL_DIR: makePackage({ inW: 64, inH: 48, classes: 9, dim: 8, seed: 4, name: 'cli-fixture' }) }
    const project = join(dir, 'pst.twinlight')
    expect(twinlight(['import', data, '--project', project], env).code).toBe(0)
    const bad = twinlight(['train', project, '--tier', 'wide'], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--tier must be adapter, head or lora \(got "wide"\)/)
    const r = twinlight(['train', project, '--tier', 'head', '--steps', '40', '--activate', 'always'], env)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/head tier \(hidden width 12, the project's \d+ classes\), 40 steps/)
    expect(r.stdout).toMatch(/^Hand-Drill\s/m)
    expect(r.stdout).toMatch(/^Survivor\s/m)
    // The LoRA tier where its Python does not exist: info says so, train refuses, --python is for lora only.
    const noPy = { ...env, TWINLIGHT_PYTHON: '/nonexistent/python3' }
    const info = twinlight(['info', project], noPy)
    expect(info.code, info.stderr).toBe(0)
    expect(info.stdout).toMatch(/^LoRA tier: unavailable — Python not found at \/nonexistent\/python3.*Install: (apt-get|pip) install/m)
    const lora = twinlight(['train', project, '--tier', 'lora'], noPy)
    expect(lora.code).toBe(1)
    expect(lora.stderr).toMatch(/The LoRA tier is not available: Python not found at \/nonexistent\/python3/)
    expect(twinlight(['train', project, '--python', '/usr/bin/python3'], env).stderr).toMatch(/--python is for --tier lora only/)
  })
})
