import { Inject, Injectable } from '@nestjs/common';
import { Database, type Sql } from '#database';
import type { SeverityResult } from '#domain';
import type { AssessmentInputDto } from './assessment.dto.js';

export interface AssessmentRow {
  id: string;
  incident_id: string;
  version: number;
  input: AssessmentInputDto;
  /** numeric(4,2) comes back from pg as text; the exact figure is `result.score`. */
  severity_score: string;
  severity_band: string;
  risk_level: string;
  recommendation: string;
  result: SeverityResult;
  created_by: string;
  created_at: Date;
}

/** Assessments are append-only versions per incident: rows are inserted, never updated. */
@Injectable()
export class AssessmentRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  /** Call with the incident row locked, so two concurrent assessments cannot take the same version. */
  async nextVersion(tx: Sql, incidentId: string): Promise<number> {
    const row = await tx.one<{ next: number }>('SELECT coalesce(max(version), 0) + 1 AS next FROM assessments WHERE incident_id = $1', [incidentId]);
    return row!.next;
  }

  insert(tx: Sql, a: { incidentId: string; version: number; input: AssessmentInputDto; result: SeverityResult; createdBy: string }): Promise<AssessmentRow | undefined> {
    return tx.one<AssessmentRow>(
      `INSERT INTO assessments (incident_id, version, input, severity_score, severity_band, risk_level, recommendation, result, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [a.incidentId, a.version, JSON.stringify(a.input), a.result.score, a.result.band, a.result.riskLevel, a.result.recommendation, JSON.stringify(a.result), a.createdBy],
    );
  }

  /** Every version, newest first. An incident has a handful of assessments, so no paging. */
  list(incidentId: string): Promise<AssessmentRow[]> {
    return this.db.rows<AssessmentRow>('SELECT * FROM assessments WHERE incident_id = $1 ORDER BY version DESC', [incidentId]);
  }

  latest(incidentId: string): Promise<AssessmentRow | undefined> {
    return this.db.one<AssessmentRow>('SELECT * FROM assessments WHERE incident_id = $1 ORDER BY version DESC LIMIT 1', [incidentId]);
  }

  byVersion(incidentId: string, version: number): Promise<AssessmentRow | undefined> {
    return this.db.one<AssessmentRow>('SELECT * FROM assessments WHERE incident_id = $1 AND version = $2', [incidentId, version]);
  }
}
