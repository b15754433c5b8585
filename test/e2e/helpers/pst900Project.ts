/**
 * A PST900 project for the fine-tuning e2e suites: `accepted` generated indoor images imported with
 * their labels (accepted), and `todo` more imported as proposals (unreviewed), under other names
 * (the importer skips names the project already has).
 */
import { join } from 'node:path'
import { readdirSync, renameSync } from 'node:fs'
import { writePst900Dataset } from '../../../src/main/core/datasets/synthetic/writePst900'
import { runCli } from './server'

export async function pst900Project(dir: string, opts: { accepted: number; todo: number; seed: number }): Promise<string> {
  const project = join(dir, 'pst.twinlight')
  const size = { width: 320, height: 240, compressionLevel: 1 }
  await writePst900Dataset(join(dir, 'accepted'), { count: opts.accepted, seed: opts.seed, ...size })
  await runCli(['import', join(dir, 'accepted'), '--project', project])
  await writePst900Dataset(join(dir, 'todo'), { count: opts.todo, seed: opts.seed + 1, ...size })
  for (const split of readdirSync(join(dir, 'todo'))) {
    for (const folder of readdirSync(join(dir, 'todo', split))) {
      const at = join(dir, 'todo', split, folder)
      for (const f of readdirSync(at)) renameSync(join(at, f), join(at, `todo-${f}`))
    }
  }
  await runCli(['import', join(dir, 'todo'), '--project', project, '--as-proposals'])
  return project
}
