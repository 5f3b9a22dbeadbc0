/**
 * The notifier's expansion and outcome statements against a real database (a "medium" test of
 * DeliveryRepository). Expansion: who is leased at once, who waits queued (a paused channel) and who is
 * unreachable; the cursor; concurrent expanders never lease one person twice. Outcomes: what the statement
 * writes, and what it refuses to write — rows this worker no longer leases, and rows someone else changed while
 * the statement ran (a webhook that overtook the send; the row is addressed by ctid, so a new version is skipped).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, Database } from '#database';
import { approveCampaign, createCampaign, createIncident } from '../bench/support/fanout-fixture.js';
import { type ClaimedDelivery, DeliveryRepository } from '../apps/notifier/src/fanout/delivery.repository.js';
import { useTestDatabase } from './support/test-database.js';

const db = useTestDatabase();
let dataSource: DataSource;
let repository: DeliveryRepository;

beforeAll(async () => {
  dataSource = createDataSource(db.url, 4);
  await dataSource.initialize();
  repository = new DeliveryRepository(new Database(dataSource));
});
db.beforeDrop(() => dataSource.destroy());

/** A running e-mail → SMS campaign of `n` people with both contacts. */
async function runningCampaign(n: number): Promise<string> {
  const incident = await createIncident(db.client);
  await db.client.query(
    `INSERT INTO affected_subjects (incident_id, external_ref, name, email, phone)
     SELECT $1, 'S' || g, 'Person ' || g, 'p' || g || '@example.org', '+4915100' || lpad(g::text, 5, '0') FROM generate_series(1, $2::int) g`,
    [incident.id, n],
  );
  const campaignId = await createCampaign(db.client, incident.id, ['email', 'sms']);
  await approveCampaign(db.client, campaignId);
  await db.client.query(`UPDATE notice_campaigns SET status = 'running', started_at = now() WHERE id = $1`, [campaignId]);
  return campaignId;
}

/** A running campaign of `n` people, expanded: every e-mail delivery leased to `worker` on expansion. */
async function claimedBatch(n: number, worker: string): Promise<ClaimedDelivery[]> {
  const campaignId = await runningCampaign(n);
  const expanded = await repository.expandLeased(campaignId, n + 1, worker, 60, []);
  expect(expanded).toEqual(expect.objectContaining({ selected: n, inserted: n, done: true }));
  expect(expanded!.claimed.map((d) => d.channel)).toEqual(Array(n).fill('email'));
  return expanded!.claimed;
}

const sent = (id: number, provider = 'sendgrid') => ({ id, result: 'sent' as const, reason: null, delayMs: 0, providerMessageId: `m-${id}`, provider });

