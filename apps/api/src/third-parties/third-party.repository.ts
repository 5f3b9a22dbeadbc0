import { Inject, Injectable } from '@nestjs/common';
import { Database, type Sql } from '#database';
import type { ThirdPartyRole } from './third-party.dto.js';

export interface ThirdPartyRow {
  id: string;
  incident_id: string;
  name: string;
  role: ThirdPartyRole;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  data_categories: string[];
  notified_at: Date | null;
  notes: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The columns a caller sets; the rest are the database's. */
export type ThirdPartyFields = Pick<ThirdPartyRow, 'name' | 'role' | 'contact_name' | 'contact_email' | 'contact_phone' | 'data_categories' | 'notified_at' | 'notes'>;
export const THIRD_PARTY_FIELDS = ['name', 'role', 'contact_name', 'contact_email', 'contact_phone', 'data_categories', 'notified_at', 'notes'] as const satisfies readonly (keyof ThirdPartyFields)[];

export interface ThirdPartyFilter {
  incidentId: string;
  notified?: boolean;
  role?: string;
  after?: [string, string];
  limit: number;
}

@Injectable()
export class ThirdPartyRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  insert(tx: Sql, incidentId: string, f: ThirdPartyFields): Promise<ThirdPartyRow | undefined> {
    return tx.one<ThirdPartyRow>(
      `INSERT INTO third_parties (incident_id, ${THIRD_PARTY_FIELDS.join(', ')})
       VALUES ($1, ${THIRD_PARTY_FIELDS.map((_, i) => `$${i + 2}`).join(', ')}) RETURNING *`,
      [incidentId, ...THIRD_PARTY_FIELDS.map((k) => f[k])],
    );
  }

  /** Only within its incident: a third party of another incident is not found. */
  find(sql: Sql, incidentId: string, id: string, forUpdate = false): Promise<ThirdPartyRow | undefined> {
    return sql.one<ThirdPartyRow>(
      `SELECT * FROM third_parties WHERE id = $1 AND incident_id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [id, incidentId],
    );
  }

  /** Writes every field only if the row is still at `version`; undefined when it is not. */
  update(tx: Sql, id: string, version: number, f: ThirdPartyFields): Promise<ThirdPartyRow | undefined> {
    return tx.one<ThirdPartyRow>(
      `UPDATE third_parties SET ${THIRD_PARTY_FIELDS.map((k, i) => `${k} = $${i + 3}`).join(', ')},
         version = version + 1, updated_at = now()
       WHERE id = $1 AND version = $2 RETURNING *`,
      [id, version, ...THIRD_PARTY_FIELDS.map((k) => f[k])],
    );
  }

  /** In order of creation; `created_at_key` is the exact (microsecond) sort key for the next page's cursor. */
  list(f: ThirdPartyFilter): Promise<(ThirdPartyRow & { created_at_key: string })[]> {
    const params: unknown[] = [f.incidentId];
    const where = ['incident_id = $1'];
    if (f.notified !== undefined) where.push(f.notified ? 'notified_at IS NOT NULL' : 'notified_at IS NULL');
    if (f.role) where.push(`role = $${params.push(f.role)}`);
    if (f.after) {
      params.push(f.after[0], f.after[1]);
      where.push(`(created_at, id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    return this.db.rows<ThirdPartyRow & { created_at_key: string }>(
      `SELECT *, created_at::text AS created_at_key FROM third_parties WHERE ${where.join(' AND ')}
       ORDER BY created_at, id LIMIT $${params.push(f.limit)}`,
      params,
    );
  }
}
