import { Inject, Injectable } from '@nestjs/common';
import { Database, type Sql } from '#database';
import type { AnnouncementStatus, AnnouncementUpdateBody, NoticeContent } from '#domain';

export interface AnnouncementRow {
  id: string;
  incident_id: string;
  incident_ref: string;
  campaign_id: string | null;
  slug: string;
  status: AnnouncementStatus;
  title: string;
  default_language: string;
  content: NoticeContent;
  reason: string;
  ground: string;
  duration_days: number;
  published_at: Date | null;
  visible_until: Date | null;
  created_by: string | null;
  published_by: string | null;
  withdrawn_at: Date | null;
  withdrawn_by: string | null;
  withdrawal_reason: string | null;
  withdrawal_forced: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface AnnouncementUpdateRow {
  id: string;
  announcement_id: string;
  at: Date;
  body: AnnouncementUpdateBody;
  created_by: string;
}

export type AnnouncementChanges = Partial<Pick<AnnouncementRow,
  'title' | 'default_language' | 'content' | 'reason' | 'duration_days' | 'status' | 'published_at' | 'visible_until' | 'published_by'
  | 'withdrawn_at' | 'withdrawn_by' | 'withdrawal_reason' | 'withdrawal_forced'>>;

export interface NewStaffAnnouncement {
  incidentId: string;
  campaignId: string | null;
  slug: string;
  title: string;
  defaultLanguage: string;
  content: NoticeContent;
  reason: string;
  durationDays: number;
  createdBy: string;
}

/** A published announcement with the time of its latest change the public sees (publication or timeline entry). */
export type PublicAnnouncementRow = AnnouncementRow & { last_update_at: Date | null };

const JSONB = new Set(['content']);
const UPDATABLE = new Set(['title', 'default_language', 'content', 'reason', 'duration_days', 'status', 'published_at', 'visible_until', 'published_by', 'withdrawn_at', 'withdrawn_by', 'withdrawal_reason', 'withdrawal_forced']);
const SELECT = `SELECT a.*, i.ref AS incident_ref FROM announcements a JOIN incidents i ON i.id = a.incident_id`;

@Injectable()
export class AnnouncementRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  /** By id or by slug; `FOR UPDATE` when the caller is about to change it. */
  find(sql: Sql, key: { id?: string; slug?: string }, forUpdate = false): Promise<AnnouncementRow | undefined> {
    const [column, value] = key.id ? ['a.id', key.id] : ['a.slug', key.slug];
    return sql.one<AnnouncementRow>(`${SELECT} WHERE ${column} = $1${forUpdate ? ' FOR UPDATE OF a' : ''}`, [value]);
  }

  /** Newest first; `created_at_key` is the exact (microsecond) sort key for the cursor. */
  list(f: { incidentId?: string; status?: string; after?: [string, string]; limit: number }): Promise<(AnnouncementRow & { created_at_key: string })[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (f.incidentId) where.push(`a.incident_id = $${params.push(f.incidentId)}`);
    if (f.status) where.push(`a.status = $${params.push(f.status)}`);
    if (f.after) {
      params.push(f.after[0], f.after[1]);
      where.push(`(a.created_at, a.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    return this.db.rows(
      `SELECT a.*, i.ref AS incident_ref, a.created_at::text AS created_at_key FROM announcements a JOIN incidents i ON i.id = a.incident_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY a.created_at DESC, a.id DESC LIMIT $${params.push(f.limit)}`,
      params,
    );
  }

  /** Slugs already taken from `base` (`base`, `base-2`, …). */
  async takenSlugs(sql: Sql, base: string): Promise<string[]> {
    const rows = await sql.rows<{ slug: string }>(`SELECT slug FROM announcements WHERE slug = $1 OR left(slug, length($1) + 1) = $1 || '-'`, [base]);
    return rows.map((r) => r.slug);
  }

  /** A staff draft; undefined when a unique key (slug, campaign) was taken meanwhile. */
  async insert(sql: Sql, a: NewStaffAnnouncement): Promise<AnnouncementRow | undefined> {
    const row = await sql.one<{ id: string }>(
      `INSERT INTO announcements (incident_id, campaign_id, slug, status, title, default_language, content, reason, ground, duration_days, created_by)
       VALUES ($1, $2, $3, 'draft', $4, $5, $6::jsonb, $7, 'staff', $8, $9)
       ON CONFLICT DO NOTHING RETURNING id`,
      [a.incidentId, a.campaignId, a.slug, a.title, a.defaultLanguage, JSON.stringify(a.content), a.reason, a.durationDays, a.createdBy],
    );
    return row ? this.find(sql, { id: row.id }) : undefined;
  }

  async campaignOf(sql: Sql, incidentId: string, campaignId: string): Promise<{ id: string; has_announcement: boolean } | undefined> {
    return sql.one(
      `SELECT c.id, EXISTS (SELECT 1 FROM announcements a WHERE a.campaign_id = c.id) AS has_announcement
       FROM notice_campaigns c WHERE c.id = $1 AND c.incident_id = $2`,
      [campaignId, incidentId],
    );
  }

  /** Writes the changes only if the row is still at `version`; undefined when it is not. */
  async update(sql: Sql, id: string, version: number, changes: AnnouncementChanges): Promise<AnnouncementRow | undefined> {
    const entries = Object.entries(changes).filter(([k, v]) => UPDATABLE.has(k) && v !== undefined);
    const sets = entries.map(([k], i) => `${k} = $${i + 3}${JSONB.has(k) ? '::jsonb' : ''}`);
    const row = await sql.one<{ id: string }>(
      `UPDATE announcements SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
       WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, ...entries.map(([k, v]) => (JSONB.has(k) && v !== null ? JSON.stringify(v) : v))],
    );
    return row ? this.find(sql, { id: row.id }) : undefined;
  }

  /** The dated timeline, newest first. */
  updates(sql: Sql, announcementId: string): Promise<AnnouncementUpdateRow[]> {
    return sql.rows(`SELECT * FROM announcement_updates WHERE announcement_id = $1 ORDER BY at DESC, id DESC`, [announcementId]);
  }

  /** Adds a timeline entry and marks the announcement changed (its version stays: edits are not stale because of it). */
  async addUpdate(sql: Sql, announcementId: string, body: AnnouncementUpdateBody, createdBy: string): Promise<AnnouncementUpdateRow> {
    const row = (await sql.one<AnnouncementUpdateRow>(
      `INSERT INTO announcement_updates (announcement_id, body, created_by) VALUES ($1, $2::jsonb, $3) RETURNING *`,
      [announcementId, JSON.stringify(body), createdBy],
    ))!;
    await sql.rows('UPDATE announcements SET updated_at = now() WHERE id = $1', [announcementId]);
    return row;
  }

  /** What the public sees now: published and inside the posting period, newest publication first. */
  current(limit: number): Promise<PublicAnnouncementRow[]> {
    return this.db.rows(
      `SELECT a.*, i.ref AS incident_ref, (SELECT max(u.at) FROM announcement_updates u WHERE u.announcement_id = a.id) AS last_update_at
       FROM announcements a JOIN incidents i ON i.id = a.incident_id
       WHERE a.status = 'published' AND a.visible_until > now()
       ORDER BY a.published_at DESC, a.id DESC LIMIT $1`,
      [limit],
    );
  }
}
