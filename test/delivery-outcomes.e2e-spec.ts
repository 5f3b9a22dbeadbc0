/**
 * The notifier's outcome statement against a real database (a "medium" test of DeliveryRepository): what it
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

/** A running, expanded e-mail → SMS campaign of `n` people with both contacts; returns a claimed e-mail batch. */
async function claimedBatch(n: number, worker: string): Promise<ClaimedDelivery[]> {
  const incident = await createIncident(db.client);
  await db.client.query(
    `INSERT INTO affected_subjects (incident_id, external_ref, name, email, phone)
     SELECT $1, 'S' || g, 'Person ' || g, 'p' || g || '@example.org', '+4915100' || lpad(g::text, 5, '0') FROM generate_series(1, $2::int) g`,
    [incident.id, n],
  );
  const campaignId = await createCampaign(db.client, incident.id, ['email', 'sms']);
  await approveCampaign(db.client, campaignId);
  await db.client.query(`UPDATE notice_campaigns SET status = 'running', started_at = now() WHERE id = $1`, [campaignId]);
  const [campaign] = (await repository.runningCampaigns()).filter((c) => c.id === campaignId);
  while (!(await repository.expandChunk(campaign!, 1000))!.done);
  const claimed = await repository.claim('email', n, worker, 60);
  expect(claimed).toHaveLength(n);
  return claimed;
}

const stateOf = async (id: number) => (await db.client.query('SELECT state, channel, step, attempts, tried, lease_owner FROM deliveries WHERE id = $1', [id])).rows[0];

describe('recording outcomes', () => {
  it('sent, retry and permanent (next channel) are written in one statement', async () => {
    const worker = randomUUID();
    const [a, b, c] = await claimedBatch(3, worker);
    const written = await repository.recordOutcomes(worker, 'sendgrid', [
      { id: a!.id, result: 'sent', reason: null, delayMs: 0, providerMessageId: 'm-1' },
      { id: b!.id, result: 'retry', reason: 'rate_limited', delayMs: 5000, providerMessageId: null },
      { id: c!.id, result: 'permanent', reason: 'invalid_email', delayMs: 0, providerMessageId: null },
    ]);
    expect(written).toBe(3);
    expect(await stateOf(a!.id)).toEqual(expect.objectContaining({ state: 'sent', channel: 'email', lease_owner: null }));
    expect(await stateOf(b!.id)).toEqual(expect.objectContaining({ state: 'queued', channel: 'email', attempts: 1 }));
    expect(await stateOf(c!.id)).toEqual(expect.objectContaining({ state: 'queued', channel: 'sms', step: 2, attempts: 0, tried: [expect.objectContaining({ channel: 'email', reason: 'invalid_email' })] }));
  });

  it('a row another worker now leases is not written', async () => {
    const worker = randomUUID();
    const [a] = await claimedBatch(1, worker);
    await db.client.query('UPDATE deliveries SET lease_owner = $2 WHERE id = $1', [a!.id, randomUUID()]);
    expect(await repository.recordOutcomes(worker, 'sendgrid', [{ id: a!.id, result: 'sent', reason: null, delayMs: 0, providerMessageId: 'm' }])).toBe(0);
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
      const recording = repository.recordOutcomes(worker, 'sendgrid', [
        { id: a!.id, result: 'sent', reason: null, delayMs: 0, providerMessageId: 'm-a' },
        { id: b!.id, result: 'sent', reason: null, delayMs: 0, providerMessageId: 'm-b' },
      ]);
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
