/**
 * CLI: write a synthetic RGB-T dataset: street scenes in the MFNet official layout (default), or
 * with --family pst900 indoor scenes in PST900's layout and classes (1280x720 unless given).
 *   npx tsx scripts/generateSynthetic.ts --out DIR --count N --seed S [--family street|pst900 --width 640 --height 480
 *     --night-share 0.5 --thermal-gain 1 --thermal-offset 0 --thermal-gradient 0 --fog 0
 *     --misreg-dx 0 --misreg-dy 0 --instances]
 * thermal-offset and thermal-gradient are fractions of the thermal range (0.1 = 25.5 grey levels).
 * These flags are a contract used by model/ training scripts: add flags, never rename them.
 */
import { parseArgs } from 'node:util'
import { writeSyntheticDataset } from '../src/main/core/datasets/synthetic/writeDataset'
import { writePst900Dataset } from '../src/main/core/datasets/synthetic/writePst900'

// parseArgs refuses "--flag -2" as ambiguous; negative offsets/shifts are normal here, so join
// such pairs into "--flag=-2" first.
const argv: string[] = []
const raw = process.argv.slice(2)
for (let i = 0; i < raw.length; i++) {
  const next = raw[i + 1]
  if (raw[i].startsWith('--') && !raw[i].includes('=') && next !== undefined && /^-\d|^-\.\d/.test(next)) {
    argv.push(`${raw[i]}=${next}`)
    i++
  } else {
    argv.push(raw[i])
  }
}

const { values } = parseArgs({
  args: argv,
  options: {
    out: { type: 'string' },
    count: { type: 'string', default: '1569' },
    seed: { type: 'string', default: '1' },
    family: { type: 'string', default: 'street' },
    width: { type: 'string' },
    height: { type: 'string' },
    'night-share': { type: 'string', default: '0.5' },
    'thermal-gain': { type: 'string', default: '1' },
    'thermal-offset': { type: 'string', default: '0' },
    'thermal-gradient': { type: 'string', default: '0' },
    fog: { type: 'string', default: '0' },
    'misreg-dx': { type: 'string', default: '0' },
    'misreg-dy': { type: 'string', default: '0' },
    instances: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false }
  },
  strict: true
})

function num(name: keyof typeof values): number {
  const raw = values[name]
  const v = Number(raw)
  if (typeof raw !== 'string' || !Number.isFinite(v)) {
    console.error(`--${name} must be a number, got ${String(raw)}`)
    process.exit(2)
  }
  return v
}

if (!values.out) {
  console.error('usage: generate-synthetic.ts --out DIR --count N --seed S [options]')
  process.exit(2)
}
if (values.family !== 'street' && values.family !== 'pst900') {
  console.error(`--family must be street or pst900, got ${String(values.family)}`)
  process.exit(2)
}
const progress = values.quiet ? undefined : (done: number, total: number): void => {
  if (done % 100 === 0 || done === total) process.stdout.write(`\r${done}/${total}`)
}
const started = performance.now()
if (values.family === 'pst900') {
  const r = await writePst900Dataset(values.out, {
    count: num('count'), seed: num('seed'),
    width: values.width ? num('width') : 1280, height: values.height ? num('height') : 720,
    onProgress: progress
  })
  if (!values.quiet) process.stdout.write('\n')
  console.log(`wrote ${r.names.length} PST900-layout scenes to ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
    `train ${r.splits.train.length}, test ${r.splits.test.length}`)
  process.exit(0)
}
const result = await writeSyntheticDataset(values.out, {
  count: num('count'),
  seed: num('seed'),
  width: values.width ? num('width') : 640,
  height: values.height ? num('height') : 480,
  nightShare: num('night-share'),
  thermalGain: num('thermal-gain'),
  thermalOffset: num('thermal-offset'),
  thermalGradient: num('thermal-gradient'),
  fog: num('fog'),
  misregDx: num('misreg-dx'),
  misregDy: num('misreg-dy'),
  instances: values.instances,
  onProgress: progress
})
const secs = (performance.now() - started) / 1000
if (!values.quiet) process.stdout.write('\n')
console.log(`wrote ${result.names.length} images (${result.night} night) to ${values.out} in ${secs.toFixed(1)} s; ` +
  `train ${result.splits.train.length}, val ${result.splits.val.length}, test ${result.splits.test.length}`)
