/**
 * Fan-out benchmark: `npm run bench:fanout -- --recipients 1000000 [--pgboss-recipients 100000] [--skip-floor] [--skip-pgboss] [--skip-phases]`.
 *
 * Seeds an incident with N subjects set-wise (70% e-mail, of which 5% bounce at the SendGrid stub and fall
 * back to SMS; 15% SMS only; 10% push only; 5% postal only), approves a campaign in SQL, and runs:
 *  1. the notifier, as its own process (`dist/apps/notifier/src/main.js`), against the wire-format stubs
 *     in another process (`dist/test/stubs/run.js`): wall time approval → everyone settled, recipients/s,
 *     time to first notice (approval → the first message a stub accepted), per-channel counts, peak RSS
 *     (VmHWM), CPU seconds per process (notifier, stubs, PostgreSQL) to show where the time goes;
 *  2. the floor: the same provider classes and SDKs, the same rendering, batch sizes and concurrency, from
 *     an in-memory list of the same people (no database), in this process;
 *  phases: the notifier's own work without sending (expand and lease, render, record through its repository and
 *     composer, one loop) on min(N, 100,000) people, per 1,000 recipients: where its time goes besides the SDKs;
 *  3. the conventional way: pg-boss, one job per recipient and channel, a worker that sends each job on
 *     its own through the same providers (fallback as a new job), on M ≤ N people (default min(N, 100,000)),
 *     in this process. pg-boss gets the notifier's batch sizes and concurrency as `batchSize` and workers.
 *
 * NOTIFIER_BATCH_SIZE / NOTIFIER_CONCURRENCY (and any NOTIFIER_* variable) apply to all three, and so does
 * TWILIO_CONCURRENCY (64 unless set: SMS calls in flight at once).
 * The notifier runs with the node flags `npm start` gives it (apps/notifier/src/node-flags.ts); `npm run bench:fanout`
 * gives this process (the floor, pg-boss) the same young-generation size, so that neither side wins on GC tuning.
 * BENCH_NOTIFIER_NODE_ARGS adds node flags to the notifier, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
 * Without BENCH_DATABASE_URL it starts an embedded PostgreSQL (durable, fsync on) in a temporary directory.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import PgBoss from 'pg-boss';
import {
  CHANNEL_KINDS, channelConfigFromEnv, closeChannelProviders, createChannelProviders, type ChannelKind, type ChannelProvider, type ChannelProviders,
  type OutboundMessage, type SendOutcome,
} from '#channels';
import { createDataSource, Database, ensureDatabase, migrate, startEmbeddedDatabase, withDatabase, type EmbeddedDatabase } from '#database';
import { noticeTokens } from '#domain';
import { type ClaimedDelivery, DeliveryRepository } from '../apps/notifier/src/fanout/delivery.repository.js';
import { AddressMissing, NoticeComposer } from '../apps/notifier/src/fanout/notice-composer.js';
import { type NotifierConfig, notifierConfigFromEnv } from '../apps/notifier/src/notifier-config.js';
import { cpuOf, postgresCpu } from './support/cpu.js';
import {
  approveCampaign, BOUNCE_DOMAIN, type Channel, createCampaign, deliveryFigures, NOTICE_CONTENT, seedAudience, spawnNotifier, startStubsProcess,
  type StubProvider, type StubsProcess, stubChannelEnv, subjectOf, waitForNotifier, waitUntil,
} from './support/fanout-fixture.js';

const { values } = parseArgs({
  options: {
    recipients: { type: 'string', default: '100000' },
    'pgboss-recipients': { type: 'string' },
    'skip-floor': { type: 'boolean', default: false },
    'skip-pgboss': { type: 'boolean', default: false },
    'skip-phases': { type: 'boolean', default: false },
  },
});
const N = Number(values.recipients);
const M = Number(values['pgboss-recipients'] ?? Math.min(N, 100_000));
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(M) || M < 1) {
  console.error('usage: npm run bench:fanout -- --recipients N [--pgboss-recipients M] [--skip-floor] [--skip-pgboss] [--skip-phases]');
  process.exit(2);
}
const CHAIN: Channel[] = ['email', 'sms', 'push', 'letter'];
const tuning = notifierConfigFromEnv(process.env, 'postgres://unused');
const passThrough = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith('NOTIFIER_') && v !== undefined)) as Record<string, string>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const secs = (ms: number) => (ms / 1000).toFixed(1);

// ---------------------------------------------------------------------------------------------------------
// Where the CPU goes: the notifier (or this process), the stubs, PostgreSQL (bench/support/cpu.ts).

interface CpuSplit {
  process: number;
  stubs: number;
  postgres: number;
}

async function cpuSnapshot(pid: number, stubs: StubsProcess, dataDir: string | undefined): Promise<CpuSplit> {
  return { process: await cpuOf(pid), stubs: await cpuOf(stubs.child.pid!), postgres: await postgresCpu(dataDir) };
}
const cpuDelta = (a: CpuSplit, b: CpuSplit): CpuSplit => ({ process: b.process - a.process, stubs: b.stubs - a.stubs, postgres: b.postgres - a.postgres });
const cpuLine = (c: CpuSplit, who: string) =>
  `CPU s: ${who} ${c.process.toFixed(1)}, stubs ${c.stubs.toFixed(1)}${Number.isNaN(c.postgres) ? '' : `, postgres ${c.postgres.toFixed(1)}`}`;

/**
 * Waits until the embedded PostgreSQL is idle (under 0.05 CPU-s over a second; at most three minutes), so that
 * background work left by the previous phase (autovacuum of a million fresh rows) is not charged to the next
 * one. Returns the CPU seconds it spent meanwhile (0 when its CPU cannot be read).
 */
