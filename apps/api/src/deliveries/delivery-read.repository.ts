import { Inject, Injectable } from '@nestjs/common';
import { Database } from '#database';
import { type NoticeContent, noticeTokenDeliveryId, noticeTokenValid, type RemediationBullet } from '#domain';

/** A link sent before tokens were derived: 32 random bytes in hex, found through `notice_links`. */
const LEGACY_TOKEN = /^[0-9a-f]{64}$/;
const MAX_BIGINT = 2n ** 63n - 1n;

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
       FROM deliveries WHERE campaign_id = $1 GROUP BY channel, state
       UNION ALL
       -- People of audience parts being sent have no delivery row until their part is recorded: in flight,
       -- on the channel planned for them (a part taken over from a dead worker still counts all its people).
       SELECT nullif(p.key, 'none'), 'sending', sum(p.value::int)::int, 0, NULL, NULL
       FROM audience_parts a, jsonb_each_text(a.planned) p WHERE a.campaign_id = $1 GROUP BY 1`,
      [campaignId],
    );
  }

  campaignState(campaignId: string) {
    return this.db.one<{ status: string; started_at: Date | null; finished_at: Date | null; expanded_at: Date | null; summary: unknown }>(
      'SELECT status, started_at, finished_at, expanded_at, summary FROM notice_campaigns WHERE id = $1',
      [campaignId],
    );
  }

  /**
   * The notice behind a link, with the opening recorded; undefined for a token that names no notice.
   *
   * A derived token (delivery id + MAC, see #domain notice-token) costs two round trips: its campaign's
   * link key, then, only when the MAC checks out, the opening. A wrong MAC, another campaign's key and a
   * delivery that does not exist all end as an unknown token does, having written nothing. Links sent
   * before tokens were derived (64 hex, stored in `notice_links`) are opened in one round trip, as before.
   */
  async openNotice(token: string): Promise<NoticeByToken | undefined> {
    const deliveryId = noticeTokenDeliveryId(token);
    if (deliveryId !== null) {
      if (BigInt(deliveryId) > MAX_BIGINT) return undefined; // no such delivery (and no bigint for PostgreSQL)
      const delivery = await this.db.one<{ link_key: Buffer }>(
        `SELECT c.link_key FROM deliveries d JOIN notice_campaigns c ON c.id = d.campaign_id WHERE d.id = $1`,
        [deliveryId],
      );
      if (!delivery || !noticeTokenValid(delivery.link_key, token)) return undefined;
      return this.open('$1::bigint', deliveryId);
    }
    if (!LEGACY_TOKEN.test(token)) return undefined;
    return this.open('(SELECT delivery_id FROM notice_links WHERE token = $1)', token);
  }

  /** Records the opening of the delivery `idSql` names and reads its notice, in one round trip. */
  private open(idSql: string, param: string): Promise<NoticeByToken | undefined> {
    return this.db.one<NoticeByToken>(
      `WITH opened AS (
         UPDATE deliveries SET opened_at = coalesce(opened_at, now()), open_count = open_count + 1
         WHERE id = ${idSql} RETURNING id, campaign_id, subject_id
       )
       SELECT o.id AS delivery_id, o.campaign_id, c.default_language, c.content, c.remediation, i.ref AS incident_ref,
              s.name, s.language, s.is_minor, s.guardian_name, s.postal_address
       FROM opened o
       JOIN notice_campaigns c ON c.id = o.campaign_id
       JOIN incidents i ON i.id = c.incident_id
       JOIN affected_subjects s ON s.id = o.subject_id`,
      [param],
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
