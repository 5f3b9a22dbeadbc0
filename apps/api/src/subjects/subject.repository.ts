import type { Writable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { from as copyFrom } from 'pg-copy-streams';
import { Database, type Sql, type Tx } from '#database';
import type { ChannelFilter } from '#domain';
import { SUBJECT_COLUMNS as COLUMNS } from './import-writer.js';

export interface SubjectRow {
  id: number;
  incident_id: string;
  external_ref: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  push_tokens: string[];
  postal_address: string | null;
  country: string | null;
  region: string | null;
  language: string | null;
  is_minor: boolean;
  guardian_name: string | null;
  guardian_email: string | null;
  guardian_phone: string | null;
  data_categories: string[];
  created_at: Date;
  updated_at: Date;
}

export interface ImportRow {
  id: string;
  incident_id: string;
  format: string;
  status: string;
  rows_total: number;
  rows_accepted: number;
  rows_rejected: number;
  inserted: number;
  updated: number;
  created_by: string;
  started_at: Date;
  finished_at: Date;
}

export interface RejectionRow {
  line: number;
  field: string;
  reason: string;
}

/**
 * Reachability, set-wise: the SQL twin of `reachableChannels` in #domain (a minor is reached through the
 * guardian's e-mail and phone and the postal address, never through push).
 */
export const CHANNEL_SQL: Record<ChannelFilter, string> = {
  email: `(CASE WHEN is_minor THEN guardian_email IS NOT NULL ELSE email IS NOT NULL END)`,
  phone: `(CASE WHEN is_minor THEN guardian_phone IS NOT NULL ELSE phone IS NOT NULL END)`,
  push: `(NOT is_minor AND cardinality(push_tokens) > 0)`,
  postal: `(postal_address IS NOT NULL)`,
  none: '',
};
CHANNEL_SQL.none = `NOT (${CHANNEL_SQL.email} OR ${CHANNEL_SQL.phone} OR ${CHANNEL_SQL.push} OR ${CHANNEL_SQL.postal})`;

const STAGING = 'subject_import_staging';
const SEEN = 'subject_import_seen';
const SUBJECT_COLUMNS = COLUMNS.join(', ');
const UPDATE_SET = COLUMNS.slice(1).map((c) => `${c} = EXCLUDED.${c}`).join(', ');

// One lock per incident (namespace + incident): imports into one incident take turns for their upsert.
const IMPORT_LOCK_NAMESPACE = 7_201_010;

@Injectable()
export class SubjectRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  /**
   * A staging table private to this transaction (temporary: no WAL, dropped at commit or rollback). It takes the
   * same COPY tuples as affected_subjects; `line` numbers the rows in the order COPY read them.
   */
  async createStaging(tx: Tx): Promise<void> {
    // A batch (4 MiB of COPY data) is sorted for "last line wins": in memory, not spilled to disk.
    await tx.rows(`SET LOCAL work_mem = '64MB'`);
    await tx.rows(`
      CREATE TEMP TABLE ${STAGING} (
        incident_id uuid, external_ref text, name text, email text, phone text, push_tokens text[], postal_address text,
        country text, region text, language text, is_minor boolean,
        guardian_name text, guardian_email text, guardian_phone text, data_categories text[],
        line bigint GENERATED ALWAYS AS IDENTITY
      ) ON COMMIT DROP;
      CREATE TEMP TABLE ${SEEN} (external_ref text PRIMARY KEY) ON COMMIT DROP`);
  }

  /** A writable that COPYs subject tuples (binary format, see copy-binary.ts) into the staging table. */
  copyIntoStaging(tx: Tx): Writable & { rowCount: number } {
    return tx.client.query(copyFrom(`COPY ${STAGING} (incident_id, ${SUBJECT_COLUMNS}) FROM STDIN (FORMAT binary)`));
  }

  /**
   * A writable that COPYs subject tuples (binary format) straight into affected_subjects: only for references the
   * incident does not have yet, each once (any other fails the COPY, and with it the import, with a unique
   * violation).
   */
  copyIntoSubjects(tx: Tx): Writable & { rowCount: number } {
    return tx.client.query(copyFrom(`COPY affected_subjects (incident_id, ${SUBJECT_COLUMNS}) FROM STDIN (FORMAT binary)`));
  }

  /** A writable that COPYs rejection lines (see `rejectionCopyLine`) into subject_import_rejections. */
  copyRejections(tx: Tx): Writable {
    return tx.client.query(copyFrom('COPY subject_import_rejections (import_id, line, field, reason) FROM STDIN'));
  }

  /** Whether the incident has any subject yet. */
  async hasSubjects(tx: Tx, incidentId: string): Promise<boolean> {
    const row = await tx.one<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM affected_subjects WHERE incident_id = $1) AS any', [incidentId]);
    return row!.any;
  }

  async lockIncidentImports(tx: Tx, incidentId: string): Promise<void> {
    await tx.rows('SELECT pg_advisory_xact_lock($1, hashtext($2))', [IMPORT_LOCK_NAMESPACE, incidentId]);
  }

  /**
   * One set-wise upsert of the batch in staging. Within a batch the last line of an external reference wins;
   * a later batch overwrites an earlier one, so the last line of the file wins. A subject already imported is
   * updated, not duplicated.
   *
   * Counting, when one reference appears in several batches: `xmax = 0` marks a fresh insert (the first time
   * this import sees a new reference). A conflict on a row whose `created_at` is this transaction's `now()`
   * hits a row this import inserted in an earlier batch: not counted again. Any other conflict is a subject
   * that existed before; it counts as updated the first time only, which `seen` (the references of such
   * subjects, kept across batches) decides. A first import into an empty incident writes nothing to `seen`.
   */
  async upsertBatch(tx: Tx, incidentId: string): Promise<{ inserted: number; updated: number }> {
    const row = await tx.one<{ inserted: number; updated: number }>(`
      WITH src AS (
        SELECT DISTINCT ON (external_ref) ${SUBJECT_COLUMNS}
        FROM ${STAGING}
        ORDER BY external_ref, line DESC
      ), up AS (
        INSERT INTO affected_subjects (incident_id, ${SUBJECT_COLUMNS})
        SELECT $1, ${SUBJECT_COLUMNS} FROM src
        ON CONFLICT (incident_id, external_ref) DO UPDATE SET ${UPDATE_SET}, updated_at = now()
        RETURNING external_ref, (xmax = 0) AS fresh, created_at = now() AS ours
      ), first_update AS (
        INSERT INTO ${SEEN} (external_ref) SELECT external_ref FROM up WHERE NOT fresh AND NOT ours
        ON CONFLICT DO NOTHING RETURNING 1
      )
      SELECT (SELECT count(*) FROM up WHERE fresh)::int AS inserted, (SELECT count(*) FROM first_update)::int AS updated`,
    [incidentId]);
    return row!;
  }

  async truncateStaging(tx: Tx): Promise<void> {
    await tx.rows(`TRUNCATE ${STAGING}`);
  }

  /**
   * What the upserts would do, without doing them (dry run; staging then holds the whole file). The lookup is a
   * correlated subquery so that it always probes the unique index, whatever the statistics say; it compares under
   * "C", the index's collation (equality is the same under any deterministic collation).
   */
  async previewFromStaging(tx: Tx, incidentId: string): Promise<{ inserted: number; updated: number }> {
    const row = await tx.one<{ inserted: number; updated: number }>(`
      SELECT count(*) FILTER (WHERE NOT known)::int AS inserted, count(*) FILTER (WHERE known)::int AS updated
      FROM (
        SELECT EXISTS (SELECT 1 FROM affected_subjects a WHERE a.incident_id = $1 AND a.external_ref COLLATE "C" = s.external_ref) AS known
        FROM (SELECT DISTINCT external_ref FROM ${STAGING}) s
      ) k`,
    [incidentId]);
    return row!;
  }

  async insertImport(tx: Tx, i: Omit<ImportRow, 'status'>): Promise<ImportRow> {
    const row = await tx.one<ImportRow>(
      `INSERT INTO subject_imports (id, incident_id, format, status, rows_total, rows_accepted, rows_rejected, inserted, updated, created_by, started_at, finished_at)
       VALUES ($1, $2, $3, 'completed', $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [i.id, i.incident_id, i.format, i.rows_total, i.rows_accepted, i.rows_rejected, i.inserted, i.updated, i.created_by, i.started_at, i.finished_at],
    );
    return row!;
  }

  async finishImport(tx: Tx, id: string, c: { rowsTotal: number; rowsAccepted: number; rowsRejected: number; inserted: number; updated: number }): Promise<void> {
    await tx.rows(
      `UPDATE subject_imports SET rows_total = $2, rows_accepted = $3, rows_rejected = $4, inserted = $5, updated = $6, finished_at = now() WHERE id = $1`,
      [id, c.rowsTotal, c.rowsAccepted, c.rowsRejected, c.inserted, c.updated],
    );
  }

  findImport(sql: Sql, incidentId: string, importId: string): Promise<ImportRow | undefined> {
    return sql.one<ImportRow>('SELECT * FROM subject_imports WHERE incident_id = $1 AND id = $2', [incidentId, importId]);
  }

  /** Newest first; `started_at_key` is the exact (microsecond) sort key for the cursor. */
  listImports(incidentId: string, limit: number, after?: [string, string]): Promise<(ImportRow & { started_at_key: string })[]> {
    const params: unknown[] = [incidentId, limit];
    let where = 'incident_id = $1';
    if (after) {
      params.push(after[0], after[1]);
      where += ' AND (started_at, id) < ($3::timestamptz, $4::uuid)';
    }
    return this.db.rows(
      `SELECT *, started_at::text AS started_at_key FROM subject_imports WHERE ${where} ORDER BY started_at DESC, id DESC LIMIT $2`,
      params,
    );
  }

  listRejections(importId: string, limit: number, after?: [number, string]): Promise<RejectionRow[]> {
    const params: unknown[] = [importId, limit];
    let where = 'import_id = $1';
    if (after) {
      params.push(after[0], after[1]);
      where += ' AND (line, field) > ($3::int, $4::text)';
    }
    return this.db.rows(`SELECT line, field, reason FROM subject_import_rejections WHERE ${where} ORDER BY line, field LIMIT $2`, params);
  }

  /** In external-reference order (bytewise), which the unique index on (incident_id, external_ref "C") serves. */
  listSubjects(f: { incidentId: string; limit: number; afterRef?: string; country?: string; channel?: ChannelFilter }): Promise<SubjectRow[]> {
    const params: unknown[] = [f.incidentId];
    const where = ['incident_id = $1'];
    if (f.afterRef !== undefined) {
      params.push(f.afterRef);
      where.push(`external_ref COLLATE "C" > $${params.length}`);
    }
    if (f.country) {
      params.push(f.country);
      where.push(`country = $${params.length}`);
    }
    if (f.channel) where.push(CHANNEL_SQL[f.channel]);
    params.push(f.limit);
    return this.db.rows<SubjectRow>(
      `SELECT * FROM affected_subjects WHERE ${where.join(' AND ')} ORDER BY external_ref COLLATE "C" LIMIT $${params.length}`,
      params,
    );
  }

  /**
   * Counts in one pass: per country, per region (grouping sets) and per reachable channel (on the grand total).
   * A subject reachable on several channels counts once for each of them.
   */
  summary(incidentId: string): Promise<{ country: string | null; region: string | null; by: 'total' | 'country' | 'region'; subjects: number; email: number; phone: number; push: number; postal: number; none: number }[]> {
    return this.db.rows(`
      SELECT country, region,
        CASE WHEN grouping(country, region) = 3 THEN 'total' WHEN grouping(region) = 1 THEN 'country' ELSE 'region' END AS by,
        count(*)::int AS subjects,
        count(*) FILTER (WHERE ${CHANNEL_SQL.email})::int AS email,
        count(*) FILTER (WHERE ${CHANNEL_SQL.phone})::int AS phone,
        count(*) FILTER (WHERE ${CHANNEL_SQL.push})::int AS push,
        count(*) FILTER (WHERE ${CHANNEL_SQL.postal})::int AS postal,
        count(*) FILTER (WHERE ${CHANNEL_SQL.none})::int AS none
      FROM affected_subjects WHERE incident_id = $1
      GROUP BY GROUPING SETS ((), (country), (country, region))
      ORDER BY by, country NULLS LAST, region NULLS LAST`,
    [incidentId]);
  }
}
