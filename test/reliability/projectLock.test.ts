/**
 * One writer per project file, proved with real processes: a second opener is refused naming the
 * live holder; after the holder is SIGKILLed its lock is stale and taken over; `twinlight info` shows
 * the dead process's running job as interrupted without writing anything.
 */
import { describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { ProjectStore } from '../../src/main/core/store/projectStore'
import { useTmp } from '../helpers/tmp'
import { kill9, startServerProcess } from './serverProcess'

const tmp = useTmp()

function twinlight(args: string[]) {
  return spawnSync(process.execPath, [join(process.cwd(), 'bin', 'twinlight'), ...args], { encoding: 'utf8', timeout: 60_000 })
}

function info(project: string): string {
  const r = twinlight(['info', project])
  expect(r.status, r.stderr).toBe(0)
  return r.stdout
}

/** Leaves a job 'running' the way a process that dies mid-job does (another connection, WAL). */
function addRunningJob(project: string): number {
  const raw = new Database(project)
  const id = Number(raw.prepare(`INSERT INTO jobs (kind, state, done, total) VALUES ('prefill', 'running', 3, 10)`).run().lastInsertRowid)
  raw.close()
  return id
}

function jobState(project: string, id: number): string {
  const raw = new Database(project, { readonly: true })
  const s = (raw.prepare('SELECT state FROM jobs WHERE id = ?').get(id) as { state: string }).state
  raw.close()
  return s
}

describe('one writer per project', () => {
  it('refuses a second writer naming the holder, takes a dead holder’s lock over, and info says interrupted', async () => {
    const dir = tmp()
    const project = join(dir, 'p.twinlight')
    ProjectStore.create(project, { classes: [] }).close()
    expect(existsSync(`${project}.lock`)).toBe(false) // released on close

    const first = await startServerProcess(project, join(dir, 'data1'))
    const holder = `process ${first.child.pid} on ${hostname()}`
    try {
      expect(JSON.parse(readFileSync(`${project}.lock`, 'utf8'))).toMatchObject({ pid: first.child.pid, host: hostname() })
      // A second server on the same file does not start (and so cannot mark the first one's jobs).
      const second = twinlight(['serve', '--port', '0', '--project', project, '--data-dir', join(dir, 'data2')])
      expect(second.status).toBe(1)
      expect(second.stdout + second.stderr).toContain(`${project} is already open for writing by ${holder}`)
      expect(() => ProjectStore.open(project)).toThrow(`${project} is already open for writing by ${holder}`)
      // While the writer lives, its running job is shown as running.
      const live = addRunningJob(project)
      expect(info(project)).toMatch(new RegExp(`jobs: ${live} prefill running 3/10`))
    } finally {
      await kill9(first)
    }

    // SIGKILL ran no exit hook: the lock is still there, its pid dead.
    expect(JSON.parse(readFileSync(`${project}.lock`, 'utf8')).pid).toBe(first.child.pid)
    const job = addRunningJob(project)
    expect(info(project)).toMatch(new RegExp(`jobs: ${job} prefill interrupted 3/10`))
    expect(jobState(project, job)).toBe('running') // info only displays; it never writes
    expect(JSON.parse(readFileSync(`${project}.lock`, 'utf8')).pid).toBe(first.child.pid) // nor takes the lock

    const owner = ProjectStore.open(project) // the stale lock is taken over
    expect(JSON.parse(readFileSync(`${project}.lock`, 'utf8')).pid).toBe(process.pid)
    expect(owner.jobs.get(job).state).toBe('interrupted')
    owner.close()
    expect(existsSync(`${project}.lock`)).toBe(false)
  }, 90_000)
})
