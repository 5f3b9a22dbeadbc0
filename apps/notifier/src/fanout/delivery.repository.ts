import { Inject, Injectable } from '@nestjs/common';
import { Database, type Sql } from '#database';
import type { ChannelKind } from '#channels';

export interface ClaimedDelivery {
  id: number;
  campaign_id: string;
  step: number;
  channel: ChannelKind;
  attempts: number;
  notice_token: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  push_tokens: string[];
  postal_address: string | null;
  language: string | null;
  is_minor: boolean;
  guardian_name: string | null;
  guardian_email: string | null;
  guardian_phone: string | null;
}

/** One provider outcome, reduced to what the database needs. */
export interface RecordedOutcome {
  id: number;
  result: 'sent' | 'retry' | 'permanent' | 'config';
  reason: string | null;
  delayMs: number;
  providerMessageId: string | null;
  /** The provider that handled it (`print-queue` makes a sent letter wait in `printing`). */
  provider: string;
}

interface ExpandingCampaign {
  id: string;
  incident_id: string;
  audience: { kind: 'all' } | { kind: 'filter'; jurisdictions?: string[]; dataCategories?: string[] };
  channel_chain: ChannelKind[];
  /** The last external reference expanded (compared bytewise); null before the first part. */
  expanded_through_ref: string | null;
}

// 244 bits from the server's strong random source (two v4 UUIDs): the notice link cannot be guessed.
const NOTICE_TOKEN_SQL = `replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`;

