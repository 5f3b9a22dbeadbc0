/**
 * Three notifier processes on one campaign of 30,000 people (real SDKs, stubs in a separate process):
 * SKIP LOCKED claims and leases share the work without a single message sent twice.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  approveCampaign, BOUNCE_DOMAIN, createCampaign, type NotifierProcess, seedAudience, spawnNotifier, startStubsProcess,
  type StubsProcess, stubChannelEnv, waitForNotifier, waitUntilSettled,
} from '../../bench/support/fanout-fixture.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { checkAgainstStubs, deliveryRows, expectNoContactData } from './support.js';

const PEOPLE = 30_000;

let database: TestDatabase;
let client: pg.Client;
let stubs: StubsProcess;
const processes: NotifierProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  stubs = await startStubsProcess();
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  await stubs?.stop();
  await client?.end();
  await database?.drop();
});

describe('several notifier processes on one campaign', () => {
  it('three processes share the work and no stub receives any message twice', async () => {
    const audience = await seedAudience(client, PEOPLE);
    const e = audience.expected;
    await stubs.fault('sendgrid', { kind: 'invalid-email', match: BOUNCE_DOMAIN, times: null });
    const campaignId = await createCampaign(client, audience.incidentId);
    // Small batches so the three processes interleave many claims.
    const env = { ...stubChannelEnv(stubs.urls), NOTIFIER_BATCH_SIZE: '200', NOTIFIER_TICK_MS: '100', NOTIFIER_EXPAND_CHUNK: '500' };
    for (let i = 0; i < 3; i++) processes.push(spawnNotifier(database.url, env));
    for (const p of processes) await waitForNotifier(client, p);
    const workers = (await client.query('SELECT id FROM notifier_workers WHERE stopped_at IS NULL')).rows.map((r) => r.id as string);
    expect(workers).toHaveLength(3);

    await approveCampaign(client, campaignId);
    // Which processes hold leases while the campaign runs.
    const leaseHolders = new Set<string>();
    let settled = false;
    const watcher = new pg.Client({ connectionString: database.url });
    await watcher.connect();
    const watching = (async () => {
      while (!settled) {
        const { rows } = await watcher.query(
          `SELECT lease_owner FROM audience_parts WHERE campaign_id = $1
           UNION SELECT lease_owner FROM deliveries WHERE campaign_id = $1 AND state = 'sending'`, [campaignId]);
        for (const r of rows) leaseHolders.add(r.lease_owner);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const figures = await waitUntilSettled(client, campaignId, 150_000).finally(() => (settled = true));
    await watching;
    await watcher.end();

    expect(figures.byStateChannel).toEqual({
      'sent:email': e.email - e.bounce,
      'sent:sms': e.sms + e.bounce,
      'sent:push': e.push,
      'printing:letter': e.letter,
    });
    // Which process claims what is a race; over 30,000 people in small batches more than one takes part.
    expect(leaseHolders.size).toBeGreaterThanOrEqual(2);
    for (const holder of leaseHolders) expect([...workers]).toContain(holder);

    const rows = await deliveryRows(client, campaignId);
    expect(rows.reduce((a, r) => a + r.lease_expiries, 0)).toBe(0);
    const accepted = { sendgrid: await stubs.accepted('sendgrid'), twilio: await stubs.accepted('twilio'), fcm: await stubs.accepted('fcm') };
    const { duplicates, unexplained } = checkAgainstStubs(rows, accepted);
    expect(unexplained).toEqual([]);
    expect(duplicates).toBe(0);
    const stats = await Promise.all((['sendgrid', 'twilio', 'fcm'] as const).map((p) => stubs.stats(p)));
    expect(stats.map((s) => s.duplicates)).toEqual([0, 0, 0]);
    expect(stats[0]!.unique).toBe(e.email - e.bounce);
    expect(stats[1]!.unique).toBe(e.sms + e.bounce);
    expect(stats[2]!.unique).toBe(e.push);
    for (const p of processes) {
      expect(p.child.exitCode).toBeNull();
      expectNoContactData(p.lines);
    }
  }, 200_000);
});
