import { expect } from '@jest/globals';
import type pg from 'pg';
import { type Channel, STUB_PROVIDERS, type StubProvider } from '../../bench/support/fanout-fixture.js';

export interface DeliveryRow {
  id: number;
  state: string;
  channel: Channel;
  attempts: number;
  lease_expiries: number;
  tried: Array<{ channel: Channel | null; reason: string }>;
  email: string | null;
  phone: string | null;
  token: string | null;
}

export async function deliveryRows(client: pg.ClientBase, campaignId: string): Promise<DeliveryRow[]> {
  const { rows } = await client.query(
    `SELECT d.id::int AS id, d.state, d.channel, d.attempts, d.lease_expiries, d.tried, s.email, s.phone, s.push_tokens[1] AS token
     FROM deliveries d JOIN affected_subjects s ON s.id = d.subject_id WHERE d.campaign_id = $1`,
    [campaignId],
  );
  return rows;
}

/**
 * Compares the stubs' per-delivery counters with the database: every delivery recorded as sent through a
 * stubbed channel was accepted there at least once, and every extra acceptance is explained by a lease
 * expiry of that very delivery (a worker that died or stalled mid-send). Returns the duplicates per provider.
 */
export function checkAgainstStubs(rows: DeliveryRow[], accepted: Record<StubProvider, Record<string, number>>): { duplicates: number; unexplained: string[] } {
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  let duplicates = 0;
  const unexplained: string[] = [];
  const lost: string[] = [];
  for (const row of rows) {
    if (row.state !== 'sent' || row.channel === 'letter') continue;
    if (!accepted[STUB_PROVIDERS[row.channel]][String(row.id)]) lost.push(`${row.id}/${row.channel}`);
  }
  for (const provider of Object.keys(accepted) as StubProvider[]) {
    for (const [id, n] of Object.entries(accepted[provider])) {
      const row = byId.get(id);
      if (!row) {
        unexplained.push(`${provider}:${id} is no delivery of this campaign`);
        continue;
      }
      duplicates += n - 1;
      if (n - 1 > row.lease_expiries) unexplained.push(`${provider}:${id} accepted ${n} times with ${row.lease_expiries} lease expiries`);
    }
  }
  expect(lost).toEqual([]);
  return { duplicates, unexplained };
}

/** No contact data in the notifier's log lines (the seeded addresses, numbers, tokens and postal addresses). */
export function expectNoContactData(lines: string[]): void {
  const leaks = lines.filter((l) => /[a-z]+\d*@(bounce\.)?example\.org|\+\d{7,15}|tok-|Street \d/.test(l));
  expect(leaks).toEqual([]);
}