async function postgresQuiet(dataDir: string | undefined): Promise<number> {
  const start = await postgresCpu(dataDir);
  if (Number.isNaN(start)) return 0;
  let last = start;
  for (const deadline = Date.now() + 180_000; Date.now() < deadline;) {
    await sleep(1000);
    const now = await postgresCpu(dataDir);
    if (now - last < 0.05) return now - start;
    last = now;
  }
  return last - start;
}

/** Polls the stubs until one of them has accepted a message; resolves with that moment (ms since epoch). */
function firstAccepted(stubs: StubsProcess): { done: Promise<number>; stop(): void } {
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      for (const p of Object.keys(stubs.urls) as StubProvider[]) {
        if ((await stubs.stats(p)).accepted > 0) return Date.now();
      }
      await sleep(5);
    }
    return NaN;
  })();
  return { done, stop: () => void (stopped = true) };
}

async function stubCounts(stubs: StubsProcess): Promise<Record<StubProvider, { accepted: number; duplicates: number }>> {
  const out = {} as Record<StubProvider, { accepted: number; duplicates: number }>;
  for (const p of Object.keys(stubs.urls) as StubProvider[]) {
    const s = await stubs.stats(p);
    out[p] = { accepted: s.accepted, duplicates: s.duplicates };
  }
  return out;
}

/** Composer of the notifier, fed with the campaign from memory instead of the database. */
async function offlineComposer(config: NotifierConfig, campaignId = 'bench'): Promise<NoticeComposer> {
  const row = { id: campaignId, default_language: 'en', content: NOTICE_CONTENT, remediation: null, ref: 'INC-2026-BENCH' };
  const composer = new NoticeComposer({ rows: async () => [row] } as unknown as Database, config);
  await composer.load([campaignId]);
  return composer;
}

function claimedFor(id: string, channel: ChannelKind, subject: ReturnType<typeof subjectOf>, noticeToken: string): ClaimedDelivery {
  return {
    id: id as unknown as number, campaign_id: 'bench', step: CHAIN.indexOf(channel) + 1, channel, attempts: 1, notice_token: noticeToken,
    name: subject.name, email: subject.email, phone: subject.phone, push_tokens: subject.pushTokens, postal_address: subject.postalAddress,
    language: subject.language, is_minor: false, guardian_name: null, guardian_email: null, guardian_phone: null,
  };
}

