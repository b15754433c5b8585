import { resolve } from 'node:path'
import type { Command } from '../command'
import { ApiError } from '@shared/contract/errors'
import { parse, intOption, str } from '../args'
import { openSession } from '../session'
import { createDemo, DEMO_COUNT, DEMO_FAMILIES, DEMO_SEED, type DemoFamily } from '../../core/datasets/jobs/demo'
import { makeOut, progressBar } from '../output'

const usage = 'twinlight demo [dir] [--count N] [--seed S] [--family street|pst900] [--json]'

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Generate a synthetic RGB-T demo dataset (street or pst900 family) and its project (default dir: ./twinlight-demo).',
  usage,
  async run(argv, json) {
    const { values, positionals } = parse(argv, { count: { type: 'string' }, seed: { type: 'string' }, family: { type: 'string' } }, usage)
    const family = str(values, 'family') ?? 'street'
    if (!(DEMO_FAMILIES as readonly string[]).includes(family)) throw new ApiError('invalid_argument', `--family must be one of ${DEMO_FAMILIES.join(', ')} (got "${family}").`)
    const dir = resolve(positionals[0] ?? 'twinlight-demo')
    const session = openSession()
    const bar = progressBar('generate')
    // No contract method generates a demo in a chosen folder (openDemoProject uses the app's own).
    const store = await createDemo(session.ws, dir, { count: intOption(str(values, 'count'), 'count', DEMO_COUNT, 1, 100000), seed: intOption(str(values, 'seed'), 'seed', DEMO_SEED), family: family as DemoFamily, onProgress: bar })
    const s = store.summary()
    makeOut(json).print(`Demo project ${s.path}: ${s.imageCount} images (${s.splits.join(', ')}). Open it with: twinlight serve --project ${s.path}`, s)
    await session.dispose()
    return 0
  }
}
