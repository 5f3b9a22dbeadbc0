import { Inject, Injectable } from '@nestjs/common';
import { Database, type Sql, type Tx } from '#database';
import type { NoticeChannel, NoticeContent, RemediationBullet, SubstituteGround, SubstitutePolicy } from '#domain';
import type { CampaignSummary } from '#records';

/** A campaign the monitor judges: running, or completed recently, and without an announcement yet. */
export interface WatchedCampaign {
  id: string;
  incident_id: string;
  status: 'running' | 'completed';
  audience: { kind: 'all' } | { kind: 'filter'; jurisdictions?: string[]; dataCategories?: string[] };
  channel_chain: NoticeChannel[];
  substitute_policy: SubstitutePolicy | null;
  expanded: boolean;
  summary: CampaignSummary | null;
}

export interface CampaignFigures {
  audienceTotal: number;
  unreachable: number;
}

export interface NewAnnouncement {
  campaignId: string;
  status: 'draft' | 'published';
  ground: SubstituteGround;
  reason: string;
  durationDays: number;
}

export interface CreatedAnnouncement {
  id: string;
  incident_id: string;
  campaign_id: string;
  slug: string;
  status: 'draft' | 'published';
  title: string;
  default_language: string;
  languages: string[];
  reason: string;
  ground: string;
  duration_days: number;
  published_at: Date | null;
  visible_until: Date | null;
  version: number;
  created_at: Date;
}

export interface CampaignNotice {
  incident_id: string;
  incident_ref: string;
  default_language: string;
  content: NoticeContent;
  remediation: RemediationBullet[] | null;
}

/** How long after completion a campaign is still judged (its figures are final; one look is enough). */
const COMPLETED_WINDOW = '30 days';

/** The notifier's SQL for substitute notice: set-wise figures of campaigns, and the one-per-campaign insert. */
@Injectable()
export class SubstituteNoticeRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  watchedCampaigns(): Promise<WatchedCampaign[]> {
    return this.db.rows<WatchedCampaign>(
      `SELECT c.id, c.incident_id, c.status, c.audience, c.channel_chain, c.substitute_policy, c.expanded_at IS NOT NULL AS expanded, c.summary
       FROM notice_campaigns c
       WHERE (c.status = 'running' OR (c.status = 'completed' AND c.finished_at > now() - interval '${COMPLETED_WINDOW}'))
         AND NOT EXISTS (SELECT 1 FROM announcements a WHERE a.campaign_id = c.id)
       ORDER BY c.started_at NULLS LAST, c.id`,
    );
  }

  /** Unreachable people of a campaign so far (the partial index holds only those rows). */
  async unreachable(campaignId: string): Promise<number> {
    const row = await this.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE campaign_id = $1 AND state = 'unreachable'`, [campaignId]);
    return row?.n ?? 0;
  }

  /** People of a campaign expanded so far (the whole audience once expanded), as the expansion counts them. */
  async expanded(campaignId: string): Promise<number> {
    const row = await this.db.one<{ n: number }>(`SELECT expanded_count::int AS n FROM notice_campaigns WHERE id = $1`, [campaignId]);
    return row?.n ?? 0;
  }

  /**
   * Whether anyone in the campaign's whole audience (expanded or not) can be reached on one of its channels:
   * the same audience filter and reachability rule as the expansion. Stops at the first such person.
   */
  async anyContact(c: WatchedCampaign): Promise<boolean> {
    const filter = c.audience.kind === 'filter' ? c.audience : { jurisdictions: [], dataCategories: [] };
    const row = await this.db.one<{ any: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM affected_subjects s
         WHERE s.incident_id = $1
           AND (cardinality($3::text[]) = 0 OR s.country = ANY($3) OR s.region = ANY($3))
           AND (cardinality($4::text[]) = 0 OR s.data_categories && $4::text[])
           AND next_reachable_step($2::text[], 0, s) IS NOT NULL
       ) AS any`,
      [c.incident_id, c.channel_chain, filter.jurisdictions ?? [], filter.dataCategories ?? []],
    );
    return row?.any ?? false;
  }

  campaignNotice(tx: Sql, campaignId: string): Promise<CampaignNotice | undefined> {
    return tx.one<CampaignNotice>(
      `SELECT c.incident_id, i.ref AS incident_ref, c.default_language, c.content, c.remediation
       FROM notice_campaigns c JOIN incidents i ON i.id = c.incident_id WHERE c.id = $1`,
      [campaignId],
    );
  }

  /** Slugs already taken from `base` (`base`, `base-2`, …). */
  async takenSlugs(tx: Sql, base: string): Promise<string[]> {
    const rows = await tx.rows<{ slug: string }>(`SELECT slug FROM announcements WHERE slug = $1 OR left(slug, length($1) + 1) = $1 || '-'`, [base]);
    return rows.map((r) => r.slug);
  }

  /**
   * Inserts the campaign's announcement unless one exists: `ON CONFLICT DO NOTHING` waits for a concurrent
   * insert of the same campaign and yields to it. Returns undefined when the row was not written (the
   * campaign already has one, or the slug was taken meanwhile: the caller tells which).
   */
  insert(tx: Tx, a: NewAnnouncement & { incidentId: string; slug: string; title: string; defaultLanguage: string; content: NoticeContent }): Promise<CreatedAnnouncement | undefined> {
    const published = a.status === 'published';
    return tx.one<CreatedAnnouncement>(
      `INSERT INTO announcements (incident_id, campaign_id, slug, status, title, default_language, content, reason, ground, duration_days, published_at, visible_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10,
               CASE WHEN $11 THEN now() END, CASE WHEN $11 THEN now() + make_interval(days => $10) END)
       ON CONFLICT DO NOTHING
       RETURNING id, incident_id, campaign_id, slug, status, title, default_language,
                 ARRAY(SELECT jsonb_object_keys(content) ORDER BY 1) AS languages, reason, ground, duration_days, published_at, visible_until, version, created_at`,
      [a.incidentId, a.campaignId, a.slug, a.status, a.title, a.defaultLanguage, JSON.stringify(a.content), a.reason, a.ground, a.durationDays, published],
    );
  }

  async campaignHasAnnouncement(tx: Sql, campaignId: string): Promise<boolean> {
    return (await tx.one('SELECT 1 FROM announcements WHERE campaign_id = $1', [campaignId])) !== undefined;
  }

  /** The alert for the security team, once per campaign. No personal data in the message. */
  async alert(tx: Sql, a: CreatedAnnouncement, message: string): Promise<void> {
    await tx.rows(
      `INSERT INTO alerts (kind, severity, incident_id, campaign_id, dedupe_key, message)
       VALUES ('announcement_created', 'warning', $1, $2, $3, $4) ON CONFLICT (dedupe_key) DO NOTHING`,
      [a.incident_id, a.campaign_id, `announcement_created:${a.campaign_id}`, message],
    );
  }
}
