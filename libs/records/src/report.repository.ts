import { Injectable } from '@nestjs/common';
import type { Sql } from '#database';
import type { ReportDocument, ReportKind, ReportStatus } from '#domain';

export interface ReportRow {
  id: string;
  kind: ReportKind;
  incident_id: string | null;
  obligation_id: string | null;
  regime: string;
  notification_id: string;
  phase: string;
  jurisdiction: string | null;
  period_key: string | null;
  series_key: string;
  version: number;
  supersedes: string | null;
  status: ReportStatus;
  schema_version: string;
  document: ReportDocument;
  missing_fields: string[];
  manual_values: Record<string, string>;
  content_hash: string;
  due_at: Date | null;
  generated_at: Date;
  generated_by: string;
  edited_by: string | null;
  released_by: string | null;
  released_at: Date | null;
  released_hash: string | null;
  submitted_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type NewReport = Pick<ReportRow, 'id' | 'kind' | 'incident_id' | 'obligation_id' | 'regime' | 'notification_id' | 'phase' | 'jurisdiction' | 'period_key'
  | 'series_key' | 'version' | 'supersedes' | 'schema_version' | 'document' | 'missing_fields' | 'manual_values' | 'content_hash' | 'due_at' | 'generated_at' | 'generated_by'>;

export interface ReportFilter {
  incidentId?: string;
  kind?: string;
  status?: string;
  regime?: string;
  after?: [string, string];
  limit: number;
}

export interface GrantScope {
  reportId: string | null;
  regime: string | null;
  notificationId: string | null;
}

/** A regulator sees a released report when a grant names it (or a version it corrects), or names its regime (and notification). */
export function grantedSql(grantsParam: string, alias = 'r'): string {
  return `${alias}.status <> 'draft' AND EXISTS (
    SELECT 1 FROM jsonb_to_recordset(${grantsParam}::jsonb) AS g("reportId" uuid, regime text, "notificationId" text)
    WHERE (g."reportId" IS NOT NULL AND EXISTS (SELECT 1 FROM reports x WHERE x.id = g."reportId" AND x.series_key = ${alias}.series_key AND ${alias}.version >= x.version))
       OR (g.regime = ${alias}.regime AND (g."notificationId" IS NULL OR g."notificationId" = ${alias}.notification_id)))`;
}

/** The reports table. Released rows are immutable in the database itself (trigger); only drafts are updated. */
@Injectable()
export class ReportRepository {
  insert(tx: Sql, r: NewReport): Promise<ReportRow | undefined> {
    return tx.one<ReportRow>(
      `INSERT INTO reports (id, kind, incident_id, obligation_id, regime, notification_id, phase, jurisdiction, period_key, series_key, version, supersedes,
                            schema_version, document, missing_fields, manual_values, content_hash, due_at, generated_at, generated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING *`,
      [r.id, r.kind, r.incident_id, r.obligation_id, r.regime, r.notification_id, r.phase, r.jurisdiction, r.period_key, r.series_key, r.version, r.supersedes,
        r.schema_version, JSON.stringify(r.document), r.missing_fields, JSON.stringify(r.manual_values), r.content_hash, r.due_at, r.generated_at, r.generated_by],
    );
  }

