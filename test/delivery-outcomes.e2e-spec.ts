/**
 * The notifier's statements against a real database (a "medium" test of DeliveryRepository). Audience parts:
 * who is leased, in what order, with which delivery ids and links; concurrent expanders never lease one person
 * twice; a dead worker's part is taken over. Recording a part: every outcome written once, provider statuses that
 * overtook the record applied. Outcomes of queued deliveries: what the statement writes, and what it refuses to
 * write — rows this worker no longer leases, and rows someone else changed while the statement ran.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, Database } from '#database';
import { approveCampaign, createCampaign, createIncident } from '../bench/support/fanout-fixture.js';
import { noticeToken } from '#domain';
import { type ClaimedDelivery, DeliveryRepository, type PartMember, type PartOutcome } from '../apps/notifier/src/fanout/delivery.repository.js';
import { WebhookRepository } from '../apps/api/src/webhooks/webhook.repository.js';
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

/** A running campaign of `n` people whose e-mail deliveries are queued and then claimed by `worker` (the queue loops' path). */
async function claimedBatch(n: number, worker: string): Promise<ClaimedDelivery[]> {
  const campaignId = await runningCampaign(n);
  const part = await repository.leaseNextPart(campaignId, n + 1, worker, 60);
  expect(part).toEqual(expect.objectContaining({ done: true }));
  expect(await repository.recordPart(part!, worker, part!.members.map((m) => held(m)), true)).toBe(n);
  const claimed = (await repository.claim('email', 1000, worker, 60)).filter((d) => d.campaign_id === campaignId);
  expect(claimed).toHaveLength(n);
  return claimed.sort((x, y) => x.id - y.id);
}

const sent = (id: number, provider = 'sendgrid') => ({ id, result: 'sent' as const, reason: null, delayMs: 0, providerMessageId: `m-${id}`, provider });
const outcome = (m: PartMember, result: PartOutcome['result'], extra: Partial<PartOutcome> = {}): PartOutcome =>
  ({ id: m.id, result, reason: null, delayMs: 0, providerMessageId: null, provider: 'sendgrid', ...extra });
const held = (m: PartMember) => outcome(m, 'held', { provider: '' });
const deliveriesOf = async (campaignId: string) => (await db.client.query(
  `SELECT d.id, s.external_ref, d.state, d.channel, d.step, d.attempts, d.provider, d.provider_message_id, d.tried, d.lease_expiries, d.sent_at, d.delivered_at
   FROM deliveries d JOIN affected_subjects s ON s.id = d.subject_id WHERE d.campaign_id = $1 ORDER BY s.id`, [campaignId])).rows;