describe('expanding an audience', () => {
  it('leases each person on the first channel that reaches them; unreachable at once; part by part after the cursor', async () => {
    const campaignId = await runningCampaign(5);
    // Person 4 has no contact at all, person 5 only a phone.
    await db.client.query(`UPDATE affected_subjects SET email = NULL, phone = NULL WHERE external_ref = 'S4'`);
    await db.client.query(`UPDATE affected_subjects SET email = NULL WHERE external_ref = 'S5'`);
    const worker = randomUUID();
    const first = await repository.expandLeased(campaignId, 3, worker, 60, []);
    expect(first).toEqual(expect.objectContaining({ selected: 3, inserted: 3, done: false }));
    expect(first!.claimed.map((d) => [d.channel, d.attempts, d.email])).toEqual([
      ['email', 1, 'p1@example.org'], ['email', 1, 'p2@example.org'], ['email', 1, 'p3@example.org']]);
    const second = await repository.expandLeased(campaignId, 3, worker, 60, []);
    expect(second).toEqual(expect.objectContaining({ selected: 2, inserted: 2, done: true }));
    expect(second!.claimed.map((d) => [d.channel, d.phone])).toEqual([['sms', '+491510000005']]);
    const rows = (await db.client.query(
      `SELECT s.external_ref, d.state, d.channel, d.lease_owner, d.tried FROM deliveries d JOIN affected_subjects s ON s.id = d.subject_id
       WHERE d.campaign_id = $1 ORDER BY s.id`, [campaignId])).rows;
    expect(rows.map((r) => [r.external_ref, r.state, r.channel])).toEqual([
      ['S1', 'sending', 'email'], ['S2', 'sending', 'email'], ['S3', 'sending', 'email'], ['S4', 'unreachable', null], ['S5', 'sending', 'sms']]);
    expect(rows.filter((r) => r.state === 'sending').every((r) => r.lease_owner === worker)).toBe(true);
    expect(rows[3].tried).toEqual([expect.objectContaining({ reason: 'no_contact_for_chain' })]);
    const campaign = (await db.client.query('SELECT expanded_count, expanded_at FROM notice_campaigns WHERE id = $1', [campaignId])).rows[0];
    expect(campaign.expanded_count).toBe(5);
    expect(campaign.expanded_at).not.toBeNull();
    // Fully expanded: nothing more to take.
    expect(await repository.expandLeased(campaignId, 3, worker, 60, [])).toBeUndefined();
  });

  it('expands in external-reference order (bytewise), whatever the order of import', async () => {
    const campaignId = await runningCampaign(0);
    const { rows: [c] } = await db.client.query('SELECT incident_id FROM notice_campaigns WHERE id = $1', [campaignId]);
    const refs = ['b-2', 'B-1', 'a-9', 'é-1', 'a-10', 'Z'];
    for (const ref of refs) {
      await db.client.query(`INSERT INTO affected_subjects (incident_id, external_ref, email) VALUES ($1, $2, 'x@example.org')`, [c.incident_id, ref]);
    }
    const worker = randomUUID();
    const parts: string[][] = [];
    for (;;) {
      const expanded = await repository.expandLeased(campaignId, 4, worker, 60, []);
      if (!expanded) break;
      parts.push((await db.client.query(
        `SELECT s.external_ref FROM deliveries d JOIN affected_subjects s ON s.id = d.subject_id WHERE d.id = ANY($1::bigint[]) ORDER BY d.id`,
        [expanded.claimed.map((d) => d.id)])).rows.map((r) => r.external_ref));
      if (expanded.done) break;
    }
    expect(parts).toEqual([['B-1', 'Z', 'a-10', 'a-9'], ['b-2', 'é-1']]);
  });

  it("a paused channel's people wait queued for its own loops instead of being leased", async () => {
    const campaignId = await runningCampaign(2);
    await db.client.query(`UPDATE affected_subjects SET email = NULL WHERE external_ref = 'S2'`);
    const worker = randomUUID();
    const expanded = await repository.expandLeased(campaignId, 10, worker, 60, ['email']);
    expect(expanded!.claimed.map((d) => d.channel)).toEqual(['sms']);
    const states = (await db.client.query(`SELECT state, channel, attempts FROM deliveries WHERE campaign_id = $1 ORDER BY id`, [campaignId])).rows;
    expect(states).toEqual([{ state: 'queued', channel: 'email', attempts: 0 }, { state: 'sending', channel: 'sms', attempts: 1 }]);
    const claimed = await repository.claim('email', 10, worker, 60);
    expect(claimed.filter((d) => d.campaign_id === campaignId)).toHaveLength(1);
  });

  it('a campaign that is not running is not expanded', async () => {
    const campaignId = await runningCampaign(2);
    await db.client.query(`UPDATE notice_campaigns SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [campaignId]);
    expect(await repository.expandLeased(campaignId, 10, randomUUID(), 60, [])).toBeUndefined();
    expect((await db.client.query('SELECT count(*)::int AS n FROM deliveries WHERE campaign_id = $1', [campaignId])).rows[0].n).toBe(0);
  });

  it('expanders running at once take turns: everyone is leased exactly once', async () => {
    const campaignId = await runningCampaign(600);
    const workers = [randomUUID(), randomUUID(), randomUUID()];
    const leased: number[] = [];
    await Promise.all(workers.map(async (worker) => {
      for (;;) {
        const expanded = await repository.expandLeased(campaignId, 50, worker, 60, []);
        if (!expanded) return;
        leased.push(...expanded.claimed.map((d) => d.id));
        if (expanded.done) return;
      }
    }));
    expect(leased).toHaveLength(600);
    expect(new Set(leased).size).toBe(600);
    const counts = (await db.client.query(`SELECT count(*)::int AS n, count(DISTINCT subject_id)::int AS subjects FROM deliveries WHERE campaign_id = $1`, [campaignId])).rows[0];
    expect(counts).toEqual({ n: 600, subjects: 600 });
  });
});

const stateOf = async (id: number) => (await db.client.query('SELECT state, channel, step, attempts, tried, lease_owner FROM deliveries WHERE id = $1', [id])).rows[0];

describe('recording outcomes', () => {
  it('sent, retry and permanent (next channel) are written in one statement', async () => {
    const worker = randomUUID();
    const [a, b, c] = await claimedBatch(3, worker);
    const written = await repository.recordOutcomes(worker, [
      sent(a!.id),
      { id: b!.id, result: 'retry', reason: 'rate_limited', delayMs: 5000, providerMessageId: null, provider: 'sendgrid' },
      { id: c!.id, result: 'permanent', reason: 'invalid_email', delayMs: 0, providerMessageId: null, provider: 'sendgrid' },
    ]);
    expect(written).toBe(3);
    expect(await stateOf(a!.id)).toEqual(expect.objectContaining({ state: 'sent', channel: 'email', lease_owner: null }));
    expect(await stateOf(b!.id)).toEqual(expect.objectContaining({ state: 'queued', channel: 'email', attempts: 1 }));
    expect(await stateOf(c!.id)).toEqual(expect.objectContaining({ state: 'queued', channel: 'sms', step: 2, attempts: 0, tried: [expect.objectContaining({ channel: 'email', reason: 'invalid_email' })] }));
  });

  it('each outcome carries its provider: one statement writes a sent e-mail and a letter waiting for print', async () => {
    const worker = randomUUID();
    const [a, b] = await claimedBatch(2, worker);
    expect(await repository.recordOutcomes(worker, [sent(a!.id), sent(b!.id, 'print-queue')])).toBe(2);
    const rows = (await db.client.query('SELECT id, state, provider, sent_at IS NOT NULL AS has_sent_at FROM deliveries WHERE id = ANY($1) ORDER BY id', [[a!.id, b!.id]])).rows;
    expect(rows.map((r) => [r.state, r.provider, r.has_sent_at])).toEqual([['sent', 'sendgrid', true], ['printing', 'print-queue', false]]);
  });

  it('a row another worker now leases is not written', async () => {
    const worker = randomUUID();
    const [a] = await claimedBatch(1, worker);
    await db.client.query('UPDATE deliveries SET lease_owner = $2 WHERE id = $1', [a!.id, randomUUID()]);
    expect(await repository.recordOutcomes(worker, [sent(a!.id)])).toBe(0);
    expect((await stateOf(a!.id)).state).toBe('sending');
  });

  it('a row changed while the statement waits for it is skipped, not overwritten', async () => {
    const worker = randomUUID();
    const [a, b] = await claimedBatch(2, worker);
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      // A webhook's transaction holds row a (delivered) when the outcomes arrive.
      await other.query('BEGIN');
      await other.query(`UPDATE deliveries SET state = 'delivered', lease_owner = NULL, lease_until = NULL WHERE id = $1`, [a!.id]);
      const recording = repository.recordOutcomes(worker, [sent(a!.id), sent(b!.id)]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await other.query('COMMIT');
      expect(await recording).toBe(1);
    } finally {
      await other.end();
    }
    expect((await stateOf(a!.id)).state).toBe('delivered');
    expect((await stateOf(b!.id)).state).toBe('sent');
  });
});