function reachable(channel: Channel, s: ReturnType<typeof subjectOf>): boolean {
  return channel === 'email' ? s.email !== null : channel === 'sms' ? s.phone !== null : channel === 'push' ? s.pushTokens.length > 0 : s.postalAddress !== null;
}

function nextChannel(s: ReturnType<typeof subjectOf>, after: Channel | null): Channel | null {
  for (let i = after === null ? 0 : CHAIN.indexOf(after) + 1; i < CHAIN.length; i++) if (reachable(CHAIN[i]!, s)) return CHAIN[i]!;
  return null;
}

// Links as the notifier makes them (a MAC of the delivery id, one cipher call for a batch), so that neither side
// pays more than the other for them.
const LINK_KEY = randomBytes(32);
const limitOf = (provider: ChannelProvider) => Math.min(tuning.batchSize, provider.maxBatch);

interface Counts {
  sent: Record<Channel, number>;
  fallbacks: number;
  unreachable: number;
}
const emptyCounts = (): Counts => ({ sent: { email: 0, sms: 0, push: 0, letter: 0 }, fallbacks: 0, unreachable: 0 });

// ---------------------------------------------------------------------------------------------------------
// 2. The floor: the same provider calls from memory.

async function runFloor(providers: ChannelProviders, composer: NoticeComposer, n: number, stubs: StubsProcess): Promise<{ ms: number; firstMs: number; counts: Counts }> {
  const queues: Record<Channel, number[]> = { email: [], sms: [], push: [], letter: [] };
  const heads: Record<Channel, number> = { email: 0, sms: 0, push: 0, letter: 0 };
  const counts = emptyCounts();
  let inFlight = 0;
  const started = Date.now();
  const first = firstAccepted(stubs);
  for (let g = 1; g <= n; g++) {
    const c = nextChannel(subjectOf(g), null);
    if (c) queues[c].push(g);
    else counts.unreachable++;
  }
  const take = (kind: Channel, limit: number): number[] => {
    const q = queues[kind];
    const out = q.slice(heads[kind], heads[kind] + limit);
    heads[kind] += out.length;
    if (heads[kind] > 100_000 && heads[kind] * 2 > q.length) {
      q.splice(0, heads[kind]);
      heads[kind] = 0;
    }
    return out;
  };
  const pending = () => CHANNEL_KINDS.some((k) => heads[k] < queues[k].length);
  const loop = async (kind: Channel) => {
    const provider = providers[kind] as ChannelProvider;
    const limit = limitOf(provider);
    for (;;) {
      const batch = take(kind, limit);
      if (batch.length === 0) {
        if (inFlight === 0 && !pending()) return;
        await sleep(2);
        continue;
      }
      inFlight++;
      const messages: OutboundMessage[] = [];
      const outcomes: SendOutcome[] = [];
      const tokens = noticeTokens(LINK_KEY, batch);
      for (const [i, g] of batch.entries()) {
        try {
          messages.push(composer.compose(claimedFor(String(g), kind, subjectOf(g), tokens[i]!)));
        } catch (error) {
          outcomes.push({ deliveryId: String(g), result: 'permanent', reason: error instanceof AddressMissing ? 'missing_address' : 'render_failed' });
        }
      }
      outcomes.push(...(await provider.send(messages)));
      for (const o of outcomes) {
        const g = Number(o.deliveryId);
        if (o.result === 'sent') counts.sent[kind]++;
        else if (o.result === 'retry') queues[kind].push(g);
        else {
          const next = nextChannel(subjectOf(g), kind);
          if (next) {
            counts.fallbacks++;
            queues[next].push(g);
          } else counts.unreachable++;
        }
      }
      inFlight--;
    }
  };
  await Promise.all(CHANNEL_KINDS.flatMap((kind) => Array.from({ length: tuning.concurrency }, () => loop(kind))));
  const ms = Date.now() - started;
  first.stop();
  return { ms, firstMs: (await first.done) - started, counts };
}

