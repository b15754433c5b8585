/**
 * What fine-tuning keeps per adapter version beside the model row: its training report and its
 * domain gate (tables since schema 2; before, meta keys `training.report.<id>` / `training.gate.<id>`).
 */
import type { Db } from './db'
import type { TrainingReport } from '@shared/contract/methods/training'

export class TrainingRecordsRepo {
  constructor(private readonly db: Db) {}

  saveReport(r: TrainingReport): void {
    this.db.prepare('INSERT INTO training_reports (model_id, report) VALUES (?, ?) ON CONFLICT (model_id) DO UPDATE SET report = excluded.report').run(r.modelVersionId, JSON.stringify(r))
  }

  report(modelVersionId: number): TrainingReport | null {
    const r = this.db.prepare('SELECT report FROM training_reports WHERE model_id = ?').get(modelVersionId) as { report: string } | undefined
    return r ? (JSON.parse(r.report) as TrainingReport) : null
  }

  /** The gate is stored as JSON; its shape belongs to models/versions/adapterGate.ts. */
  saveGate(modelVersionId: number, gate: object): void {
    this.db.prepare('INSERT INTO adapter_gates (model_id, gate) VALUES (?, ?) ON CONFLICT (model_id) DO UPDATE SET gate = excluded.gate').run(modelVersionId, JSON.stringify(gate))
  }

  gate(modelVersionId: number): unknown {
    const r = this.db.prepare('SELECT gate FROM adapter_gates WHERE model_id = ?').get(modelVersionId) as { gate: string } | undefined
    return r ? (JSON.parse(r.gate) as unknown) : null
  }
}
