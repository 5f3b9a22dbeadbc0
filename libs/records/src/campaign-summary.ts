import type { Sql } from '#database';

export interface CampaignSummary {
  total: number;
  byState: Record<string, number>;
  /** Final channel per notified person: how many were reached by which channel. */
  notifiedByChannel: Record<string, number>;
  /** Why people could not be reached: channel → reason → count (every channel tried). */
  unreachableReasons: Record<string, Record<string, number>>;
  firstSentAt: string | null;
  lastSentAt: string | null;
  /** Deliveries whose worker died mid-send: each may have reached its person twice. */
  possibleDuplicates: number;
}

/** Figures of one campaign, set-wise; used for live progress and the final summary kept for regulators. */
export async function campaignSummary(sql: Sql, campaignId: string): Promise<CampaignSummary> {
  const states = await sql.rows<{ state: string; channel: string | null; n: number; first: Date | null; last: Date | null; dup: number }>(
    `SELECT state, channel, count(*)::int AS n, min(sent_at) AS first, max(sent_at) AS last, sum(lease_expiries)::int AS dup
     FROM deliveries WHERE campaign_id = $1 GROUP BY state, channel`,
    [campaignId],
  );
  const reasons = await sql.rows<{ channel: string | null; reason: string; n: number }>(
    `SELECT t->>'channel' AS channel, t->>'reason' AS reason, count(*)::int AS n
     FROM deliveries d, jsonb_array_elements(d.tried) t
     WHERE d.campaign_id = $1 AND d.state = 'unreachable' GROUP BY 1, 2`,
    [campaignId],
  );
  const summary: CampaignSummary = { total: 0, byState: {}, notifiedByChannel: {}, unreachableReasons: {}, firstSentAt: null, lastSentAt: null, possibleDuplicates: 0 };
  let first: Date | null = null;
  let last: Date | null = null;
  for (const r of states) {
    summary.total += r.n;
    summary.byState[r.state] = (summary.byState[r.state] ?? 0) + r.n;
    summary.possibleDuplicates += r.dup;
    if ((r.state === 'sent' || r.state === 'delivered') && r.channel) summary.notifiedByChannel[r.channel] = (summary.notifiedByChannel[r.channel] ?? 0) + r.n;
    if (r.first && (!first || r.first < first)) first = r.first;
    if (r.last && (!last || r.last > last)) last = r.last;
  }
  for (const r of reasons) {
    const channel = r.channel ?? 'none';
    (summary.unreachableReasons[channel] ??= {})[r.reason] = r.n;
  }
  summary.firstSentAt = first?.toISOString() ?? null;
  summary.lastSentAt = last?.toISOString() ?? null;
  return summary;
}