/** The notifier's SQL: set-wise expansion, SKIP LOCKED claims with leases, set-wise outcomes. */
@Injectable()
export class DeliveryRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  /** Approved campaigns become running; returns their ids. */
  startApproved(tx: Sql): Promise<{ id: string; incident_id: string }[]> {
    return tx.rows(
      `UPDATE notice_campaigns SET status = 'running', started_at = now(), updated_at = now()
       WHERE status = 'approved' RETURNING id, incident_id`,
    );
  }

  /**
   * The first attempt's claim and the expansion in one statement: the next `limit` subjects of a running
   * campaign's audience become deliveries already leased to this worker (`sending`, attempt 1) on the first
   * channel of the chain that reaches them; those with none are unreachable at once, and those whose channel is
   * in `held` (paused) wait `queued` for the channel's own loops. A claim that follows an expansion rewrites
   * every row once more (and inserts into four indexes again); most people are reached on their first attempt,
   * so only retries, fallbacks and requeued rows take that path.
   *
   * Expanders of one campaign take turns on its row (FOR NO KEY UPDATE: the deliveries' reference check only
   * takes KEY SHARE on it); returns undefined when the campaign is no longer running or fully expanded.
   */
  async expandLeased(campaignId: string, limit: number, workerId: string, leaseSeconds: number, held: readonly ChannelKind[]): Promise<
    { claimed: ClaimedDelivery[]; selected: number; inserted: number; done: boolean } | undefined
  > {
    return this.db.transaction(async (tx) => {
      const campaign = await tx.one<ExpandingCampaign>(
        `SELECT id, incident_id, audience, channel_chain, expanded_through_ref FROM notice_campaigns
         WHERE id = $1 AND status = 'running' AND expanded_at IS NULL FOR NO KEY UPDATE`,
        [campaignId],
      );
      if (!campaign) return undefined;
      const filter = campaign.audience.kind === 'filter' ? campaign.audience : { jurisdictions: [], dataCategories: [] };
      // In reference order, from the unique index on (incident_id, external_ref "C").
      const rows = await tx.rows<ClaimedDelivery & { selected: number; inserted: number; last_ref: string | null }>(
        `WITH chunk AS MATERIALIZED (
           SELECT s.id, s.external_ref, s.name, s.email, s.phone, s.push_tokens, s.postal_address, s.language, s.is_minor,
                  s.guardian_name, s.guardian_email, s.guardian_phone, next_reachable_step($3::text[], 0, s) AS step
           FROM affected_subjects s
           WHERE s.incident_id = $2 AND ($4::text IS NULL OR s.external_ref COLLATE "C" > $4::text)
             AND (cardinality($6::text[]) = 0 OR s.country = ANY($6) OR s.region = ANY($6))
             AND (cardinality($7::text[]) = 0 OR s.data_categories && $7::text[])
           ORDER BY s.external_ref COLLATE "C" LIMIT $5
         ), planned AS (
           SELECT id, step, ($3::text[])[step] AS channel,
                  CASE WHEN step IS NULL THEN 'unreachable' WHEN ($3::text[])[step] = ANY($8::text[]) THEN 'queued' ELSE 'sending' END AS state
           FROM chunk
         ), ins AS (
           INSERT INTO deliveries (campaign_id, subject_id, state, step, channel, attempts, lease_owner, lease_until, notice_token, tried)
           SELECT $1, id, state, step, channel,
                  CASE WHEN state = 'sending' THEN 1 ELSE 0 END,
                  CASE WHEN state = 'sending' THEN $9::uuid END,
                  CASE WHEN state = 'sending' THEN now() + make_interval(secs => $10) END,
                  ${NOTICE_TOKEN_SQL},
                  CASE WHEN step IS NULL THEN jsonb_build_array(jsonb_build_object('channel', null, 'reason', 'no_contact_for_chain', 'at', now())) ELSE '[]'::jsonb END
           FROM planned
           ON CONFLICT (campaign_id, subject_id) DO NOTHING
           RETURNING id, subject_id, state, step, channel, attempts, notice_token
         ), links AS (
           INSERT INTO notice_links (token, delivery_id) SELECT notice_token, id FROM ins
         ), totals AS (
           SELECT (SELECT count(*) FROM chunk)::int AS selected, (SELECT max(external_ref COLLATE "C") FROM chunk) AS last_ref,
                  (SELECT count(*) FROM ins)::int AS inserted
         )
         SELECT t.selected, t.inserted, t.last_ref, l.*
         FROM totals t LEFT JOIN (
           SELECT ins.id, $1::uuid AS campaign_id, ins.step, ins.channel, ins.attempts, ins.notice_token,
                  c.name, c.email, c.phone, c.push_tokens, c.postal_address, c.language, c.is_minor,
                  c.guardian_name, c.guardian_email, c.guardian_phone
           FROM ins JOIN chunk c ON c.id = ins.subject_id
           WHERE ins.state = 'sending'
         ) l ON true`,
        [campaign.id, campaign.incident_id, campaign.channel_chain, campaign.expanded_through_ref, limit,
          filter.jurisdictions ?? [], filter.dataCategories ?? [], held, workerId, leaseSeconds],
      );
      const totals = rows[0]!;
      const done = totals.selected < limit;
      await tx.rows(
        `UPDATE notice_campaigns SET expanded_through_ref = coalesce($2, expanded_through_ref), expanded_at = CASE WHEN $3 THEN now() END,
                expanded_count = expanded_count + $4
         WHERE id = $1`,
        [campaign.id, totals.last_ref, done, totals.inserted],
      );
      const claimed = totals.id === null ? [] : rows.map(({ selected: _s, inserted: _i, last_ref: _l, ...d }) => d);
      return { claimed, selected: totals.selected, inserted: totals.inserted, done };
    });
  }

  /** Running campaigns whose audience is not fully expanded yet, oldest first. */
  async expandingCampaigns(): Promise<string[]> {
    const rows = await this.db.rows<{ id: string }>(
      `SELECT id FROM notice_campaigns WHERE status = 'running' AND expanded_at IS NULL ORDER BY started_at, id`);
    return rows.map((r) => r.id);
  }

  /** Claims up to `limit` due deliveries of one channel with a lease; skips rows other workers hold. */
  claim(channel: ChannelKind, limit: number, workerId: string, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    return this.db.rows<ClaimedDelivery>(
      `WITH picked AS (
         SELECT id FROM deliveries
         WHERE state = 'queued' AND channel = $1 AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE deliveries d
       SET state = 'sending', lease_owner = $3, lease_until = now() + make_interval(secs => $4),
           attempts = d.attempts + 1, updated_at = now()
       FROM picked, affected_subjects s
       WHERE d.id = picked.id AND s.id = d.subject_id
       RETURNING d.id, d.campaign_id, d.step, d.channel, d.attempts, d.notice_token,
                 s.name, s.email, s.phone, s.push_tokens, s.postal_address, s.language, s.is_minor,
                 s.guardian_name, s.guardian_email, s.guardian_phone`,
      [channel, limit, workerId, leaseSeconds],
    );
  }

  /**
   * Writes a batch of outcomes in one statement. Only rows this worker still leases are touched: a worker
   * whose lease ran out (and whose row went to someone else) cannot overwrite the other's result.
   * A permanent failure moves the subject to the next channel it can be reached on, or makes it unreachable.
   */
  async recordOutcomes(workerId: string, outcomes: readonly RecordedOutcome[]): Promise<number> {
    if (outcomes.length === 0) return 0;
    const rows = await this.db.rows<{ id: number }>(
      `WITH v AS (
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $7::text[]) AS v(id, result, reason, delay_ms, mid, provider)
       ), held AS MATERIALIZED (
         -- The batch's own rows, each found by its primary key, and where each lies (ctid) so the update below
         -- goes straight there. Left to itself the planner goes wrong while a big campaign's statistics lag
         -- behind it: from the rows in flight with the batch rescanned for each of them (measured: 3,200 x 500
         -- comparisons, 0.5 s a batch), or a sequential scan of the campaign for the update. OFFSET 0 keeps the
         -- lateral subquery from being flattened into a join the planner could reorder.
         SELECT d.id, d.ctid AS row_ctid, d.campaign_id, d.subject_id, d.step, v.result, v.reason, v.delay_ms, v.mid, v.provider
         FROM v CROSS JOIN LATERAL (SELECT ctid, * FROM deliveries d WHERE d.id = v.id OFFSET 0) d
         WHERE d.state = 'sending' AND d.lease_owner = $6
       ), x AS (
         SELECT h.id, h.result, h.reason, h.delay_ms, h.mid, h.provider, c.channel_chain, c.status AS campaign_status,
                CASE WHEN h.result = 'permanent'
                  THEN (SELECT next_reachable_step(c.channel_chain, h.step, s) FROM affected_subjects s WHERE s.id = h.subject_id) END AS next_step
         FROM held h
         JOIN notice_campaigns c ON c.id = h.campaign_id
       )
       UPDATE deliveries d SET
         state = CASE
           WHEN x.result = 'sent' AND x.provider = 'print-queue' THEN 'printing'
           WHEN x.result = 'sent' THEN 'sent'
           WHEN x.campaign_status = 'cancelled' THEN 'cancelled'
           WHEN x.result IN ('retry', 'config') THEN 'queued'
           WHEN x.next_step IS NOT NULL THEN 'queued'
           ELSE 'unreachable' END,
         step = CASE WHEN x.result = 'permanent' AND x.next_step IS NOT NULL THEN x.next_step ELSE d.step END,
         channel = CASE WHEN x.result = 'permanent' AND x.next_step IS NOT NULL THEN x.channel_chain[x.next_step] ELSE d.channel END,
         attempts = CASE WHEN x.result = 'permanent' THEN 0 WHEN x.result = 'config' THEN d.attempts - 1 ELSE d.attempts END,
         next_attempt_at = now() + x.delay_ms * interval '1 millisecond',
         provider = x.provider,
         provider_message_id = CASE WHEN x.result = 'sent' THEN x.mid ELSE d.provider_message_id END,
         sent_at = CASE WHEN x.result = 'sent' AND x.provider <> 'print-queue' THEN now() ELSE d.sent_at END,
         lease_owner = NULL,
         lease_until = NULL,
         tried = CASE WHEN x.result = 'permanent'
           THEN d.tried || jsonb_build_array(jsonb_build_object('channel', d.channel, 'reason', x.reason, 'at', now()))
           ELSE d.tried END,
         updated_at = now()
       -- A row changed by someone else since it was read (a webhook, the reaper) has a new ctid: it is skipped.
       FROM x WHERE d.ctid = ANY (ARRAY(SELECT row_ctid FROM held)) AND d.id = x.id
       RETURNING d.id`,
      [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.result),
        outcomes.map((o) => o.reason),
        outcomes.map((o) => Math.max(0, Math.round(o.delayMs))),
        outcomes.map((o) => o.providerMessageId),
        workerId,
        outcomes.map((o) => o.provider),
      ],
    );
    return rows.length;
  }

  /** Extends this worker's leases on rows it is still sending (a slow provider is not a dead worker). */
  async renewLeases(ids: readonly number[], workerId: string, leaseSeconds: number): Promise<number> {
    const rows = await this.db.rows(
      `UPDATE deliveries SET lease_until = now() + make_interval(secs => $3)
       WHERE id = ANY($1::bigint[]) AND state = 'sending' AND lease_owner = $2 RETURNING 1`,
      [ids, workerId, leaseSeconds],
    );
    return rows.length;
  }

  /** Rows whose worker died (lease ran out) go back to the queue; each may have been sent once already. */
  async reapExpiredLeases(): Promise<number> {
    const rows = await this.db.rows(
      `UPDATE deliveries SET state = 'queued', lease_owner = NULL, lease_until = NULL,
              lease_expiries = lease_expiries + 1, next_attempt_at = now(), updated_at = now()
       WHERE state = 'sending' AND lease_until < now() RETURNING 1`,
    );
    return rows.length;
  }

  /** Nothing more goes out for cancelled campaigns; in-flight batches finish and record their result. */
  async cancelQueued(): Promise<number> {
    const rows = await this.db.rows(
      `UPDATE deliveries d SET state = 'cancelled', updated_at = now()
       FROM notice_campaigns c
       WHERE c.status = 'cancelled' AND d.campaign_id = c.id AND d.state = 'queued' RETURNING 1`,
    );
    return rows.length;
  }

  /** Running campaigns that are fully expanded and have nothing queued, in flight or waiting to be printed. */
  finishedCampaigns(): Promise<{ id: string; incident_id: string }[]> {
    return this.db.rows(
      `SELECT c.id, c.incident_id FROM notice_campaigns c
       WHERE c.status = 'running' AND c.expanded_at IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.campaign_id = c.id AND d.state IN ('queued', 'sending', 'printing'))`,
    );
  }

  async complete(tx: Sql, campaignId: string, summary: unknown): Promise<boolean> {
    const rows = await tx.rows(
      `UPDATE notice_campaigns SET status = 'completed', finished_at = now(), summary = $2, updated_at = now()
       WHERE id = $1 AND status = 'running' RETURNING 1`,
      [campaignId, JSON.stringify(summary)],
    );
    return rows.length === 1;
  }

  async pausedChannels(): Promise<Set<string>> {
    const rows = await this.db.rows<{ channel: string }>('SELECT channel FROM channel_pauses');
    return new Set(rows.map((r) => r.channel));
  }

  async pauseChannel(channel: ChannelKind, provider: string, reason: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const paused = await tx.rows(
        `INSERT INTO channel_pauses (channel, provider, reason) VALUES ($1, $2, $3) ON CONFLICT (channel) DO NOTHING RETURNING 1`,
        [channel, provider, reason],
      );
      if (paused.length) {
        await tx.rows(
          `INSERT INTO alerts (kind, severity, message, dedupe_key) VALUES ('channel_stopped', 'critical', $1, $2)
           ON CONFLICT (dedupe_key) DO NOTHING`,
          [`The ${channel} channel (${provider}) was stopped: ${reason}. Fix the configuration, then resume the channel.`, `channel_stopped:${channel}:${Date.now()}`],
        );
      }
    });
  }
}
