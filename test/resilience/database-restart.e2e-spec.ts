/**
 * PostgreSQL stops mid-campaign and comes back a few seconds later on the same port and data directory
 * (a server of this test's own, not the shared one). The notifier process keeps running: its loops log,
 * wait and retry, and the campaign finishes with nobody lost. The outage is shorter than the lease, so the
 * batches that were out when the database went away are recorded once it is back, not sent again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createDataSource, ensureDatabase, migrate, startEmbeddedDatabase, withDatabase, type EmbeddedDatabase } from '#database';
import {
  approveCampaign, BOUNCE_DOMAIN, createCampaign, type NotifierProcess, seedAudience, spawnNotifier, startStubsProcess,
  type StubsProcess, stubChannelEnv, summaryOf, waitForNotifier, waitUntil, waitUntilSettled,
} from '../../bench/support/fanout-fixture.js';
import { checkAgainstStubs, deliveryRows, expectNoContactData } from './support.js';

const PEOPLE = 20_000;
const OUTAGE_MS = 4_000;

let dir: string;
let server: EmbeddedDatabase | undefined;
let url: string;
let stubs: StubsProcess;
let notifier: NotifierProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tocsin-restart-'));
  // Durable (not ephemeral): the data must survive the stop.
  server = await startEmbeddedDatabase({ dir });
  url = withDatabase(server.url, 'tocsin_restart');
  await ensureDatabase(url);
  const dataSource = createDataSource(url, 2);
  await dataSource.initialize();
  await migrate(dataSource);
  await dataSource.destroy();
  // Each request spends 200 ms at the stubs, so a send loop is almost always waiting on a provider, not on the
  // database: when the database stops, batches are in flight and must record their outcomes once it is back.
  stubs = await startStubsProcess({ latencyMs: 200 });
}, 120_000);

afterAll(async () => {
  await notifier?.kill('SIGKILL');
  await stubs?.stop();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

describe('a database restart in the middle of a campaign', () => {
  it('the running notifier logs, retries, and completes the campaign once the database is back', async () => {
    let client = await connect();
    const audience = await seedAudience(client, PEOPLE);
    const e = audience.expected;
    await stubs.fault('sendgrid', { kind: 'invalid-email', match: BOUNCE_DOMAIN, times: null });
    const campaignId = await createCampaign(client, audience.incidentId);
    notifier = spawnNotifier(url, { ...stubChannelEnv(stubs.urls), NOTIFIER_LEASE_SECONDS: '20', NOTIFIER_TICK_MS: '100', NOTIFIER_BATCH_SIZE: '250', NOTIFIER_EXPAND_CHUNK: '250' });
    await waitForNotifier(client, notifier);
    await approveCampaign(client, campaignId);
    await waitUntil('a quarter of the campaign', async () => {
      const { rows: [r] } = await client.query(`SELECT count(*)::int AS n FROM deliveries WHERE campaign_id = $1 AND state IN ('sent', 'printing')`, [campaignId]);
      return r.n >= PEOPLE / 4;
    }, 60_000, 50);

    await client.end();
    const port = server!.port;
    const linesBefore = notifier.lines.length;
    await server!.stop();
    server = undefined;
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    expect(notifier.child.exitCode).toBeNull();
    const duringOutage = notifier.lines.slice(linesBefore);
    server = await startEmbeddedDatabase({ dir, port });
    client = await connect();
    try {
      const figures = await waitUntilSettled(client, campaignId, 120_000);
      // The same process did it all: it never exited.
      expect(notifier.child.exitCode).toBeNull();
      const { rows: workers } = await client.query('SELECT pid FROM notifier_workers');
      expect(workers.map((w) => w.pid)).toEqual([notifier.pid]);
      // Its loops said what went wrong while the database was away.
      expect(duringOutage.some((l) => /loop: /.test(l))).toBe(true);
      expect(duringOutage.some((l) => /tick: /.test(l))).toBe(true);

      expect(figures.byStateChannel).toEqual({
        'sent:email': e.email - e.bounce,
        'sent:sms': e.sms + e.bounce,
        'sent:push': e.push,
        'printing:letter': e.letter,
      });
      const rows = await deliveryRows(client, campaignId);
      const accepted = { sendgrid: await stubs.accepted('sendgrid'), twilio: await stubs.accepted('twilio'), fcm: await stubs.accepted('fcm') };
      const { duplicates, unexplained } = checkAgainstStubs(rows, accepted);
      expect(unexplained).toEqual([]);
      expect(duplicates).toBe(0);
      expect(duringOutage.some((l) => /recording \d+ outcomes failed, retrying/.test(l))).toBe(true);
      const summary = await summaryOf(client, campaignId);
      expect(summary.possibleDuplicates).toBeGreaterThanOrEqual(duplicates);
      expectNoContactData(notifier.lines);
      console.log(`database restart: ${duringOutage.length} log lines during the ${OUTAGE_MS} ms outage; duplicates at the stubs ${duplicates}; possibleDuplicates ${summary.possibleDuplicates}`);
    } finally {
      await client.end();
    }
  }, 200_000);
});