// ---------------------------------------------------------------------------------------------------------
// Where the notifier's own time goes: its database statements and rendering, one after the other with
// nothing sent (every outcome 'sent'), on a fresh campaign of P people.

async function runPhases(url: string, client: pg.Client, providers: ChannelProviders, p: number): Promise<Record<'expand' | 'render' | 'record', number>> {
  const audience = await seedAudience(client, p);
  const campaignId = await createCampaign(client, audience.incidentId, CHAIN);
  await approveCampaign(client, campaignId);
  await client.query(`UPDATE notice_campaigns SET status = 'running', started_at = now() WHERE id = $1`, [campaignId]);
  const dataSource = createDataSource(url, 2);
  await dataSource.initialize();
  const repository = new DeliveryRepository(new Database(dataSource));
  const composer = await offlineComposer(tuning, campaignId);
  const ms = { expand: 0, render: 0, record: 0 };
  const timed = async <T>(phase: keyof typeof ms, work: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    try {
      return await work();
    } finally {
      ms[phase] += performance.now() - t;
    }
  };
  try {
    const worker = randomUUID();
    for (;;) {
      const part = await timed('expand', () => repository.leaseNextPart(campaignId, tuning.expandChunk, worker, 60));
      if (!part) break;
      const sendable = part.members.filter((d) => d.step !== null);
      await timed('render', () => sendable.forEach((d) => {
        try {
          composer.compose(d);
        } catch {
          // counted as rendered
        }
      }));
      const outcomes = part.members.map((d) => d.step === null
        ? { id: d.id, result: 'unreachable' as const, reason: 'no_contact_for_chain', delayMs: 0, providerMessageId: null, provider: '' }
        : { id: d.id, result: 'sent' as const, reason: null, delayMs: 0, providerMessageId: 'x', provider: (providers[d.channel] as ChannelProvider).name });
      await timed('record', () => repository.recordPart(part, worker, outcomes, true));
      if (part.done) break;
    }
  } finally {
    await dataSource.destroy();
  }
  return ms;
}

// ---------------------------------------------------------------------------------------------------------
// 3. pg-boss: one job per recipient and channel.

interface JobData {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  push_tokens: string[];
  postal_address: string | null;
  language: string;
  token: string;
}

async function runPgBoss(url: string, client: pg.Client, providers: ChannelProviders, composer: NoticeComposer, m: number, stubs: StubsProcess): Promise<{ ms: number; firstMs: number; counts: Counts }> {
  const audience = await seedAudience(client, m);
  const boss = new PgBoss({ connectionString: url, max: 10, schedule: false });
  const errors: string[] = [];
  boss.on('error', (error) => errors.push(error.message));
  await boss.start();
  const queue = (kind: Channel) => `notice-${kind}`;
  for (const kind of CHAIN) await boss.createQueue(queue(kind));
  const counts = emptyCounts();
  let settled = 0;
  const handler = (kind: Channel) => async (jobs: PgBoss.Job<JobData>[]) => {
    const provider = providers[kind] as ChannelProvider;
    await Promise.all(jobs.map(async (job) => {
      const d = job.data;
      const subject = { name: d.name, email: d.email, phone: d.phone, pushTokens: d.push_tokens, postalAddress: d.postal_address, language: d.language };
      let outcome: SendOutcome;
      try {
        const message = composer.compose(claimedFor(d.id, kind, subject, d.token));
        outcome = (await provider.send([message]))[0]!;
      } catch {
        outcome = { deliveryId: d.id, result: 'permanent', reason: 'render_failed' };
      }
      if (outcome.result === 'sent') {
        counts.sent[kind]++;
        settled++;
      } else if (outcome.result === 'retry') {
        await boss.send(queue(kind), d, { startAfter: 1 });
      } else {
        const next = nextChannel(subject, kind);
        if (next) {
          counts.fallbacks++;
          await boss.send(queue(next), d);
        } else {
          counts.unreachable++;
          settled++;
        }
      }
    }));
  };
  for (const kind of CHAIN) {
    for (let i = 0; i < tuning.concurrency; i++) {
      await boss.work<JobData>(queue(kind), { batchSize: limitOf(providers[kind] as ChannelProvider), pollingIntervalSeconds: 0.5 }, handler(kind));
    }
  }
  const started = Date.now();
  const first = firstAccepted(stubs);
  // "Approval": read the audience page by page and enqueue one job per person on their first channel.
  let after = 0;
  for (;;) {
    const { rows } = await client.query(
      `SELECT id::int AS id, name, email, phone, push_tokens, postal_address, language FROM affected_subjects
       WHERE incident_id = $1 AND id > $2 ORDER BY id LIMIT 1000`, [audience.incidentId, after]);
    if (rows.length === 0) break;
    after = rows[rows.length - 1].id;
    const jobs: PgBoss.JobInsert<JobData>[] = [];
    const tokens = noticeTokens(LINK_KEY, rows.map((r) => r.id));
    for (const [i, r] of rows.entries()) {
      const data: JobData = { ...r, id: `pb${r.id}`, token: tokens[i]! };
      const subject = { name: r.name, email: r.email, phone: r.phone, pushTokens: r.push_tokens, postalAddress: r.postal_address, language: r.language };
      const c = nextChannel(subject, null);
      if (c) jobs.push({ name: queue(c), data });
      else {
        counts.unreachable++;
        settled++;
      }
    }
    await boss.insert(jobs);
  }
  await waitUntil('pg-boss to finish', async () => settled >= m || errors.length > 0, 3_600_000, 50);
  const ms = Date.now() - started;
  first.stop();
  await boss.stop({ graceful: false, wait: false });
  if (errors.length) throw new Error(`pg-boss: ${errors[0]}`);
  return { ms, firstMs: (await first.done) - started, counts };
}

