import { Injectable } from '@nestjs/common';
import type { Sql } from '#database';
import type { ChannelKind } from '#channels';
import { CONFIG_ERROR_PAUSE_MS } from '#domain';

/** One provider event as stored: codes only, never an address or provider prose. */
export interface WebhookEventRecord {
  eventId: string;
  deliveryId: number | null;
  event: string;
  status: string;
  reason: string | null;
  occurredAt: Date | null;
}

/** What an event does to its delivery (the strongest event per delivery of one post). */
export interface DeliveryAction {
  deliveryId: number;
  action: 'delivered' | 'failed' | 'config';
  reason: string | null;
  occurredAt: Date | null;
  providerMessageId: string | null;
}

export interface AppliedAction {
  id: number;
  action: DeliveryAction['action'];
  state: string;
}

@Injectable()
export class WebhookRepository {
  /**
   * Records events by (provider, event id); returns the ids that were new. A replayed event (same id) is
   * not returned, so it is acknowledged but not applied again. Inserted in id order, so two posts carrying
   * the same events cannot deadlock on the unique key.
   */
  async recordEvents(tx: Sql, provider: string, events: readonly WebhookEventRecord[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const rows = await tx.rows<{ event_id: string }>(
      `INSERT INTO webhook_events (provider, event_id, delivery_id, event, status, reason, occurred_at)
       SELECT $1, e.event_id, e.delivery_id, e.event, e.status, e.reason, e.occurred_at
       FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
            AS e(event_id, delivery_id, event, status, reason, occurred_at)
       ORDER BY e.event_id
       ON CONFLICT (provider, event_id) DO NOTHING
       RETURNING event_id`,
      [
        provider,
        events.map((e) => e.eventId),
        events.map((e) => e.deliveryId),
        events.map((e) => e.event),
        events.map((e) => e.status),
        events.map((e) => e.reason),
        events.map((e) => e.occurredAt),
      ],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  /** The delivery a Twilio message SID belongs to (SIDs are unique; used when a callback URL carries no delivery_id). */
  async deliveryByTwilioSid(sql: Sql, sid: string): Promise<number | null> {
    // The literal provider matches the partial index deliveries_twilio_sid.
    const row = await sql.one<{ id: number }>(
      `SELECT id FROM deliveries WHERE provider = 'twilio' AND provider_message_id = $1 ORDER BY id DESC LIMIT 1`, [sid]);
    return row?.id ?? null;
  }

  /**
   * Statuses of deliveries not written yet: the notifier writes a person's delivery once, after the whole of
   * their audience part is sent, and a fast provider can report on a message before that. Such a status waits
   * in early_delivery_events and the notifier applies it when it writes the delivery. The parts holding these
   * deliveries are locked first (the notifier locks its part before reading the waiting statuses), so a status
   * either waits before the notifier reads, or finds its delivery written. Returns the delivery ids held back.
   */
  async holdEarlyActions(tx: Sql, provider: string, channel: ChannelKind, actions: readonly DeliveryAction[]): Promise<Set<number>> {
    if (actions.length === 0) return new Set();
    const ids = actions.map((a) => a.deliveryId);
    const inParts = await tx.rows('SELECT id FROM audience_parts WHERE delivery_ids && $1::bigint[] ORDER BY id FOR KEY SHARE', [ids]);
    if (inParts.length === 0) return new Set();
    const held = await tx.rows<{ delivery_id: number }>(
      `INSERT INTO early_delivery_events (delivery_id, provider, channel, action, reason, occurred_at, provider_message_id)
       SELECT v.id, $6, $7, v.action, v.reason, v.at, v.mid
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) AS v(id, action, reason, at, mid)
       WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = v.id)
         AND EXISTS (SELECT 1 FROM audience_parts p WHERE v.id = ANY(p.delivery_ids))
       RETURNING delivery_id`,
      [ids, actions.map((a) => a.action), actions.map((a) => a.reason), actions.map((a) => a.occurredAt), actions.map((a) => a.providerMessageId), provider, channel],
    );
    return new Set(held.map((r) => Number(r.delivery_id)));
  }

  /**
   * Applies delivery statuses set-wise, to deliveries of `channel` last handed to `provider` (or in flight
   * on their first attempt, provider not yet recorded):
   *
   * - delivered: `sent`/`sending` → `delivered` (delivered_at = the event's time, else now).
   * - failed (bounce, dropped, undelivered): `sent`/`sending`/`delivered` (a late bounce) → the fan-out's
   *   permanent failure, mirrored from DeliveryRepository.recordOutcomes: the next step of the chain the
   *   subject is reachable on (queued at once, attempts 0), else `unreachable`; `cancelled` when the campaign
   *   is; `tried` gets {channel, reason, at}. sent_at/delivered_at are cleared: the person was not reached.
   * - config (our account or sender setup): `sent`/`sending` → queued again on the same channel in 60 s,
   *   the failed attempt not counted, as the fan-out does; the caller pauses the channel.
   *
   * A `sending` row (a retry claimed from the queue) is a webhook that overtook the notifier's own record of
   * the send: the notifier only writes outcomes on rows it still leases, so the lease is released here and its
   * later write is skipped. (A first attempt has no row until it is recorded: see holdEarlyActions.)
   * Rows are locked in id order first, so concurrent posts do not deadlock one another.
   */
  async applyActions(tx: Sql, provider: string, channel: ChannelKind, actions: readonly DeliveryAction[]): Promise<AppliedAction[]> {
    if (actions.length === 0) return [];
    const ids = actions.map((a) => a.deliveryId);
    await tx.rows('SELECT id FROM deliveries WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [ids]);
    return tx.rows<AppliedAction>(
      `WITH v AS (
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) AS v(id, action, reason, at, mid)
       ), x AS (
         SELECT d.id, v.action, v.reason, v.at, v.mid, c.channel_chain, c.status AS campaign_status,
                CASE WHEN v.action = 'failed' THEN next_reachable_step(c.channel_chain, d.step, s) END AS next_step
         FROM v
         JOIN deliveries d ON d.id = v.id
         JOIN notice_campaigns c ON c.id = d.campaign_id
         JOIN affected_subjects s ON s.id = d.subject_id
         WHERE d.channel = $6
           AND (d.provider = $7 OR (d.provider IS NULL AND d.state = 'sending'))
           AND CASE v.action
                 WHEN 'delivered' THEN d.state IN ('sent', 'sending')
                 WHEN 'failed' THEN d.state IN ('sent', 'sending', 'delivered')
                 WHEN 'config' THEN d.state IN ('sent', 'sending')
                 ELSE false END
       )
       UPDATE deliveries d SET
         state = CASE
           WHEN x.action = 'delivered' THEN 'delivered'
           WHEN x.campaign_status = 'cancelled' THEN 'cancelled'
           WHEN x.action = 'config' THEN 'queued'
           WHEN x.next_step IS NOT NULL THEN 'queued'
           ELSE 'unreachable' END,
         step = CASE WHEN x.action = 'failed' AND x.next_step IS NOT NULL THEN x.next_step ELSE d.step END,
         channel = CASE WHEN x.action = 'failed' AND x.next_step IS NOT NULL THEN x.channel_chain[x.next_step] ELSE d.channel END,
         attempts = CASE WHEN x.action = 'failed' THEN 0 WHEN x.action = 'config' THEN greatest(d.attempts - 1, 0) ELSE d.attempts END,
         next_attempt_at = CASE WHEN x.action = 'failed' THEN now()
                                WHEN x.action = 'config' THEN now() + make_interval(secs => $8)
                                ELSE d.next_attempt_at END,
         provider = $7,
         provider_message_id = CASE WHEN x.action = 'delivered' THEN coalesce(d.provider_message_id, x.mid) ELSE d.provider_message_id END,
         sent_at = CASE WHEN x.action = 'delivered' THEN coalesce(d.sent_at, x.at, now()) END,
         delivered_at = CASE WHEN x.action = 'delivered' THEN coalesce(x.at, now()) END,
         lease_owner = NULL,
         lease_until = NULL,
         tried = CASE WHEN x.action = 'failed'
           THEN d.tried || jsonb_build_array(jsonb_build_object('channel', d.channel, 'reason', x.reason, 'at', now()))
           ELSE d.tried END,
         updated_at = now()
       FROM x WHERE d.id = x.id
       RETURNING d.id, x.action, d.state`,
      [
        ids,
        actions.map((a) => a.action),
        actions.map((a) => a.reason),
        actions.map((a) => a.occurredAt),
        actions.map((a) => a.providerMessageId),
        channel,
        provider,
        CONFIG_ERROR_PAUSE_MS / 1000,
      ],
    );
  }

  /** Completed campaigns that have a delivery queued again go back to running; returns them. */
  reopenCompletedCampaigns(tx: Sql, deliveryIds: readonly number[]): Promise<{ id: string; incident_id: string }[]> {
    if (deliveryIds.length === 0) return Promise.resolve([]);
    return tx.rows(
      `UPDATE notice_campaigns SET status = 'running', finished_at = NULL, updated_at = now()
       WHERE status = 'completed' AND id IN (SELECT DISTINCT campaign_id FROM deliveries WHERE id = ANY($1::bigint[]))
       RETURNING id, incident_id`,
      [deliveryIds],
    );
  }

  /**
   * Stops a channel whose provider refuses our account or sender, with one critical alert, exactly as the
   * notifier's DeliveryRepository.pauseChannel does (an operator fixes the setup, then resumes the channel).
   */
  async pauseChannel(tx: Sql, channel: ChannelKind, provider: string, reason: string): Promise<boolean> {
    const paused = await tx.rows(
      `INSERT INTO channel_pauses (channel, provider, reason) VALUES ($1, $2, $3) ON CONFLICT (channel) DO NOTHING RETURNING 1`,
      [channel, provider, reason],
    );
    if (paused.length === 0) return false;
    await tx.rows(
      `INSERT INTO alerts (kind, severity, message, dedupe_key) VALUES ('channel_stopped', 'critical', $1, $2)
       ON CONFLICT (dedupe_key) DO NOTHING`,
      [`The ${channel} channel (${provider}) was stopped: ${reason} (reported by the provider's webhook). Fix the configuration, then resume the channel.`,
        `channel_stopped:${channel}:${Date.now()}`],
    );
    return true;
  }
}
