/**
 * CLI: write a synthetic RGB-T dataset in the MFNet official layout.
 *   npx tsx scripts/generate-synthetic.ts --out DIR --count N --seed S [--width 640 --height 480
 *     --night-share 0.5 --thermal-gain 1 --thermal-offset 0 --thermal-gradient 0 --fog 0
 *     --misreg-dx 0 --misreg-dy 0 --instances]
 * thermal-offset and thermal-gradient are fractions of the thermal range (0.1 = 25.5 grey levels).
 * These flags are a contract used by model/ training scripts: add flags, never rename them.
 */
import { parseArgs } from 'node:util'
import { writeSyntheticDataset } from '../src/main/core/datasets/synthetic/write-dataset'

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
    width: { type: 'string', default: '640' },
    height: { type: 'string', default: '480' },
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
const started = performance.now()
const result = await writeSyntheticDataset(values.out, {
  count: num('count'),
  seed: num('seed'),
  width: num('width'),
  height: num('height'),
  nightShare: num('night-share'),
  thermalGain: num('thermal-gain'),
  thermalOffset: num('thermal-offset'),
  thermalGradient: num('thermal-gradient'),
  fog: num('fog'),
  misregDx: num('misreg-dx'),
  misregDy: num('misreg-dy'),
  instances: values.instances,
  onProgress: values.quiet ? undefined : (done, total) => {
    if (done % 100 === 0 || done === total) process.stdout.write(`\r${done}/${total}`)
  }
})
const secs = (performance.now() - started) / 1000
if (!values.quiet) process.stdout.write('\n')
console.log(`wrote ${result.names.length} images (${result.night} night) to ${values.out} in ${secs.toFixed(1)} s; ` +
  `train ${result.splits.train.length}, val ${result.splits.val.length}, test ${result.splits.test.length}`)
