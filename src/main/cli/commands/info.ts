import type { Command } from '../command'
import { parse } from '../args'
import { ProjectStore } from '../../core/store/projectStore'
import { liveLockHolder } from '../../core/store/projectLock'
import { makeOut } from '../output'
import { ApiError } from '@shared/contract/errors'

const usage = 'twinlight info <project.twinlight> [--json]'

export const infoCommand: Command = {
  name: 'info',
  summary: 'Show a project: classes, image counts per status and split, models, jobs.',
  usage,
  async run(argv, json) {
    const { positionals } = parse(argv, {}, usage)
    if (positionals.length !== 1) throw new ApiError('invalid_argument', `info needs one project file.\nUsage: ${usage}`)
    const store = ProjectStore.open(positionals[0]!, { recover: false })
    try {
      const s = store.summary()
      // A job 'running' with no live writer was left by a dead process: show what the owner's next
      // open will record (display only; a reader never writes).
      const orphaned = liveLockHolder(store.path) === null
      const jobs = store.jobs.list(10).map((j) => (orphaned && (j.state === 'running' || j.state === 'queued') ? { ...j, state: 'interrupted' as const } : j))
      const models = store.models.list()
      const lines = [
        `${s.name}  (${s.path})`,
        `schema ${s.schemaVersion}, ${s.imageCount} images: ${Object.entries(s.counts).map(([k, v]) => `${v} ${k}`).join(', ')}`,
        `splits: ${s.splits.join(', ') || '(none)'}`,
        `classes (${s.classes.length}): ${s.classes.map((c) => `${c.index} ${c.name}${c.ignore ? ' (ignore)' : ''}`).join(', ')}`,
        `models: ${models.length ? models.map((m) => `${m.id} ${m.name}${s.activeModel?.id === m.id ? ' (active)' : ''}`).join(', ') : '(none)'}`,
        `jobs: ${jobs.length ? jobs.map((j) => `${j.id} ${j.kind} ${j.state} ${j.done}/${j.total}`).join('; ') : '(none)'}`
      ]
      makeOut(json).print(lines.join('\n'), { ...s, models, jobs })
      return 0
    } finally {
      store.close()
    }
  }
}
