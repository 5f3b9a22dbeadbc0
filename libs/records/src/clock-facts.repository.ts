import { Inject, Injectable } from '@nestjs/common';
import { Database, type Sql } from '#database';
import type { CnGrade } from '#domain';

export interface ClockFactsRow {
  incident_id: string;
  discovered_at: Date | null;
  breach_determined_at: Date | null;
  classified_major_at: Date | null;
  materiality_determined_at: Date | null;
  info_determined_at: Date | null;
  handled_at: Date | null;
  nis2_significant: boolean | null;
  cn_grade_other_axes: CnGrade | null;
  /** numeric comes back as text. */
  cn_loss_cny: string | null;
  /** 0 while never saved. */
  version: number;
  updated_by: string | null;
  updated_at: Date | null;
}

export type ClockFactsFields = Omit<ClockFactsRow, 'incident_id' | 'version' | 'updated_by' | 'updated_at'>;
export const CLOCK_FACT_FIELDS = [
  'discovered_at', 'breach_determined_at', 'classified_major_at', 'materiality_determined_at', 'info_determined_at', 'handled_at',
  'nis2_significant', 'cn_grade_other_axes', 'cn_loss_cny',
] as const satisfies readonly (keyof ClockFactsFields)[];

export function emptyClockFacts(incidentId: string): ClockFactsRow {
  return {
    incident_id: incidentId, discovered_at: null, breach_determined_at: null, classified_major_at: null, materiality_determined_at: null,
    info_determined_at: null, handled_at: null, nis2_significant: null, cn_grade_other_axes: null, cn_loss_cny: null, version: 0,
    updated_by: null, updated_at: null,
  };
}

/** One row of clock facts per incident, optional. */
@Injectable()
export class ClockFactsRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  async get(sql: Sql, incidentId: string, forUpdate = false): Promise<ClockFactsRow> {
    return (await sql.one<ClockFactsRow>(`SELECT * FROM incident_clock_facts WHERE incident_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [incidentId])) ?? emptyClockFacts(incidentId);
  }

  /** Inserts at version 1 or replaces the row still at `version`; undefined when another write came first. */
  save(tx: Sql, incidentId: string, version: number, f: ClockFactsFields, by: string): Promise<ClockFactsRow | undefined> {
    const values = CLOCK_FACT_FIELDS.map((k) => f[k]);
    if (version === 0) {
      return tx.one<ClockFactsRow>(
        `INSERT INTO incident_clock_facts (incident_id, ${CLOCK_FACT_FIELDS.join(', ')}, updated_by)
         VALUES ($1, ${CLOCK_FACT_FIELDS.map((_, i) => `$${i + 3}`).join(', ')}, $2)
         ON CONFLICT (incident_id) DO NOTHING RETURNING *`,
        [incidentId, by, ...values],
      );
    }
    return tx.one<ClockFactsRow>(
      `UPDATE incident_clock_facts SET ${CLOCK_FACT_FIELDS.map((k, i) => `${k} = $${i + 4}`).join(', ')},
         updated_by = $3, version = version + 1, updated_at = now()
       WHERE incident_id = $1 AND version = $2 RETURNING *`,
      [incidentId, version, by, ...values],
    );
  }
}
