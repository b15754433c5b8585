import type { Db } from './db'
import type { JobInfo, JobKind, JobState } from '@shared/contract/types'
import { ApiError } from '@shared/contract/errors'

interface JobRow {
  id: number
  kind: JobKind
  params: string
  state: JobState
  done: number
  total: number
  message: string
  error: string | null
  result: string | null
  checkpoint: string | null
  created_at: string
  updated_at: string
}

function toInfo(r: JobRow): JobInfo {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    done: r.done,
    total: r.total,
    message: r.message,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    result: r.result ? JSON.parse(r.result) : null
  }
}

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`

export class JobsRepo {
  constructor(private readonly db: Db) {}

  create(kind: JobKind, params: unknown): JobInfo {
    const r = this.db.prepare(`INSERT INTO jobs (kind, params, state) VALUES (?, ?, 'queued')`).run(kind, JSON.stringify(params ?? {}))
    return this.get(Number(r.lastInsertRowid))
  }

  get(id: number): JobInfo {
    return toInfo(this.row(id))
  }

  params(id: number): unknown {
    return JSON.parse(this.row(id).params)
  }

  checkpoint(id: number): unknown {
    const c = this.row(id).checkpoint
    return c ? JSON.parse(c) : null
  }

  list(limit = 50): JobInfo[] {
    return (this.db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT ?').all(limit) as JobRow[]).map(toInfo)
  }

  update(id: number, patch: { state?: JobState; done?: number; total?: number; message?: string; error?: string | null; result?: unknown; checkpoint?: unknown }): void {
    const sets: string[] = []
    const vals: unknown[] = []
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue
      sets.push(`${k} = ?`)
      vals.push(k === 'result' || k === 'checkpoint' ? JSON.stringify(v) : v)
    }
    if (!sets.length) return
    this.db.prepare(`UPDATE jobs SET ${sets.join(', ')}, updated_at = ${NOW} WHERE id = ?`).run(...vals, id)
  }

  /** After a crash or restart: jobs that were running can no longer be; they become resumable. */
  markInterrupted(): number {
    return this.db.prepare(`UPDATE jobs SET state = 'interrupted', message = 'Interrupted (app closed or crashed); resume to continue.', updated_at = ${NOW} WHERE state IN ('running', 'queued')`).run().changes
  }

  private row(id: number): JobRow {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined
    if (!r) throw new ApiError('not_found', `Job ${id} does not exist in this project.`)
    return r
  }
}