describe('leasing audience parts', () => {
  it('leases people in parts after the cursor, each on the first channel that reaches them; nothing is written to deliveries yet', async () => {
    const campaignId = await runningCampaign(5);
    // Person 4 has no contact at all, person 5 only a phone.
    await db.client.query(`UPDATE affected_subjects SET email = NULL, phone = NULL WHERE external_ref = 'S4'`);
    await db.client.query(`UPDATE affected_subjects SET email = NULL WHERE external_ref = 'S5'`);
    const worker = randomUUID();
    const first = await repository.leaseNextPart(campaignId, 3, worker, 60);
    expect(first).toEqual(expect.objectContaining({ done: false, leaseExpiries: 0, campaignStatus: 'running' }));
    expect(first!.members.map((d) => [d.channel, d.step, d.attempts, d.email])).toEqual([
      ['email', 1, 1, 'p1@example.org'], ['email', 1, 1, 'p2@example.org'], ['email', 1, 1, 'p3@example.org']]);
    const second = await repository.leaseNextPart(campaignId, 3, worker, 60);
    expect(second).toEqual(expect.objectContaining({ done: true }));
    expect(second!.members.map((d) => [d.channel, d.step, d.phone])).toEqual([[null, null, null], ['sms', 2, '+491510000005']]);
    // Every member has its own delivery id and a link derived from it.
    const members = [...first!.members, ...second!.members];
    expect(new Set(members.map((m) => m.id)).size).toBe(5);
    const { rows: [{ link_key: key }] } = await db.client.query('SELECT link_key FROM notice_campaigns WHERE id = $1', [campaignId]);
    for (const m of members) expect(m.notice_token).toBe(noticeToken(key, m.id));
    expect(await deliveriesOf(campaignId)).toEqual([]);
    const parts = (await db.client.query('SELECT lease_owner, cardinality(subject_ids) AS n, planned FROM audience_parts WHERE campaign_id = $1 ORDER BY id', [campaignId])).rows;
    expect(parts).toEqual([{ lease_owner: worker, n: 3, planned: { email: 3 } }, { lease_owner: worker, n: 2, planned: { none: 1, sms: 1 } }]);
    const campaign = (await db.client.query('SELECT expanded_count, expanded_at FROM notice_campaigns WHERE id = $1', [campaignId])).rows[0];
    expect(campaign.expanded_count).toBe(5);
    expect(campaign.expanded_at).not.toBeNull();
    // Fully expanded: nothing more to take.
    expect(await repository.leaseNextPart(campaignId, 3, worker, 60)).toBeUndefined();
  });

  it('parts follow external-reference order (bytewise), whatever the order of import', async () => {
    const campaignId = await runningCampaign(0);
    const { rows: [c] } = await db.client.query('SELECT incident_id FROM notice_campaigns WHERE id = $1', [campaignId]);
    const refs = ['b-2', 'B-1', 'a-9', 'é-1', 'a-10', 'Z'];
    for (const ref of refs) {
      await db.client.query(`INSERT INTO affected_subjects (incident_id, external_ref, email) VALUES ($1, $2, 'x@example.org')`, [c.incident_id, ref]);
    }
    const worker = randomUUID();
    const parts: string[][] = [];
    for (;;) {
      const part = await repository.leaseNextPart(campaignId, 4, worker, 60);
      if (!part) break;
      parts.push((await db.client.query(
        'SELECT external_ref FROM affected_subjects WHERE id = ANY($1::bigint[]) ORDER BY external_ref COLLATE "C"',
        [part.members.map((d) => d.subject_id)])).rows.map((r) => r.external_ref));
      expect(part.members.map((m) => m.id)).toEqual([...part.members.map((m) => m.id)].sort((x, y) => x - y));
      if (part.done) break;
    }
    expect(parts).toEqual([['B-1', 'Z', 'a-10', 'a-9'], ['b-2', 'é-1']]);
  });

  it('a campaign that is not running is not expanded', async () => {
    const campaignId = await runningCampaign(2);
    await db.client.query(`UPDATE notice_campaigns SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [campaignId]);
    expect(await repository.leaseNextPart(campaignId, 10, randomUUID(), 60)).toBeUndefined();
    expect((await db.client.query('SELECT count(*)::int AS n FROM audience_parts WHERE campaign_id = $1', [campaignId])).rows[0].n).toBe(0);
  });

  it('expanders running at once take turns: everyone is leased exactly once', async () => {
    const campaignId = await runningCampaign(600);
    const workers = [randomUUID(), randomUUID(), randomUUID()];
    const leased: PartMember[] = [];
    await Promise.all(workers.map(async (worker) => {
      for (;;) {
        const part = await repository.leaseNextPart(campaignId, 50, worker, 60);
        if (!part) return;
        leased.push(...part.members);
        await repository.recordPart(part, worker, part.members.map((m) => outcome(m, 'sent', { providerMessageId: `m-${m.id}` })), true);
        if (part.done) return;
      }
    }));
    expect(leased).toHaveLength(600);
    expect(new Set(leased.map((m) => m.id)).size).toBe(600);
    expect(new Set(leased.map((m) => m.subject_id)).size).toBe(600);
    const counts = (await db.client.query(`SELECT count(*)::int AS n, count(DISTINCT subject_id)::int AS subjects FROM deliveries WHERE campaign_id = $1 AND state = 'sent'`, [campaignId])).rows[0];
    expect(counts).toEqual({ n: 600, subjects: 600 });
    expect((await db.client.query('SELECT count(*)::int AS n FROM audience_parts WHERE campaign_id = $1', [campaignId])).rows[0].n).toBe(0);
  });

  it("a part whose worker died is taken over with the people it had not recorded, same delivery ids and links, marked as possible duplicates", async () => {
    const campaignId = await runningCampaign(3);
    const dead = randomUUID();
    const part = await repository.leaseNextPart(campaignId, 10, dead, 60);
    const [a, b, c] = part!.members;
    // The dead worker wrote a's outcome (another channel's share failed), then died.
    expect(await repository.recordPart(part!, dead, [outcome(a!, 'sent', { providerMessageId: 'm-a' })], false)).toBe(1);
    const live = randomUUID();
    expect(await repository.leaseExpiredPart(live, 60)).toBeUndefined(); // its lease still holds
    await db.client.query(`UPDATE audience_parts SET lease_until = now() - interval '1 second' WHERE id = $1`, [part!.id]);
    const orphan = await repository.leaseExpiredPart(live, 60);
    expect(orphan).toEqual(expect.objectContaining({ id: part!.id, campaignId, leaseExpiries: 1 }));
    expect(orphan!.members.map((m) => [m.id, m.notice_token, m.channel])).toEqual([b, c].map((m) => [m!.id, m!.notice_token, 'email']));
    // The dead worker's late write can no longer drop the part.
    expect(await repository.recordPart(part!, dead, [outcome(b!, 'sent')], true)).toBe(1);
    expect((await db.client.query('SELECT lease_owner FROM audience_parts WHERE id = $1', [part!.id])).rows).toEqual([{ lease_owner: live }]);
    expect(await repository.recordPart(orphan!, live, orphan!.members.map((m) => outcome(m, 'sent', { providerMessageId: `m2-${m.id}` })), true)).toBe(1);
    const rows = await deliveriesOf(campaignId);
    expect(rows.map((r) => [r.external_ref, r.state, r.lease_expiries])).toEqual([['S1', 'sent', 0], ['S2', 'sent', 0], ['S3', 'sent', 1]]);
    expect(rows[1].provider_message_id).toBeNull(); // b's first write (by the dead worker) stands: nothing is written twice
    expect((await db.client.query('SELECT count(*)::int AS n FROM audience_parts WHERE id = $1', [part!.id])).rows[0].n).toBe(0);
  });
});

describe('recording a part', () => {
  it('writes sent, retry, permanent (next channel or unreachable), held, unreachable and a letter for print in one statement', async () => {
    const campaignId = await runningCampaign(6);
    await db.client.query(`UPDATE affected_subjects SET phone = NULL WHERE external_ref = 'S4'`);
    await db.client.query(`UPDATE affected_subjects SET email = NULL, phone = NULL WHERE external_ref = 'S6'`);
    const worker = randomUUID();
    const part = await repository.leaseNextPart(campaignId, 10, worker, 60);
    const [p1, p2, p3, p4, p5, p6] = part!.members;
    expect(p6!.step).toBeNull();
    const written = await repository.recordPart(part!, worker, [
      outcome(p1!, 'sent', { providerMessageId: 'm-1' }),
      outcome(p2!, 'retry', { reason: 'rate_limited', delayMs: 5000 }),
      outcome(p3!, 'permanent', { reason: 'invalid_email' }),
      outcome(p4!, 'permanent', { reason: 'invalid_email' }),
      held(p5!),
      { ...outcome(p6!, 'unreachable', { provider: '' }), reason: 'no_contact_for_chain' },
    ], true);
    expect(written).toBe(6);
    const rows = await deliveriesOf(campaignId);
    expect(rows.map((r) => [r.external_ref, r.state, r.channel, r.step, r.attempts, r.provider])).toEqual([
      ['S1', 'sent', 'email', 1, 1, 'sendgrid'],
      ['S2', 'queued', 'email', 1, 1, 'sendgrid'],
      ['S3', 'queued', 'sms', 2, 0, 'sendgrid'],
      ['S4', 'unreachable', 'email', 1, 0, 'sendgrid'],
      ['S5', 'queued', 'email', 1, 0, null],
      ['S6', 'unreachable', null, null, 0, null],
    ]);
    expect(rows[0].sent_at).not.toBeNull();
    expect(rows[0].provider_message_id).toBe('m-1');
    expect(rows[2].tried).toEqual([expect.objectContaining({ channel: 'email', reason: 'invalid_email' })]);
    expect(rows[5].tried).toEqual([expect.objectContaining({ channel: null, reason: 'no_contact_for_chain' })]);
    expect((await db.client.query('SELECT count(*)::int AS n FROM audience_parts WHERE campaign_id = $1', [campaignId])).rows[0].n).toBe(0);
  });

  it('a sent letter waits in printing; in a cancelled campaign what was not sent is cancelled', async () => {
    const campaignId = await runningCampaign(3);
    const worker = randomUUID();
    const part = await repository.leaseNextPart(campaignId, 10, worker, 60);
    await db.client.query(`UPDATE notice_campaigns SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [campaignId]);
    const [a, b, c] = part!.members;
    await repository.recordPart(part!, worker, [outcome(a!, 'sent', { provider: 'print-queue' }), outcome(b!, 'sent'), held(c!)], true);
    const rows = await deliveriesOf(campaignId);
    expect(rows.map((r) => [r.state, r.provider, r.sent_at !== null])).toEqual([['printing', 'print-queue', false], ['sent', 'sendgrid', true], ['cancelled', null, false]]);
  });

  it('a provider status that overtook the record is applied to it: delivered, and a bounce sends the person on', async () => {
    const campaignId = await runningCampaign(3);
    const worker = randomUUID();
    const part = await repository.leaseNextPart(campaignId, 10, worker, 60);
    const [a, b, c] = part!.members;
    const webhooks = new WebhookRepository();
    const at = new Date('2026-12-04T10:00:00Z');
    await new Database(dataSource).transaction(async (tx) => {
      const early = await webhooks.holdEarlyActions(tx, 'sendgrid', 'email', [
        { deliveryId: a!.id, action: 'delivered', reason: null, occurredAt: at, providerMessageId: null },
        { deliveryId: b!.id, action: 'failed', reason: 'bounce', occurredAt: at, providerMessageId: null },
        { deliveryId: 999_999_999, action: 'failed', reason: 'bounce', occurredAt: at, providerMessageId: null },
      ]);
      expect([...early].sort()).toEqual([a!.id, b!.id].sort());
    });
    await repository.recordPart(part!, worker, [a, b, c].map((m) => outcome(m!, 'sent', { providerMessageId: `m-${m!.id}` })), true);
    const rows = await deliveriesOf(campaignId);
    expect(rows.map((r) => [r.state, r.channel, r.step])).toEqual([['delivered', 'email', 1], ['queued', 'sms', 2], ['sent', 'email', 1]]);
    expect(rows[0].delivered_at).toEqual(at);
    expect(rows[1].tried).toEqual([expect.objectContaining({ channel: 'email', reason: 'bounce' })]);
    expect((await db.client.query('SELECT count(*)::int AS n FROM early_delivery_events WHERE delivery_id = ANY($1::bigint[])', [[a!.id, b!.id]])).rows[0].n).toBe(0);
  });

  it('a webhook holding the part while the record starts: the record waits for it and applies its status', async () => {
    const campaignId = await runningCampaign(1);
    const worker = randomUUID();
    const part = await repository.leaseNextPart(campaignId, 10, worker, 60);
    const [a] = part!.members;
    const webhookDs = createDataSource(db.url, 1);
    await webhookDs.initialize();
    try {
      let recording: Promise<number> | undefined;
      await new Database(webhookDs).transaction(async (tx) => {
        expect(await new WebhookRepository().holdEarlyActions(tx, 'sendgrid', 'email', [
          { deliveryId: a!.id, action: 'delivered', reason: null, occurredAt: null, providerMessageId: null }])).toEqual(new Set([a!.id]));
        recording = repository.recordPart(part!, worker, [outcome(a!, 'sent')], true);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect((await deliveriesOf(campaignId))).toEqual([]); // the record waits on the part's lock
      });
      expect(await recording).toBe(1);
    } finally {
      await webhookDs.destroy();
    }
    expect((await deliveriesOf(campaignId)).map((r) => r.state)).toEqual(['delivered']);
  });

  it('once the part is written a status is applied to the delivery itself, not held', async () => {
    const campaignId = await runningCampaign(1);
    const worker = randomUUID();
    const part = await repository.leaseNextPart(campaignId, 10, worker, 60);
    await repository.recordPart(part!, worker, [outcome(part!.members[0]!, 'sent')], true);
    await new Database(dataSource).transaction(async (tx) => {
      expect(await new WebhookRepository().holdEarlyActions(tx, 'sendgrid', 'email', [
        { deliveryId: part!.members[0]!.id, action: 'delivered', reason: null, occurredAt: null, providerMessageId: null }])).toEqual(new Set());
    });
  });
});

const stateOf = async (id: number) => (await db.client.query('SELECT state, channel, step, attempts, tried, lease_owner FROM deliveries WHERE id = $1', [id])).rows[0];

describe('recording outcomes of claimed (queued) deliveries', () => {
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
