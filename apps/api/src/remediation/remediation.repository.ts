import { Inject, Injectable } from '@nestjs/common';
import { Database, type Sql } from '#database';
import type { RemediationKind, RemediationStatus } from './remediation.dto.js';

export interface RemediationActionRow {
  id: string;
  incident_id: string;
  kind: RemediationKind;
  title: string;
  description: string;
  status: RemediationStatus;
  owner: string | null;
  due_at: Date | null;
  done_at: Date | null;
  include_in_notice: boolean;
  public_wording: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The columns a caller sets; the rest are the database's. */
export type RemediationActionFields = Pick<RemediationActionRow, 'kind' | 'title' | 'description' | 'status' | 'owner' | 'due_at' | 'done_at' | 'include_in_notice' | 'public_wording'>;
export const REMEDIATION_FIELDS = ['kind', 'title', 'description', 'status', 'owner', 'due_at', 'done_at', 'include_in_notice', 'public_wording'] as const satisfies readonly (keyof RemediationActionFields)[];

export interface RemediationFilter {
  incidentId: string;
  includeInNotice?: boolean;
  status?: string;
  after?: [string, string];
  limit: number;
}

@Injectable()
export class RemediationRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  insert(tx: Sql, incidentId: string, f: RemediationActionFields): Promise<RemediationActionRow | undefined> {
    return tx.one<RemediationActionRow>(
      `INSERT INTO remediation_actions (incident_id, ${REMEDIATION_FIELDS.join(', ')})
       VALUES ($1, ${REMEDIATION_FIELDS.map((_, i) => `$${i + 2}`).join(', ')}) RETURNING *`,
      [incidentId, ...REMEDIATION_FIELDS.map((k) => f[k])],
    );
  }

  /** Only within its incident: an action id of another incident is not found. */
  find(sql: Sql, incidentId: string, id: string, forUpdate = false): Promise<RemediationActionRow | undefined> {
    return sql.one<RemediationActionRow>(
      `SELECT * FROM remediation_actions WHERE id = $1 AND incident_id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [id, incidentId],
    );
  }

  /** Writes every field only if the row is still at `version`; undefined when it is not. */
  update(tx: Sql, id: string, version: number, f: RemediationActionFields): Promise<RemediationActionRow | undefined> {
    return tx.one<RemediationActionRow>(
      `UPDATE remediation_actions SET ${REMEDIATION_FIELDS.map((k, i) => `${k} = $${i + 3}`).join(', ')},
         version = version + 1, updated_at = now()
       WHERE id = $1 AND version = $2 RETURNING *`,
      [id, version, ...REMEDIATION_FIELDS.map((k) => f[k])],
    );
  }

  /** In order of creation; `created_at_key` is the exact (microsecond) sort key for the next page's cursor. */
  list(f: RemediationFilter): Promise<(RemediationActionRow & { created_at_key: string })[]> {
    const params: unknown[] = [f.incidentId];
    const where = ['incident_id = $1'];
    if (f.includeInNotice !== undefined) where.push(`include_in_notice = $${params.push(f.includeInNotice)}`);
    if (f.status) where.push(`status = $${params.push(f.status)}`);
    if (f.after) {
      params.push(f.after[0], f.after[1]);
      where.push(`(created_at, id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    return this.db.rows<RemediationActionRow & { created_at_key: string }>(
      `SELECT *, created_at::text AS created_at_key FROM remediation_actions WHERE ${where.join(' AND ')}
       ORDER BY created_at, id LIMIT $${params.push(f.limit)}`,
      params,
    );
  }
}