// ---------------------------------------------------------------------------------------------------------

let embedded: EmbeddedDatabase | undefined;
let dataDir: string | undefined;
let stubs: StubsProcess | undefined;
let client: pg.Client | undefined;
const cleanup: Array<() => Promise<unknown>> = [];
try {
  let server = process.env.BENCH_DATABASE_URL;
  if (!server) {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tocsin-fanout-db-'));
    embedded = await startEmbeddedDatabase({ dir: dataDir });
    server = embedded.url;
  }
  const url = withDatabase(server, `tocsin_fanout_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(url);
  const dataSource = createDataSource(url, 2);
  await dataSource.initialize();
  await migrate(dataSource);
  await dataSource.destroy();
  client = new pg.Client({ connectionString: url });
  await client.connect();
  stubs = await startStubsProcess();
  // Twilio takes one message per call, so its concurrency bounds SMS throughput (20 sockets by default: at a real
  // round trip of 150 ms that is 133 SMS/s). An account sending at volume raises it; providers.md measured the SDK
  // at 64. The same for the notifier, the floor and pg-boss; TWILIO_CONCURRENCY in the environment overrides it.
  const env = { ...stubChannelEnv(stubs.urls), TWILIO_CONCURRENCY: process.env.TWILIO_CONCURRENCY ?? '64', ...passThrough };

  console.log(`fan-out benchmark: ${fmt(N)} recipients (70% e-mail, 5% of it bouncing to SMS; 15% SMS; 10% push; 5% letter), `
    + `batch ${tuning.batchSize}, concurrency ${tuning.concurrency} per channel, ${cpus().length} CPUs, `
    + `PostgreSQL ${embedded ? 'embedded (durable)' : 'BENCH_DATABASE_URL'}; stubs in their own process`);
  const seedStarted = Date.now();
  const audience = await seedAudience(client, N);
  const e = audience.expected;
  const campaignId = await createCampaign(client, audience.incidentId, CHAIN);
  console.log(`seeded ${fmt(N)} subjects in ${secs(Date.now() - seedStarted)} s: e-mail ${fmt(e.email)} (bounce ${fmt(e.bounce)}), SMS ${fmt(e.sms)}, push ${fmt(e.push)}, letter ${fmt(e.letter)}`);

  // 1. The notifier, as its own process.
  await stubs.fault('sendgrid', { kind: 'invalid-email', match: BOUNCE_DOMAIN, times: null });
  const notifier = spawnNotifier(url, env, (process.env.BENCH_NOTIFIER_NODE_ARGS ?? '').split(' ').filter(Boolean));
  cleanup.push(() => notifier.kill('SIGKILL'));
  await waitForNotifier(client, notifier);
  await postgresQuiet(dataDir); // the seeding's autovacuum is not the notifier's
  const cpu0 = await cpuSnapshot(notifier.pid, stubs, dataDir);
  const first = firstAccepted(stubs);
  const approved = Date.now();
  await approveCampaign(client, campaignId);
  await waitUntil('the campaign to settle', async () => {
    // EXISTS, not count(*): a probe every 100 ms must cost PostgreSQL next to nothing at a million rows.
    const { rows: [r] } = await client!.query(
      `SELECT c.expanded_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.campaign_id = c.id AND d.state = 'queued')
              AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.campaign_id = c.id AND d.state = 'sending')
              AND NOT EXISTS (SELECT 1 FROM audience_parts p WHERE p.campaign_id = c.id) AS settled
       FROM notice_campaigns c WHERE c.id = $1`, [campaignId]);
    if (notifier.child.exitCode !== null) throw new Error(`notifier exited: ${notifier.lines.slice(-10).join('\n')}`);
    return r.settled;
  }, 24 * 3_600_000, 100);
  const notifierMs = Date.now() - approved;
  first.stop();
  const firstMs = (await first.done) - approved;
  const cpu = cpuDelta(cpu0, await cpuSnapshot(notifier.pid, stubs, dataDir));
  const peak = await notifier.peakRssMb();
  const figures = await deliveryFigures(client, campaignId);
  const atStubs = await stubCounts(stubs);
  await notifier.kill('SIGTERM');
  const warnings = notifier.lines.filter((l) => /"level":(40|50)|warn|error/i.test(l));
  const rate = N / (notifierMs / 1000);
  const sc = (state: string, channel: Channel) => figures.byStateChannel[`${state}:${channel}`] ?? 0;
  console.log(`notifier: ${secs(notifierMs)} s, ${fmt(rate)} recipients/s, first notice ${fmt(firstMs)} ms after approval, peak RSS ${peak.toFixed(0)} MB (VmHWM)`);
  console.log(`  e-mail ${fmt(sc('sent', 'email'))}, SMS ${fmt(sc('sent', 'sms'))} (incl. ${fmt(e.bounce)} bounced e-mails), push ${fmt(sc('sent', 'push'))}, `
    + `letter ${fmt(sc('printing', 'letter'))} (print queue), unreachable ${fmt(figures.byState.unreachable ?? 0)}; `
    + `accepted at the stubs: ${(['sendgrid', 'twilio', 'fcm'] as const).map((p) => `${p} ${fmt(atStubs[p].accepted)} (dup ${atStubs[p].duplicates})`).join(', ')}`);
  console.log(`  ${cpuLine(cpu, 'notifier')}; ${warnings.length} warning lines`);
  for (const w of warnings.slice(0, 5)) console.log(`  ! ${w.slice(0, 300)}`);
  const after = await postgresQuiet(dataDir);
  if (after >= 0.1) console.log(`  PostgreSQL after the campaign settled (autovacuum of its deliveries): ${after.toFixed(1)} CPU-s, not in the figures above`);

  // 2 and 3 run in this process with the same providers and rendering.
  const providers = createChannelProviders(channelConfigFromEnv(env), { letterQueue: async () => undefined });
  cleanup.push(() => closeChannelProviders(providers));
  const composer = await offlineComposer(tuning);
  let floor: Awaited<ReturnType<typeof runFloor>> | undefined;
  if (!values['skip-floor']) {
    await stubs.reset();
    await stubs.fault('sendgrid', { kind: 'invalid-email', match: BOUNCE_DOMAIN, times: null });
    const c0 = await cpuSnapshot(process.pid, stubs, dataDir);
    floor = await runFloor(providers, composer, N, stubs);
    const c = cpuDelta(c0, await cpuSnapshot(process.pid, stubs, dataDir));
    const s = await stubCounts(stubs);
    console.log(`floor (same SDK calls from memory, no database): ${secs(floor.ms)} s, ${fmt(N / (floor.ms / 1000))} recipients/s; `
      + `e-mail ${fmt(floor.counts.sent.email)}, SMS ${fmt(floor.counts.sent.sms)}, push ${fmt(floor.counts.sent.push)}, letter ${fmt(floor.counts.sent.letter)}, `
      + `unreachable ${fmt(floor.counts.unreachable)}; dup at stubs ${s.sendgrid.duplicates + s.twilio.duplicates + s.fcm.duplicates}`);
    console.log(`  ${cpuLine(c, 'bench')}`);
  }
  if (!values['skip-phases']) {
    const p = Math.min(N, 100_000);
    const phases = await runPhases(url, client, providers, p);
    const total = phases.expand + phases.render + phases.record;
    const per = (v: number) => `${((v / p) * 1000).toFixed(0)} ms`;
    console.log(`notifier's own work per 1,000 recipients (${fmt(p)} people, one loop, nothing sent): expand and lease ${per(phases.expand)}, `
      + `render ${per(phases.render)}, record ${per(phases.record)}; total ${per(total)} = ${fmt(p / (total / 1000))} recipients/s on one loop `
      + `(sending: see the floor)`);
  }
  let boss: Awaited<ReturnType<typeof runPgBoss>> | undefined;
  if (!values['skip-pgboss']) {
    await stubs.reset();
    await stubs.fault('sendgrid', { kind: 'invalid-email', match: BOUNCE_DOMAIN, times: null });
    const c0 = await cpuSnapshot(process.pid, stubs, dataDir);
    boss = await runPgBoss(url, client, providers, composer, M, stubs);
    const c = cpuDelta(c0, await cpuSnapshot(process.pid, stubs, dataDir));
    console.log(`pg-boss (one job per recipient and channel) on ${fmt(M)} recipients: ${secs(boss.ms)} s, ${fmt(M / (boss.ms / 1000))} recipients/s, `
      + `first notice ${fmt(boss.firstMs)} ms; e-mail ${fmt(boss.counts.sent.email)}, SMS ${fmt(boss.counts.sent.sms)}, push ${fmt(boss.counts.sent.push)}, `
      + `letter ${fmt(boss.counts.sent.letter)}, fallbacks ${fmt(boss.counts.fallbacks)}`);
    console.log(`  ${cpuLine(c, 'bench')}`);
  }

  console.log('');
  console.log(`recipients/s   notifier ${fmt(rate)}${floor ? ` | floor ${fmt(N / (floor.ms / 1000))}` : ''}${boss ? ` | pg-boss ${fmt(M / (boss.ms / 1000))} (on ${fmt(M)})` : ''}`);
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  if (floor) console.log(`notifier / floor time: ${(notifierMs / floor.ms).toFixed(2)}x (goal ≤ 1.5x: ${verdict(notifierMs / floor.ms <= 1.5)})`);
  if (boss) {
    const speedup = rate / (M / (boss.ms / 1000));
    console.log(`notifier vs pg-boss: ${speedup.toFixed(1)}x the rate (goal ≥ 5x: ${verdict(speedup >= 5)})`);
  }
  console.log(`first notice: ${fmt(firstMs)} ms (goal < 1000 ms: ${verdict(firstMs < 1000)}); peak RSS ${peak.toFixed(0)} MB (goal < 512 MB: ${verdict(peak < 512)})`);
  const ok = sc('sent', 'email') === e.email - e.bounce && sc('sent', 'sms') === e.sms + e.bounce && sc('sent', 'push') === e.push && sc('printing', 'letter') === e.letter;
  if (!ok) {
    console.error(`the notifier's figures do not match the audience: ${JSON.stringify(figures.byStateChannel)}`);
    process.exitCode = 1;
  }
} finally {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  await stubs?.stop();
  await client?.end();
  await embedded?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
