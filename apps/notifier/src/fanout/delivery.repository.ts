import { Inject, Injectable } from '@nestjs/common';
import { arrayLiteral, Database, type Sql } from '#database';
import type { ChannelKind } from '#channels';
import { CONFIG_ERROR_PAUSE_MS, noticeToken, noticeTokens } from '#domain';

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

/** A channel of the chain that failed a person for good, as `deliveries.tried` keeps it. */
export interface TriedChannel {
  channel: ChannelKind;
  reason: string | null;
  at: string;
}

/** One person of a leased audience part: a delivery not written yet, its id drawn when the part was leased. */
export interface PartMember extends ClaimedDelivery {
  subject_id: number;
  /** Channels that already failed them for good while the part was sent (they moved on to `step`). */
  tried?: TriedChannel[];
}

/**
 * A part of a campaign's audience leased to one worker: the people it sends to on their first attempt. Their
 * deliveries are written once, with the outcome (`recordPart`); until then they exist only here.
 */
export interface LeasedPart {
  id: number;
  campaignId: string;
  campaignStatus: string;
  chain: ChannelKind[];
  /** Everyone of the part not recorded yet (all of it, unless a worker died holding it), in reference order. */
  members: PartMember[];
  /** Times a worker died holding this part: its people may have been sent to before. */
  leaseExpiries: number;
}

/** An outcome of a part member: the provider's, or `held` (channel paused) / `unreachable` (no channel reaches them). */
export interface PartOutcome extends Omit<RecordedOutcome, 'result'> {
  result: RecordedOutcome['result'] | 'held' | 'unreachable' | 'delivered';
  /** When a provider status overtook the record: when it was delivered. */
  at?: Date | null;
}

interface EarlyEvent {
  delivery_id: number;
  provider: string;
  action: 'delivered' | 'failed' | 'config';
  reason: string | null;
  occurred_at: Date | null;
  provider_message_id: string | null;
}

interface PartCampaign {
  id: string;
  incident_id: string;
  status: string;
  audience: { kind: 'all' } | { kind: 'filter'; jurisdictions?: string[]; dataCategories?: string[] };
  channel_chain: ChannelKind[];
  link_key: Buffer;
  /** The last external reference expanded (compared bytewise); null before the first part. */
  expanded_through_ref: string | null;
}

/** What the lease statements select for each member after its delivery id, subject id and step, in this order. */
const MEMBER_COLUMNS = `s.name, s.email, s.phone, s.push_tokens, s.postal_address, s.language, s.is_minor,
                        s.guardian_name, s.guardian_email, s.guardian_phone`;
type MemberTuple = [
  id: number, subject_id: number, step: number | null, name: string | null, email: string | null, phone: string | null, push_tokens: string[],
  postal_address: string | null, language: string | null, is_minor: boolean, guardian_name: string | null, guardian_email: string | null,
  guardian_phone: string | null,
];