  find(sql: Sql, id: string, forUpdate = false): Promise<ReportRow | undefined> {
    return sql.one<ReportRow>(`SELECT * FROM reports WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  }

  /** The newest version of a series (draft or not). */
  latestOfSeries(sql: Sql, seriesKey: string, forUpdate = false): Promise<ReportRow | undefined> {
    return sql.one<ReportRow>(`SELECT * FROM reports WHERE series_key = $1 ORDER BY version DESC LIMIT 1${forUpdate ? ' FOR UPDATE' : ''}`, [seriesKey]);
  }

  /** The last report the regulator got for the same incident, notification and jurisdiction (any earlier phase or version). */
  previousReleased(sql: Sql, r: { incidentId: string; notificationId: string; jurisdiction: string | null; excludeId: string }): Promise<ReportRow | undefined> {
    return sql.one<ReportRow>(
      `SELECT * FROM reports
       WHERE incident_id = $1 AND notification_id = $2 AND jurisdiction IS NOT DISTINCT FROM $3 AND status <> 'draft' AND id <> $4
       ORDER BY released_at DESC, version DESC LIMIT 1`,
      [r.incidentId, r.notificationId, r.jurisdiction, r.excludeId],
    );
  }

  previousReleasedPeriodic(sql: Sql, kind: string, excludeSeries: string): Promise<ReportRow | undefined> {
    return sql.one<ReportRow>(
      `SELECT * FROM reports WHERE kind = $1 AND status <> 'draft' AND series_key <> $2 ORDER BY released_at DESC LIMIT 1`,
      [kind, excludeSeries],
    );
  }

  /** Rewrites a draft's content; a released report is refused by the trigger. */
  updateDraft(tx: Sql, id: string, d: Pick<ReportRow, 'document' | 'missing_fields' | 'content_hash' | 'due_at' | 'generated_at' | 'generated_by' | 'manual_values' | 'edited_by'>): Promise<ReportRow | undefined> {
    return tx.one<ReportRow>(
      `UPDATE reports SET document = $2, missing_fields = $3, content_hash = $4, due_at = $5, generated_at = $6, generated_by = $7,
         manual_values = $8, edited_by = $9, updated_at = now()
       WHERE id = $1 AND status = 'draft' RETURNING *`,
      [id, JSON.stringify(d.document), d.missing_fields, d.content_hash, d.due_at, d.generated_at, d.generated_by, JSON.stringify(d.manual_values), d.edited_by],
    );
  }

  release(tx: Sql, id: string, by: string, at: Date, document: ReportDocument): Promise<ReportRow | undefined> {
    return tx.one<ReportRow>(
      `UPDATE reports SET status = 'released', released_by = $2, released_at = $3, released_hash = content_hash, document = $4, updated_at = now()
       WHERE id = $1 AND status = 'draft' RETURNING *`,
      [id, by, at, JSON.stringify(document)],
    );
  }

  markSubmitted(tx: Sql, id: string, at: Date): Promise<ReportRow | undefined> {
    return tx.one<ReportRow>(
      `UPDATE reports SET status = 'submitted', submitted_at = coalesce(submitted_at, $2), updated_at = now() WHERE id = $1 AND status <> 'draft' RETURNING *`,
      [id, at],
    );
  }

  /** Newest first; `created_at_key` is the exact sort key for the next page's cursor. */
  list(sql: Sql, f: ReportFilter, grants?: GrantScope[]): Promise<(ReportRow & { created_at_key: string })[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (f.incidentId) where.push(`r.incident_id = $${params.push(f.incidentId)}`);
    if (f.kind) where.push(`r.kind = $${params.push(f.kind)}`);
    if (f.status) where.push(`r.status = $${params.push(f.status)}`);
    if (f.regime) where.push(`r.regime = $${params.push(f.regime)}`);
    if (grants) where.push(grantedSql(`$${params.push(JSON.stringify(grants))}`));
    if (f.after) {
      params.push(f.after[0], f.after[1]);
      where.push(`(r.created_at, r.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    return sql.rows<ReportRow & { created_at_key: string }>(
      `SELECT r.*, r.created_at::text AS created_at_key FROM reports r ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY r.created_at DESC, r.id DESC LIMIT $${params.push(f.limit)}`,
      params,
    );
  }

  async isGranted(sql: Sql, id: string, grants: GrantScope[]): Promise<boolean> {
    if (grants.length === 0) return false;
    const row = await sql.one(`SELECT 1 FROM reports r WHERE r.id = $1 AND ${grantedSql('$2')}`, [id, JSON.stringify(grants)]);
    return row !== undefined;
  }
}
