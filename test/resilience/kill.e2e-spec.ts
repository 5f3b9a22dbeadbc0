/**
 * A notifier process SIGKILLed several times mid-campaign (100,000 people, real SDKs against the
 * wire-format stubs in a separate process) and restarted each time: everyone ends sent, printing or
 * unreachable, and every message a stub accepted twice is explained by a lease that ran out because a
 * worker died holding it: at most what was in flight per kill.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  approveCampaign, BOUNCE_DOMAIN, createCampaign, type NotifierProcess, seedAudience, spawnNotifier, startStubsProcess,
  type StubsProcess, stubChannelEnv, summaryOf, waitForNotifier, waitUntil, waitUntilSettled,
} from '../../bench/support/fanout-fixture.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { checkAgainstStubs, deliveryRows, expectNoContactData } from './support.js';

const PEOPLE = 100_000;
const KILLS = 4;
const BATCH = 250;
const EXPAND = 500;
const CONCURRENCY = 2;
const AUDIENCE_LOOPS = CONCURRENCY + 1;
// What one process can have in flight at a stub when it dies: its audience loops' leased parts (EXPAND people
// each, all channels) and, per channel (e-mail, SMS, push), its queue loops' batches, each at most BATCH
// (every provider's own cap is larger).
const IN_FLIGHT_PER_KILL = AUDIENCE_LOOPS * EXPAND + CONCURRENCY * (BATCH + BATCH + BATCH);
// Letters go to the print queue (no stub) but are leased too.
const LEASED_PER_KILL = IN_FLIGHT_PER_KILL + CONCURRENCY * BATCH;

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

describe('a notifier killed with SIGKILL mid-campaign', () => {
  it('finishes everyone after four kills; duplicates stay within what was in flight and are all counted as lease expiries', async () => {
    const audience = await seedAudience(client, PEOPLE);
    const e = audience.expected;
    await stubs.fault('sendgrid', { kind: 'invalid-email', match: BOUNCE_DOMAIN, times: null });
    const campaignId = await createCampaign(client, audience.incidentId);
    const env = {
      ...stubChannelEnv(stubs.urls),
      NOTIFIER_LEASE_SECONDS: '2',
      NOTIFIER_BATCH_SIZE: String(BATCH),
      NOTIFIER_EXPAND_CHUNK: String(EXPAND),
      NOTIFIER_CONCURRENCY: String(CONCURRENCY),
      NOTIFIER_AUDIENCE_LOOPS: String(AUDIENCE_LOOPS),
      NOTIFIER_TICK_MS: '100',
    };
    const start = async () => {
      const notifier = spawnNotifier(database.url, env);
      processes.push(notifier);
      await waitForNotifier(client, notifier);
      return notifier;
    };

    let notifier = await start();
    await approveCampaign(client, campaignId);
    const sentSoFar = async () => (await client.query(`SELECT count(*)::int AS n FROM deliveries WHERE campaign_id = $1 AND state <> 'queued' AND state <> 'sending'`, [campaignId])).rows[0].n as number;
    const killedAt: number[] = [];
    for (let kill = 1; kill <= KILLS; kill++) {
      // Kill at a random point after progress: spread over the campaign, never while idle.
      const target = Math.round((PEOPLE * kill) / (KILLS + 1.5) + Math.random() * PEOPLE * 0.08);
      await waitUntil(`${target} people done before kill ${kill}`, async () => (await sentSoFar()) >= target, 120_000, 50);
      await new Promise((r) => setTimeout(r, Math.random() * 300));
      // In flight: people of leased audience parts not recorded yet, and claimed retries or fallbacks.
      const { rows: [inFlight] } = await client.query(
        `SELECT (SELECT coalesce(sum(cardinality(delivery_ids)), 0) FROM audience_parts WHERE campaign_id = $1)::int
              + (SELECT count(*) FROM deliveries WHERE campaign_id = $1 AND state = 'sending')::int AS n`, [campaignId]);
      killedAt.push(inFlight.n);
      await notifier.kill('SIGKILL');
      notifier = await start();
    }
    const figures = await waitUntilSettled(client, campaignId, 150_000);

    // Everyone is finished: sent, waiting for the print batch, or unreachable; nobody queued or in flight.
    expect(figures.total).toBe(PEOPLE);
    expect(figures.byStateChannel).toEqual({
      'sent:email': e.email - e.bounce,
      'sent:sms': e.sms + e.bounce,
      'sent:push': e.push,
      'printing:letter': e.letter,
    });

    const rows = await deliveryRows(client, campaignId);
    const bounced = rows.filter((r) => r.email?.endsWith(BOUNCE_DOMAIN));
    expect(bounced).toHaveLength(e.bounce);
    for (const r of bounced) expect(r.tried).toEqual([expect.objectContaining({ channel: 'email', reason: 'invalid_email' })]);

    const accepted = { sendgrid: await stubs.accepted('sendgrid'), twilio: await stubs.accepted('twilio'), fcm: await stubs.accepted('fcm') };
    const { duplicates, unexplained } = checkAgainstStubs(rows, accepted);
    expect(unexplained).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(KILLS * IN_FLIGHT_PER_KILL);

    // The summary counts every lease that ran out: each kill left work in flight, all of it counted.
    const summary = await summaryOf(client, campaignId);
    expect(summary.possibleDuplicates).toBe(rows.reduce((a, r) => a + r.lease_expiries, 0));
    expect(summary.possibleDuplicates).toBeGreaterThanOrEqual(duplicates);
    expect(summary.possibleDuplicates).toBeGreaterThan(0);
    expect(summary.possibleDuplicates).toBeLessThanOrEqual(KILLS * LEASED_PER_KILL);
    expect(summary.total).toBe(PEOPLE);
    // The process that survived is the only one that was not killed.
    expect(notifier.child.exitCode).toBeNull();
    for (const p of processes) expectNoContactData(p.lines);
    console.log(`kill -9 x${KILLS}: in flight at each kill ${killedAt.join(', ')}; duplicates at the stubs ${duplicates}; possibleDuplicates ${summary.possibleDuplicates}`);
  }, 240_000);
});