/** The notifier's SQL: audience parts leased and written once, SKIP LOCKED claims with leases, set-wise outcomes. */
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
   * Leases the next `limit` people of a running campaign's audience (in reference order) as a new part, with
   * a delivery id drawn for each; nothing is written to `deliveries` until the part is recorded. Expanders of
   * one campaign take turns on its row (FOR NO KEY UPDATE). Returns undefined when the campaign is no longer
   * running or is fully expanded; a part without members when the last part came out empty.
   */
  async leaseNextPart(campaignId: string, limit: number, workerId: string, leaseSeconds: number): Promise<(LeasedPart & { done: boolean }) | undefined> {
    return this.db.transaction(async (tx) => {
      const campaign = await tx.one<PartCampaign>(
        `SELECT id, incident_id, status, audience, channel_chain, link_key, expanded_through_ref FROM notice_campaigns
         WHERE id = $1 AND status = 'running' AND expanded_at IS NULL FOR NO KEY UPDATE`,
        [campaignId],
      );
      if (!campaign) return undefined;
      const filter = campaign.audience.kind === 'filter' ? campaign.audience : { jurisdictions: [], dataCategories: [] };
      // In reference order, from the unique index on (incident_id, external_ref "C"); the ids are drawn after the
      // limit (an outer query), so a part uses exactly as many as it has people.
      const rows = await tx.tuples<[...MemberTuple, part_id: number | null, last_ref: string | null]>(
        `WITH chunk AS MATERIALIZED (
           SELECT s.id AS subject_id, s.external_ref, ${MEMBER_COLUMNS}, next_reachable_step($3::text[], 0, s) AS step
           FROM affected_subjects s
           WHERE s.incident_id = $2 AND ($4::text IS NULL OR s.external_ref COLLATE "C" > $4::text)
             AND (cardinality($6::text[]) = 0 OR s.country = ANY($6) OR s.region = ANY($6))
             AND (cardinality($7::text[]) = 0 OR s.data_categories && $7::text[])
           ORDER BY s.external_ref COLLATE "C" LIMIT $5
         ), numbered AS MATERIALIZED (
           SELECT c.*, nextval('deliveries_id_seq'::regclass) AS id, row_number() OVER () AS ord FROM chunk c
         ), part AS (
           INSERT INTO audience_parts (campaign_id, subject_ids, delivery_ids, planned, lease_owner, lease_until)
           SELECT $1, array_agg(subject_id ORDER BY ord), array_agg(id ORDER BY ord),
                  (SELECT jsonb_object_agg(coalesce(($3::text[])[step], 'none'), n) FROM (SELECT step, count(*) AS n FROM numbered GROUP BY step) g),
                  $8, now() + make_interval(secs => $9)
           FROM numbered HAVING count(*) > 0
           RETURNING id
         )
         SELECT n.id, n.subject_id, n.step, n.name, n.email, n.phone, n.push_tokens, n.postal_address, n.language, n.is_minor, n.guardian_name,
                n.guardian_email, n.guardian_phone, (SELECT id FROM part) AS part_id, (SELECT max(external_ref COLLATE "C") FROM chunk) AS last_ref
         FROM (SELECT 1) one LEFT JOIN numbered n ON true ORDER BY n.ord`,
        [campaign.id, campaign.incident_id, campaign.channel_chain, campaign.expanded_through_ref, limit,
          filter.jurisdictions ?? [], filter.dataCategories ?? [], workerId, leaseSeconds],
      );
      const [partId, lastRef] = rows[0]!.slice(13) as [number | null, string | null];
      const selected = partId === null ? 0 : rows.length;
      const done = selected < limit;
      await tx.rows(
        `UPDATE notice_campaigns SET expanded_through_ref = coalesce($2, expanded_through_ref), expanded_at = CASE WHEN $3 THEN now() END,
                expanded_count = expanded_count + $4
         WHERE id = $1`,
        [campaign.id, lastRef, done, selected],
      );
      const members = selected === 0 ? [] : asMembers(campaign, rows);
      return { id: partId ?? 0, campaignId: campaign.id, campaignStatus: campaign.status, chain: campaign.channel_chain, members, leaseExpiries: 0, done };
    });
  }

  /**
   * Takes over one part whose worker died (its lease ran out), with the people it had not recorded yet; they
   * may have been sent to already, so the part's lease_expiries goes up (and is written on their deliveries).
   */
  async leaseExpiredPart(workerId: string, leaseSeconds: number): Promise<LeasedPart | undefined> {
    return this.db.transaction(async (tx) => {
      const part = await tx.one<{ id: number; campaign_id: string; subject_ids: string[]; delivery_ids: string[]; lease_expiries: number }>(
        `UPDATE audience_parts SET lease_owner = $1, lease_until = now() + make_interval(secs => $2), lease_expiries = lease_expiries + 1
         WHERE id = (SELECT id FROM audience_parts WHERE lease_until < now() ORDER BY lease_until LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id, campaign_id, subject_ids, delivery_ids, lease_expiries`,
        [workerId, leaseSeconds],
      );
      if (!part) return undefined;
      const campaign = (await tx.one<PartCampaign>(
        'SELECT id, incident_id, status, audience, channel_chain, link_key, expanded_through_ref FROM notice_campaigns WHERE id = $1', [part.campaign_id]))!;
      const rows = await tx.tuples<MemberTuple>(
        `SELECT m.id, m.subject_id, next_reachable_step($3::text[], 0, s) AS step, ${MEMBER_COLUMNS}
         FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS m(subject_id, id, ord)
         JOIN affected_subjects s ON s.id = m.subject_id
         WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = m.id)
         ORDER BY m.ord`,
        [part.subject_ids, part.delivery_ids, campaign.channel_chain],
      );
      return {
        id: part.id, campaignId: campaign.id, campaignStatus: campaign.status, chain: campaign.channel_chain, members: asMembers(campaign, rows), leaseExpiries: part.lease_expiries,
      };
    });
  }

  /** Keeps a part leased while it is sent (a slow provider is not a dead worker); false when it is no longer ours. */
  async renewPartLease(partId: number, workerId: string, leaseSeconds: number): Promise<boolean> {
    const rows = await this.db.rows(
      'UPDATE audience_parts SET lease_until = now() + make_interval(secs => $3) WHERE id = $1 AND lease_owner = $2 RETURNING 1',
      [partId, workerId, leaseSeconds],
    );
    return rows.length === 1;
  }

  /**
   * Writes the deliveries of a part's members with their outcomes, in one statement; when `complete` (every
   * member has an outcome) the part goes in the same transaction. Members left out stay with the part, which
   * is leased again once its lease runs out. Deliveries already written (by a worker that took the part over)
   * are left as they are. A provider status that arrived before this record (see WebhookRepository) is applied
   * to its outcome here. Returns the number of deliveries written.
   */
  async recordPart(part: LeasedPart, workerId: string, outcomes: readonly PartOutcome[], complete: boolean): Promise<number> {
    return this.db.transaction(async (tx) => {
      // The part's row is locked first: a webhook that finds its delivery still in this part holds it too
      // (FOR KEY SHARE), so either its early event is committed before the read below, or it sees the
      // deliveries this transaction writes.
      if (complete) await tx.rows('DELETE FROM audience_parts WHERE id = $1 AND lease_owner = $2', [part.id, workerId]);
      else await tx.rows('SELECT 1 FROM audience_parts WHERE id = $1 FOR UPDATE', [part.id]);
      if (outcomes.length === 0) return 0;
      const early = await tx.rows<EarlyEvent>(
        `DELETE FROM early_delivery_events WHERE delivery_id = ANY($1::bigint[])
         RETURNING delivery_id, provider, action, reason, occurred_at, provider_message_id`,
        [arrayLiteral(outcomes.map((o) => o.id))],
      );
      const final = early.length ? withEarlyEvents(outcomes, early) : outcomes;
      const members = new Map(part.members.map((m) => [m.id, m]));
      const rows = await tx.rows<{ id: number }>(
        `WITH v AS (
           SELECT * FROM unnest($2::bigint[], $3::bigint[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::timestamptz[], $12::jsonb[])
             AS v(id, subject_id, step, result, reason, delay_ms, mid, provider, at, tried)
         ), x AS (
           SELECT v.*, c.status AS campaign_status, c.channel_chain, c.channel_chain[v.step] AS channel,
                  CASE WHEN v.result = 'permanent'
                    THEN (SELECT next_reachable_step(c.channel_chain, v.step, s) FROM affected_subjects s WHERE s.id = v.subject_id) END AS next_step
           FROM v CROSS JOIN notice_campaigns c WHERE c.id = $1
         )
         INSERT INTO deliveries (id, campaign_id, subject_id, state, step, channel, attempts, next_attempt_at, provider, provider_message_id,
                                 sent_at, delivered_at, tried, lease_expiries)
         SELECT x.id, $1, x.subject_id,
           CASE
             WHEN x.result = 'delivered' THEN 'delivered'
             WHEN x.result = 'sent' AND x.provider = 'print-queue' THEN 'printing'
             WHEN x.result = 'sent' THEN 'sent'
             WHEN x.result = 'unreachable' THEN 'unreachable'
             WHEN x.campaign_status = 'cancelled' THEN 'cancelled'
             WHEN x.result IN ('retry', 'config', 'held') THEN 'queued'
             WHEN x.next_step IS NOT NULL THEN 'queued'
             ELSE 'unreachable' END,
           CASE WHEN x.result = 'permanent' AND x.next_step IS NOT NULL THEN x.next_step ELSE x.step END,
           CASE WHEN x.result = 'permanent' AND x.next_step IS NOT NULL THEN x.channel_chain[x.next_step] ELSE x.channel END,
           CASE WHEN x.result IN ('sent', 'delivered', 'retry') THEN 1 ELSE 0 END,
           now() + x.delay_ms * interval '1 millisecond',
           CASE WHEN x.result IN ('held', 'unreachable') THEN NULL ELSE x.provider END,
           CASE WHEN x.result IN ('sent', 'delivered') THEN x.mid END,
           CASE WHEN x.result IN ('sent', 'delivered') AND x.provider <> 'print-queue' THEN now() END,
           CASE WHEN x.result = 'delivered' THEN coalesce(x.at, now()) END,
           coalesce(x.tried, '[]'::jsonb) || CASE
             WHEN x.result = 'unreachable' THEN jsonb_build_array(jsonb_build_object('channel', null, 'reason', x.reason, 'at', now()))
             WHEN x.result = 'permanent' THEN jsonb_build_array(jsonb_build_object('channel', x.channel, 'reason', x.reason, 'at', now()))
             ELSE '[]'::jsonb END,
           $11
         FROM x
         ON CONFLICT DO NOTHING
         RETURNING id`,
        [
          part.campaignId,
          arrayLiteral(final.map((o) => o.id)),
          arrayLiteral(final.map((o) => members.get(o.id)!.subject_id)),
          arrayLiteral(final.map((o) => members.get(o.id)!.step)),
          arrayLiteral(final.map((o) => o.result)),
          arrayLiteral(final.map((o) => o.reason)),
          arrayLiteral(final.map((o) => Math.max(0, Math.round(o.delayMs)))),
          arrayLiteral(final.map((o) => o.providerMessageId)),
          arrayLiteral(final.map((o) => o.provider)),
          arrayLiteral(final.map((o) => o.at?.toISOString() ?? null)),
          part.leaseExpiries,
          arrayLiteral(final.map((o) => { const tried = members.get(o.id)!.tried; return tried ? JSON.stringify(tried) : null; })),
        ],
      );
      return rows.length;
    });
  }

  /** Running campaigns whose audience is not fully expanded yet, oldest first. */
  async expandingCampaigns(): Promise<string[]> {
    const rows = await this.db.rows<{ id: string }>(
      `SELECT id FROM notice_campaigns WHERE status = 'running' AND expanded_at IS NULL ORDER BY started_at, id`);
    return rows.map((r) => r.id);
  }

  /** Claims up to `limit` due deliveries of one channel with a lease; skips rows other workers hold. */
  async claim(channel: ChannelKind, limit: number, workerId: string, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    const rows = await this.db.tuples<[...MemberTuple, campaign_id: string, channel: ChannelKind, attempts: number, notice_token: string | null, link_key: Buffer]>(
      `WITH picked AS (
         SELECT id FROM deliveries
         WHERE state = 'queued' AND channel = $1 AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE deliveries d
       SET state = 'sending', lease_owner = $3, lease_until = now() + make_interval(secs => $4),
           attempts = d.attempts + 1, updated_at = now()
       FROM picked, affected_subjects s, notice_campaigns c
       WHERE d.id = picked.id AND s.id = d.subject_id AND c.id = d.campaign_id
       RETURNING d.id, d.subject_id, d.step, ${MEMBER_COLUMNS}, d.campaign_id, d.channel, d.attempts, d.notice_token, c.link_key`,
      [channel, limit, workerId, leaseSeconds],
    );
    return rows.map((r): ClaimedDelivery => ({
      ...memberOf(r),
      campaign_id: r[13], channel: r[14], attempts: r[15],
      // Deliveries written before links were derived keep the token they were sent with.
      notice_token: r[16] ?? noticeToken(r[17], r[0]),
    }));
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
        arrayLiteral(outcomes.map((o) => o.id)),
        arrayLiteral(outcomes.map((o) => o.result)),
        arrayLiteral(outcomes.map((o) => o.reason)),
        arrayLiteral(outcomes.map((o) => Math.max(0, Math.round(o.delayMs)))),
        arrayLiteral(outcomes.map((o) => o.providerMessageId)),
        workerId,
        arrayLiteral(outcomes.map((o) => o.provider)),
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
         AND NOT EXISTS (SELECT 1 FROM audience_parts p WHERE p.campaign_id = c.id)
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

/**
 * Provider statuses that overtook the record of their send, applied to the outcomes in the order they came:
 * delivered or failed only follow a send through the same provider (a bounce after delivered still wins).
 */
function withEarlyEvents(outcomes: readonly PartOutcome[], events: readonly EarlyEvent[]): PartOutcome[] {
  const byId = new Map<number, PartOutcome>(outcomes.map((o) => [o.id, { ...o }]));
  for (const e of events) {
    const o = byId.get(Number(e.delivery_id));
    if (!o || o.provider !== e.provider || (o.result !== 'sent' && o.result !== 'delivered')) continue;
    if (e.action === 'delivered' && o.result === 'sent') {
      Object.assign(o, { result: 'delivered', at: e.occurred_at, providerMessageId: o.providerMessageId ?? e.provider_message_id });
    } else if (e.action === 'failed') {
      Object.assign(o, { result: 'permanent', reason: e.reason ?? 'provider_failed', providerMessageId: null, at: null });
    } else if (e.action === 'config' && o.result === 'sent') {
      Object.assign(o, { result: 'config', reason: e.reason ?? 'provider_config', delayMs: CONFIG_ERROR_PAUSE_MS, providerMessageId: null });
    }
  }
  return outcomes.map((o) => byId.get(o.id)!);
}

/**
 * Part members from the lease statements' rows, each with the campaign, the channel of its step, its first
 * attempt and its notice link (the links of a part derived in one cipher call): what is the same for the whole
 * part is not selected per row, where the driver would parse it 2,000 times.
 */
function asMembers(campaign: PartCampaign, rows: readonly [...MemberTuple, ...unknown[]][]): PartMember[] {
  const tokens = noticeTokens(campaign.link_key, rows.map((r) => r[0]));
  const chain = campaign.channel_chain;
  // Written out rather than spread from memberOf: a spread per member costs measurably at a million.
  return rows.map((r, i): PartMember => ({
    id: r[0], subject_id: r[1], campaign_id: campaign.id, step: r[2]!, channel: (r[2] === null ? null : chain[r[2] - 1]) as ChannelKind, attempts: 1,
    notice_token: tokens[i]!, name: r[3], email: r[4], phone: r[5], push_tokens: r[6], postal_address: r[7], language: r[8], is_minor: r[9],
    guardian_name: r[10], guardian_email: r[11], guardian_phone: r[12], tried: undefined,
  }));
}

/** The fields every statement that hands out people to send to selects, in MEMBER_COLUMNS order. */
function memberOf(r: readonly [...MemberTuple, ...unknown[]]) {
  return {
    id: r[0], subject_id: r[1], step: r[2]!, name: r[3], email: r[4], phone: r[5], push_tokens: r[6], postal_address: r[7], language: r[8], is_minor: r[9],
    guardian_name: r[10], guardian_email: r[11], guardian_phone: r[12],
  };
}
