/**
 * The pre-fill benches' input: `count` generated MFNet-layout images (4-channel PNG, thermal in
 * channel 3, seed 11, zlib level 3) in a fresh project with every job registered.
 */
import { join } from 'node:path'
import { writeSyntheticDataset } from '../../src/main/core/datasets/synthetic/writeDataset'
import { createWorkstation } from '../../src/main/core/app'
import type { Workstation } from '../../src/main/core/workstation'
import { classPreset } from '../../src/main/core/classPresets'

export async function makeBenchProject(work: string, count: number, width: number, height: number): Promise<{ ws: Workstation; ids: number[] }> {
  const ds = join(work, 'dataset')
  const r = await writeSyntheticDataset(ds, { count, seed: 11, width, height, compressionLevel: 3 })
  const ws = createWorkstation({ dataDir: join(work, 'data'), transport: 'http' })
  await ws.createProject(join(work, 'bench.twinlight'), 'bench', classPreset('mfnet'))
  const store = ws.project
  const ids = r.names.map((name) => {
    const file = join(ds, 'images', `${name}.png`)
    return store.images.insert({ name, split: 'train', rgbPath: store.toStoredPath(file), thermalPath: store.toStoredPath(file), thermalChannel: 3, width, height, thermalBits: 8, contentHash: `bench-${name}` })
  })
  return { ws, ids }
}
