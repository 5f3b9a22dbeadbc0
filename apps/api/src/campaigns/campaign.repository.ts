import { Inject, Injectable } from '@nestjs/common';
import { Database, type Sql } from '#database';
import type { CampaignAudience, CampaignStatus, NoticeChannel, NoticeContent, RemediationBullet, SubstitutePolicy } from '#domain';
import { CHANNEL_SQL } from '../subjects/subject.repository.js';

export interface CampaignRow {
  id: string;
  incident_id: string;
  name: string;
  status: CampaignStatus;
  audience: CampaignAudience;
  channel_chain: NoticeChannel[];
  default_language: string;
  content: NoticeContent;
  include_remediation: boolean;
  remediation: (RemediationBullet & { id: string })[] | null;
  content_hash: string;
  substitute_policy: SubstitutePolicy | null;
  author_id: string;
  approved_by: string | null;
  approved_at: Date | null;
  approved_hash: string | null;
  cancelled_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  summary: unknown;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * The columns a CampaignRow holds, named rather than `*`: the row goes whole into the audit trail
 * (`campaign.created`), and `link_key` (which notice links are derived with) must never leave the database
 * that way; whoever held it could forge every person's link.
 */
const ROW_COLUMNS = ['id', 'incident_id', 'name', 'status', 'audience', 'channel_chain', 'default_language', 'content',
  'include_remediation', 'remediation', 'content_hash', 'substitute_policy', 'author_id', 'approved_by', 'approved_at',
  'approved_hash', 'cancelled_at', 'started_at', 'finished_at', 'summary', 'version', 'created_at', 'updated_at',
] as const satisfies readonly (keyof CampaignRow)[];
const ROW = ROW_COLUMNS.join(', ');

/** The columns the api writes. */
export type CampaignFields = Pick<CampaignRow, 'name' | 'audience' | 'channel_chain' | 'default_language' | 'content' | 'include_remediation' | 'remediation' | 'content_hash' | 'substitute_policy'>;
export type CampaignChanges = Partial<CampaignFields & Pick<CampaignRow, 'status' | 'approved_by' | 'approved_at' | 'approved_hash' | 'cancelled_at'>>;

const JSONB = new Set(['audience', 'content', 'remediation', 'substitute_policy']);
const UPDATABLE = new Set(['name', 'audience', 'channel_chain', 'default_language', 'content', 'include_remediation', 'remediation', 'content_hash', 'substitute_policy', 'status', 'approved_by', 'approved_at', 'approved_hash', 'cancelled_at']);

/** jsonb values go as JSON text (pg would turn a JS array into a PostgreSQL array). */
function param(column: string, value: unknown): unknown {
  return JSONB.has(column) && value !== null && value !== undefined ? JSON.stringify(value) : value;
}

/** How each campaign channel reaches a subject: the subjects' reachability rule (a minor through the guardian). */
export const CAMPAIGN_CHANNEL_SQL: Record<NoticeChannel, string> = {
  email: CHANNEL_SQL.email,
  sms: CHANNEL_SQL.phone,
  push: CHANNEL_SQL.push,
  letter: CHANNEL_SQL.postal,
};

/** The WHERE clause (after `incident_id = $1`) selecting a campaign's audience; pushes its parameters. */
export function audienceSql(audience: CampaignAudience, params: unknown[]): string {
  if (audience.kind === 'all') return '';
  let sql = '';
  if (audience.jurisdictions.length) {
    params.push(audience.jurisdictions);
    sql += ` AND (country = ANY($${params.length}::text[]) OR region = ANY($${params.length}::text[]))`;
  }
  if (audience.dataCategories.length) {
    params.push(audience.dataCategories);
    sql += ` AND data_categories && $${params.length}::text[]`;
  }
  return sql;
}

export interface AudienceCounts {
  subjects: number;
  minors: number;
  reachable: number;
  byChannel: Record<string, number>;
  byFirstChannel: Record<string, number>;
}

export interface SampleSubjectRow {
  id: number;
  name: string | null;
  language: string | null;
  is_minor: boolean;
  guardian_name: string | null;
  postal_address: string | null;
}

@Injectable()
export class CampaignRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  insert(tx: Sql, incidentId: string, authorId: string, f: CampaignFields): Promise<CampaignRow | undefined> {
    const columns = Object.keys(f) as (keyof CampaignFields)[];
    return tx.one<CampaignRow>(
      `INSERT INTO notice_campaigns (incident_id, author_id, ${columns.join(', ')})
       VALUES ($1, $2, ${columns.map((c, i) => `$${i + 3}${JSONB.has(c) ? '::jsonb' : ''}`).join(', ')}) RETURNING ${ROW}`,
      [incidentId, authorId, ...columns.map((c) => param(c, f[c]))],
    );
  }

