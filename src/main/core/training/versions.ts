/**
 * Model versions as training sees them: the base package at the root of a chain of adapter
 * versions, the stored training reports (one per adapter version, store.trainingRecords),
 * and activation (rollback = activating an earlier version).
 */
import { ApiError } from '@shared/contract/errors'
import type { ModelVersionInfo } from '@shared/contract/types'
import type { ProjectStore } from '../store/projectStore'
import type { TrainingReport } from '@shared/contract/methods/training'

export type { TrainingReport }

export function saveReport(store: ProjectStore, r: TrainingReport): void {
  store.trainingRecords.saveReport(r)
}

export function getReport(store: ProjectStore, modelVersionId: number): TrainingReport {
  store.models.get(modelVersionId)
  const report = store.trainingRecords.report(modelVersionId)
  if (!report) throw new ApiError('not_found', `Model version ${modelVersionId} has no training report (it was not made by fine-tuning in this project).`)
  return report
}

/**
 * The version whose package `v` corrects: the base package at the root of its parent chain, or the
 * nearest LoRA-tier version on the way (its package is a full backbone of its own, so adapter and
 * head versions on top of it train on its outputs).
 */
export function baseOf(store: ProjectStore, v: ModelVersionInfo): ModelVersionInfo {
  let cur = v
  const seen = new Set<number>()
  while (cur.kind !== 'base' && cur.tier !== 'lora') {
    if (cur.parentId === null || seen.has(cur.id)) throw new ApiError('bad_input', `Model version ${v.id} (${v.name}) has no base package in its parent chain.`)
    seen.add(cur.id)
    cur = store.models.get(cur.parentId)
  }
  return cur
}

/** Name of a new adapter version: the base package's name and a running number. */
export function nextVersionName(store: ProjectStore, base: ModelVersionInfo): string {
  const n = store.models.list().filter((m) => m.kind === 'adapter').length + 1
  return `${base.name} · fine-tune ${n}`
}
