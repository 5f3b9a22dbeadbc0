import { Inject, Injectable } from '@nestjs/common';
import { Database, type Sql } from '#database';
import type { IncidentRow } from '#records';

export type { IncidentRow };


export interface IncidentFilter {
  status?: string;
  severity?: string;
  q?: string;
  after?: [string, string];
  limit: number;
}

/** Columns a caller may set directly; status moves only through transitions. */
export type IncidentChanges = Partial<Pick<IncidentRow, 'title' | 'description' | 'detected_at' | 'aware_at' | 'occurred_from' | 'occurred_to' | 'contained_at' | 'resolved_at' | 'closed_at' | 'status'>>;

const UPDATABLE = new Set(['title', 'description', 'detected_at', 'aware_at', 'occurred_from', 'occurred_to', 'contained_at', 'resolved_at', 'closed_at', 'status']);

@Injectable()
export class IncidentRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  async nextRef(tx: Sql, year: number): Promise<number> {
    const row = await tx.one<{ last: number }>(
      `INSERT INTO incident_ref_counters (year, last) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last = incident_ref_counters.last + 1 RETURNING last`,
      [year],
    );
    return row!.last;
  }

  insert(tx: Sql, i: { ref: string; title: string; description: string; awareAt: Date; detectedAt: Date | null; occurredFrom: Date | null; occurredTo: Date | null; createdBy: string }): Promise<IncidentRow | undefined> {
    return tx.one<IncidentRow>(
      `INSERT INTO incidents (ref, title, description, aware_at, detected_at, occurred_from, occurred_to, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [i.ref, i.title, i.description, i.awareAt, i.detectedAt, i.occurredFrom, i.occurredTo, i.createdBy],
    );
  }

  /** By UUID or by human reference. `FOR UPDATE` when the caller is about to change it. */
  find(sql: Sql, key: { id?: string; ref?: string }, forUpdate = false): Promise<IncidentRow | undefined> {
    const [column, value] = key.id ? ['id', key.id] : ['ref', key.ref];
    return sql.one<IncidentRow>(`SELECT * FROM incidents WHERE ${column} = $1${forUpdate ? ' FOR UPDATE' : ''}`, [value]);
  }

  /** Writes the changes only if the row is still at `version`; returns undefined when it is not. */
  update(tx: Sql, id: string, version: number, changes: IncidentChanges): Promise<IncidentRow | undefined> {
    const entries = Object.entries(changes).filter(([k, v]) => UPDATABLE.has(k) && v !== undefined);
    const sets = entries.map(([k], i) => `${k} = $${i + 3}`);
    return tx.one<IncidentRow>(
      `UPDATE incidents SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
       WHERE id = $1 AND version = $2 RETURNING *`,
      [id, version, ...entries.map(([, v]) => v)],
    );
  }

  async setSeverity(tx: Sql, id: string, band: string, riskLevel: string): Promise<void> {
    await tx.rows('UPDATE incidents SET severity_band = $2, risk_level = $3, updated_at = now() WHERE id = $1', [id, band, riskLevel]);
  }

  /** Newest first; `created_at_key` is the exact (microsecond) sort key for the next page's cursor. */
  list(f: IncidentFilter): Promise<(IncidentRow & { created_at_key: string })[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (f.status) add((p) => `status = ${p}`, f.status);
    if (f.severity) add((p) => `severity_band = ${p}`, f.severity);
    if (f.q) add((p) => `(ref ILIKE ${p} OR title ILIKE ${p} OR description ILIKE ${p})`, `%${f.q.replace(/[\\%_]/g, '\\$&')}%`);
    if (f.after) {
      params.push(f.after[0], f.after[1]);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(f.limit);
    return this.db.rows<IncidentRow & { created_at_key: string }>(
      `SELECT *, created_at::text AS created_at_key FROM incidents ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
  }
}