  /** Only within its incident: a campaign id of another incident is not found. */
  find(sql: Sql, incidentId: string, id: string, forUpdate = false): Promise<CampaignRow | undefined> {
    return sql.one<CampaignRow>(`SELECT ${ROW} FROM notice_campaigns WHERE id = $1 AND incident_id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [id, incidentId]);
  }

  /** Writes the changes only if the row is still at `version`; undefined when it is not. */
  update(tx: Sql, id: string, version: number, changes: CampaignChanges): Promise<CampaignRow | undefined> {
    const entries = Object.entries(changes).filter(([k, v]) => UPDATABLE.has(k) && v !== undefined);
    const sets = entries.map(([k], i) => `${k} = $${i + 3}${JSONB.has(k) ? '::jsonb' : ''}`);
    return tx.one<CampaignRow>(
      `UPDATE notice_campaigns SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
       WHERE id = $1 AND version = $2 RETURNING ${ROW}`,
      [id, version, ...entries.map(([k, v]) => param(k, v))],
    );
  }

  /** In order of creation; `created_at_key` is the exact (microsecond) sort key for the cursor. */
  list(f: { incidentId: string; status?: string; after?: [string, string]; limit: number }): Promise<(CampaignRow & { created_at_key: string })[]> {
    const params: unknown[] = [f.incidentId];
    const where = ['incident_id = $1'];
    if (f.status) where.push(`status = $${params.push(f.status)}`);
    if (f.after) {
      params.push(f.after[0], f.after[1]);
      where.push(`(created_at, id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    return this.db.rows(
      `SELECT ${ROW}, created_at::text AS created_at_key FROM notice_campaigns WHERE ${where.join(' AND ')}
       ORDER BY created_at, id LIMIT $${params.push(f.limit)}`,
      params,
    );
  }

  /** The incident's remediation actions that notices must mention (cancelled ones are not), in order of creation. */
  remediationBullets(sql: Sql, incidentId: string): Promise<(RemediationBullet & { id: string })[]> {
    return sql.rows(
      `SELECT id, kind, public_wording AS wording FROM remediation_actions
       WHERE incident_id = $1 AND include_in_notice AND status <> 'cancelled' ORDER BY created_at, id`,
      [incidentId],
    );
  }

  /**
   * One pass over the incident's subjects: how many the audience selects, how many are reachable on each
   * channel of the chain, and on which channel each would be tried first (the first of the chain it is reachable on).
   */
  async audienceCounts(incidentId: string, audience: CampaignAudience, chain: readonly NoticeChannel[]): Promise<AudienceCounts> {
    const params: unknown[] = [incidentId];
    const where = audienceSql(audience, params);
    const reach = chain.map((c) => CAMPAIGN_CHANNEL_SQL[c]);
    const columns = [
      'count(*)::int AS subjects',
      'count(*) FILTER (WHERE is_minor)::int AS minors',
      `count(*) FILTER (WHERE ${reach.join(' OR ')})::int AS reachable`,
      ...chain.map((c, i) => `count(*) FILTER (WHERE ${reach[i]})::int AS "on_${c}"`),
      ...chain.map((c, i) => `count(*) FILTER (WHERE ${[...reach.slice(0, i).map((r) => `NOT ${r}`), reach[i]].join(' AND ')})::int AS "first_${c}"`),
    ];
    const row = (await this.db.one<Record<string, number>>(`SELECT ${columns.join(', ')} FROM affected_subjects WHERE incident_id = $1${where}`, params))!;
    return {
      subjects: row.subjects!,
      minors: row.minors!,
      reachable: row.reachable!,
      byChannel: Object.fromEntries(chain.map((c) => [c, row[`on_${c}`]!])),
      byFirstChannel: Object.fromEntries(chain.map((c) => [c, row[`first_${c}`]!])),
    };
  }

  /** What a preview needs of one subject of the incident (no e-mail, phone or tokens). */
  findSubject(sql: Sql, incidentId: string, subjectId: string): Promise<SampleSubjectRow | undefined> {
    return sql.one<SampleSubjectRow>(
      `SELECT id, name, language, is_minor, guardian_name, postal_address FROM affected_subjects WHERE incident_id = $1 AND id = $2`,
      [incidentId, subjectId],
    );
  }
}
