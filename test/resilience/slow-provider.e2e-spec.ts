/**
 * A provider that answers slowly makes one batch take longer than the lease. The worker is alive and
 * still sending: its rows must not be requeued and sent again by another loop or process.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  approveCampaign, createCampaign, createIncident, type NotifierProcess, spawnNotifier, stubChannelEnv, waitForNotifier, waitUntilSettled,
} from '../../bench/support/fanout-fixture.js';
import { type FcmStub, type SendGridStub, startFcmStub, startSendGridStub, startTwilioStub, type TwilioStub } from '../stubs/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { deliveryRows } from './support.js';

const PEOPLE = 1200;
/** Longer than the 2 s lease: every SendGrid request outlives the lease it was claimed under. */
const LATENCY_MS = 3000;

let database: TestDatabase;
let client: pg.Client;
let sendgrid: SendGridStub;
let twilio: TwilioStub;
let fcm: FcmStub;
const processes: NotifierProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  [sendgrid, twilio, fcm] = await Promise.all([startSendGridStub({ latencyMs: LATENCY_MS }), startTwilioStub(), startFcmStub()]);
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  await Promise.all([sendgrid, twilio, fcm].map((s) => s?.stop()));
  await client?.end();
  await database?.drop();
});

describe('a batch that takes longer than its lease', () => {
  it('the live worker keeps its lease: nothing is requeued, nobody gets the notice twice', async () => {
    const incident = await createIncident(client);
    await client.query(
      `INSERT INTO affected_subjects (incident_id, external_ref, name, email, language)
       SELECT $1, 'S' || g, 'Person ' || g, 'slow' || g || '@example.org', 'en' FROM generate_series(1, $2::int) AS g`,
      [incident.id, PEOPLE],
    );
    const campaignId = await createCampaign(client, incident.id, ['email']);
    const env = { ...stubChannelEnv({ sendgrid: sendgrid.url, twilio: twilio.url, fcm: fcm.url }), NOTIFIER_LEASE_SECONDS: '2', NOTIFIER_TICK_MS: '100' };
    // Two processes, so a requeued row would be picked up at once by the other one.
    for (let i = 0; i < 2; i++) processes.push(spawnNotifier(database.url, env));
    for (const p of processes) await waitForNotifier(client, p);
    const started = Date.now();
    await approveCampaign(client, campaignId);
    await waitUntilSettled(client, campaignId, 90_000);
    expect(Date.now() - started).toBeGreaterThan(LATENCY_MS);
    expect(sendgrid.requests.count).toBeGreaterThanOrEqual(2); // 1000 personalizations a request at most

    const rows = await deliveryRows(client, campaignId);
    expect(rows.filter((r) => r.state === 'sent')).toHaveLength(PEOPLE);
    expect(rows.reduce((a, r) => a + r.lease_expiries, 0)).toBe(0);
    expect(sendgrid.duplicates()).toBe(0);
    expect(sendgrid.accepted().size).toBe(PEOPLE);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
  }, 120_000);
});
