// `twinlight prefill` of a PST900-layout project with a (1280) SARTM package, peak RSS of the whole
// CLI process (worker threads included) from /usr/bin/time -v, per thread count; merged into
// bench/results/sartm.json under prefill<size>.
//   node bench/sartm/prefill.mjs PACKAGE_DIR [--count N] [--threads 2,1]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const { values, positionals } = parseArgs({ allowPositionals: true, options: { count: { type: 'string', default: '1' }, threads: { type: 'string', default: '2,1' }, out: { type: 'string' } } })
const pkg = resolve(positionals[0] ?? '')
if (!existsSync(join(pkg, 'manifest.json'))) throw new Error(`${pkg}: no manifest.json (give the package folder)`)
const m = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8'))
const cli = join(root, 'bin', 'twinlight')
const dirBytes = (d) => existsSync(d) ? readdirSync(d, { recursive: true }).map((f) => join(d, String(f))).filter((f) => statSync(f).isFile()).reduce((a, f) => a + statSync(f).size, 0) : 0
const file = values.out ? resolve(values.out) : join(root, 'bench/results/sartm.json')
const runs = []
const save = () => { // after every run, so a long run that is stopped keeps the earlier ones
  const all = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}
  all[`prefill${m.input.width}`] = {
    what: '`twinlight prefill` of a generated PST900-layout project (1280x720 frames, pad-bottom-right) with this package; peak RSS of the CLI process (worker threads included, /usr/bin/time -v)',
    package: m.id, input: [m.input.width, m.input.height], date: new Date().toISOString(),
    machine: '2 cores shared with 4 other engineers (load average recorded per run)', runs
  }
  writeFileSync(file, JSON.stringify(all, null, 2) + '\n')
}
for (const threads of values.threads.split(',').map(Number)) {
  const work = mkdtempSync(join(tmpdir(), 'twl-sartm-prefill-'))
  const env = { ...process.env, TWINLIGHT_HOME: join(work, 'home'), TWINLIGHT_ORT_THREADS: String(threads) }
  const demo = spawnSync(cli, ['demo', join(work, 'demo'), '--family', 'pst900', '--count', values.count], { env, encoding: 'utf8' })
  if (demo.status !== 0) throw new Error(demo.stderr)
  const project = join(work, 'demo', 'demo-pst900.twinlight')
  const load0 = loadavg()[0]
  const r = spawnSync('/usr/bin/time', ['-v', cli, 'prefill', project, '--model', pkg, '--json'], { env, encoding: 'utf8', maxBuffer: 64 << 20 })
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(r.stderr)
  if (r.status !== 0) { console.error(r.stdout.slice(-3000), r.stderr.slice(-3000)); throw new Error(`prefill exited ${r.status}`) }
  const res = JSON.parse(r.stdout)
  const cacheBytes = dirBytes(join(work, 'home', 'cache', 'features'))
  const run = {
    threads, images: res.images, problems: res.problems.length, ep: res.ep, epReason: res.epReason,
    jobSeconds: res.seconds, secondsPerImage: +(res.seconds / res.images).toFixed(1),
    processWall: wall?.[1], peakRssMb: rss ? Math.round(Number(rss[1]) / 1024) : null,
    cacheBytesPerImage: Math.round(cacheBytes / res.images), loadavg1mAtStart: +load0.toFixed(2), loadavg1mAtEnd: +loadavg()[0].toFixed(2)
  }
  console.log(JSON.stringify(run))
  runs.push(run)
  save()
  rmSync(work, { recursive: true, force: true })
}
