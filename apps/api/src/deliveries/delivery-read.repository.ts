import { Inject, Injectable } from '@nestjs/common';
import { Database } from '#database';
import type { NoticeContent, RemediationBullet } from '#domain';

export interface NoticeByToken {
  delivery_id: number;
  campaign_id: string;
  default_language: string;
  content: NoticeContent;
  remediation: RemediationBullet[] | null;
  incident_ref: string;
  name: string | null;
  language: string | null;
  is_minor: boolean;
  guardian_name: string | null;
  postal_address: string | null;
}

/** Reads of the notifier's tables for the api: progress, the sandbox outbox, and notice links. */
@Injectable()
export class DeliveryReadRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  progress(campaignId: string) {
    return this.db.rows<{ channel: string | null; state: string; n: number; recent: number; first: Date | null; last: Date | null }>(
      `SELECT channel, state, count(*)::int AS n,
              count(*) FILTER (WHERE sent_at > now() - interval '60 seconds')::int AS recent,
              min(sent_at) AS first, max(sent_at) AS last
       FROM deliveries WHERE campaign_id = $1 GROUP BY channel, state`,
      [campaignId],
    );
  }

  campaignState(campaignId: string) {
    return this.db.one<{ status: string; started_at: Date | null; finished_at: Date | null; expanded_at: Date | null; summary: unknown }>(
      'SELECT status, started_at, finished_at, expanded_at, summary FROM notice_campaigns WHERE id = $1',
      [campaignId],
    );
  }

  /** The notice behind a link, and the open recorded, in one round trip. */
  openNotice(token: string): Promise<NoticeByToken | undefined> {
    return this.db.one<NoticeByToken>(
      `WITH opened AS (
         UPDATE deliveries SET opened_at = coalesce(opened_at, now()), open_count = open_count + 1
         WHERE id = (SELECT delivery_id FROM notice_links WHERE token = $1) RETURNING id, campaign_id, subject_id
       )
       SELECT o.id AS delivery_id, o.campaign_id, c.default_language, c.content, c.remediation, i.ref AS incident_ref,
              s.name, s.language, s.is_minor, s.guardian_name, s.postal_address
       FROM opened o
       JOIN notice_campaigns c ON c.id = o.campaign_id
       JOIN incidents i ON i.id = c.incident_id
       JOIN affected_subjects s ON s.id = o.subject_id`,
      [token],
    );
  }

  outbox(after: number, limit: number, channel?: string) {
    return this.db.rows<{ id: number }>(
      `SELECT id, delivery_id AS "deliveryId", channel, recipient, subject, body, html, link, created_at AS "createdAt"
       FROM outbox_messages WHERE id > $1 AND ($3::text IS NULL OR channel = $3) ORDER BY id LIMIT $2`,
      [after, limit, channel ?? null],
    );
  }
}
