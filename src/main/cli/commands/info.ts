import type { Command } from '../command'
import { intOption, parse, str } from '../args'
import { ProjectStore } from '../../core/store/projectStore'
import { liveLockHolder } from '../../core/store/projectLock'
import { makeOut } from '../output'
import { ApiError } from '@shared/contract/errors'
import { imageLines, parseOrder, trendLines } from './infoImages'
import { SettingsStore } from '../../core/settings/settingsStore'
import { loraStatusLine, PythonProbe } from '../../core/training/lora/pythonProbe'
import { defaultDataDir } from '../dataDir'

const usage = 'twinlight info <project.twinlight> [--order name|uncertainty] [--limit N] [--json]'

export const infoCommand: Command = {
  name: 'info',
  summary: 'Show a project: classes, image counts per status and split, models, correction trend, jobs; --order lists images.',
  usage,
  async run(argv, json) {
    const { values, positionals } = parse(argv, { order: { type: 'string' }, limit: { type: 'string' } }, usage)
    const order = parseOrder(str(values, 'order'))
    const limit = intOption(values.limit, 'limit', 20, 1, 100_000)
    if (positionals.length !== 1) throw new ApiError('invalid_argument', `info needs one project file.\nUsage: ${usage}`)
    // The LoRA tier's status needs no project: the app settings' Python (read only) and its probe.
    const lora = await new PythonProbe().status(new SettingsStore(defaultDataDir()).get().pythonPath)
    const store = ProjectStore.open(positionals[0]!, { recover: false })
    try {
      const s = store.summary()
      // A job 'running' with no live writer was left by a dead process: show what the owner's next
      // open will record (display only; a reader never writes).
      const orphaned = liveLockHolder(store.path) === null
      const jobs = store.jobs.list(10).map((j) => (orphaned && (j.state === 'running' || j.state === 'queued') ? { ...j, state: 'interrupted' as const } : j))
      const models = store.models.list()
      const trend = store.effort.correctionTrend()
      const listed = order ? imageLines(store, order, limit) : null
      const lines = [
        `${s.name}  (${s.path})`,
        `schema ${s.schemaVersion}, ${s.imageCount} images: ${Object.entries(s.counts).map(([k, v]) => `${v} ${k}`).join(', ')}`,
        `splits: ${s.splits.join(', ') || '(none)'}`,
        `classes (${s.classes.length}): ${s.classes.map((c) => `${c.index} ${c.name}${c.ignore ? ' (ignore)' : ''}`).join(', ')}`,
        `models: ${models.length ? models.map((m) => `${m.id} ${m.name}${s.activeModel?.id === m.id ? ' (active)' : ''}`).join(', ') : '(none)'}`,
        ...trendLines(trend),
        loraStatusLine(lora),
        `jobs: ${jobs.length ? jobs.map((j) => `${j.id} ${j.kind} ${j.state} ${j.done}/${j.total}`).join('; ') : '(none)'}`,
        ...(listed?.lines ?? [])
      ]
      makeOut(json).print(lines.join('\n'), { ...s, models, correctionTrend: trend, jobs, lora, ...(listed ? { order, images: listed.items } : {}) })
      return 0
    } finally {
      store.close()
    }
  }
}
