/**
 * Shared by the fan-out benchmark and the notifier resilience tests: seed an incident with N affected
 * subjects set-wise (one INSERT … SELECT generate_series), create and approve a notice campaign through
 * SQL, run the wire-format provider stubs and the notifier as separate processes, and read what happened
 * (delivery states, stub counters, peak RSS).
 *
 * Audience mix by subject number g (1-based), as the benchmark asks for:
 *   g % 100 <  70  e-mail (70%); of those, every 20th hundred (5% of e-mail) has an address at the bouncing
 *                  domain BOUNCE_DOMAIN and a phone, so it falls back to SMS once the SendGrid stub bounces it;
 *   g % 100 <  85  phone only (15%);
 *   g % 100 <  95  push token only (10%);
 *   otherwise      postal address only (5%).
 * The bouncing people share one domain so one targeted stub fault (`match: BOUNCE_DOMAIN`) bounces all of
 * them: the stub scans its fault list per request, one fault per address would be quadratic at a million people.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { campaignContentHash, type NoticeContent } from '#domain';
import type { Sql } from '#database';
import { campaignSummary, type CampaignSummary } from '#records';
import { NOTIFIER_NODE_FLAGS } from '../../apps/notifier/src/node-flags.js';

/** The repository root (this file runs from bench/support or dist/bench/support). */
export const ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!dir.endsWith(`${path.sep}bench`)) dir = path.dirname(dir);
  dir = path.dirname(dir);
  return path.basename(dir) === 'dist' ? path.dirname(dir) : dir;
})();

/** Every address at this domain bounces (as a 400 naming each of them) when the stub is told so. */
export const BOUNCE_DOMAIN = '@bounce.example.org';
export type Channel = 'email' | 'sms' | 'push' | 'letter';
export const STUB_PROVIDERS = { email: 'sendgrid', sms: 'twilio', push: 'fcm' } as const;
export type StubProvider = (typeof STUB_PROVIDERS)[keyof typeof STUB_PROVIDERS];

const TEXTS = {
  subject: 'Security incident {{incidentRef}}',
  whatHappened: 'Dear {{name}}, a storage bucket holding your contact details was publicly readable for three hours on 20 November.',
  measuresTaken: 'We closed access, rotated every key and reviewed the access logs.',
  selfProtection: 'Be wary of messages asking for your password. Read the full notice: {{noticeUrl}}',
  remedialMeasures: 'We offer 12 months of identity monitoring free of charge.',
  contactPoint: 'Data protection officer, dpo@example.org, +49 30 1234567',
};
export const NOTICE_CONTENT: NoticeContent = { en: TEXTS, de: TEXTS } as unknown as NoticeContent;

/** A pg client as the `Sql` the notifier's summary function takes. */
export function sqlOf(client: pg.ClientBase): Sql {
  return {
    rows: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
    one: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows[0] as T | undefined,
  };
}

export interface SeededAudience {
  incidentId: string;
  ref: string;
  subjects: number;
  /** Expected counts by first channel, and the bouncing e-mails (which end on SMS). */
  expected: { email: number; bounce: number; sms: number; push: number; letter: number };
}

/** Expected mix for subjects 1..n (see the header). */
export function expectedMix(n: number): SeededAudience['expected'] {
  const e = { email: 0, bounce: 0, sms: 0, push: 0, letter: 0 };
  for (let g = 1; g <= n; g++) {
    const r = g % 100;
    if (r < 70) {
      e.email++;
      if (Math.floor(g / 100) % 20 === 0) e.bounce++;
    } else if (r < 85) e.sms++;
    else if (r < 95) e.push++;
    else e.letter++;
  }
  return e;
}

/** Subject number g of the mix, as `seedAudience` writes it (for runs without a database). */
export function subjectOf(g: number): { name: string; email: string | null; phone: string | null; pushTokens: string[]; postalAddress: string | null; language: string } {
  const r = g % 100;
  const bounce = r < 70 && Math.floor(g / 100) % 20 === 0;
  return {
    name: `Person ${g}`,
    email: r < 70 ? (bounce ? `b${g}${BOUNCE_DOMAIN}` : `p${g}@example.org`) : null,
    phone: (r >= 70 && r < 85) || bounce ? `+4915${String(g).padStart(9, '0')}` : null,
    pushTokens: r >= 85 && r < 95 ? [`tok-${g}`] : [],
    postalAddress: r >= 95 ? `Street ${g}|10115 Berlin` : null,
    language: g % 2 === 0 ? 'de' : 'en',
  };
}

/** An incident with `n` subjects in the benchmark mix, inserted set-wise. */
export async function seedAudience(client: pg.ClientBase, n: number): Promise<SeededAudience> {
  const incident = await createIncident(client);
  // Chunks of 200k keep each statement's memory modest at a million rows.
  for (let from = 1; from <= n; from += 200_000) {
    const to = Math.min(n, from + 199_999);
    await client.query(
      `INSERT INTO affected_subjects (incident_id, external_ref, name, email, phone, push_tokens, postal_address, country, language)
       SELECT $1, 'S' || g, 'Person ' || g,
              CASE WHEN g % 100 < 70 THEN CASE WHEN (g / 100) % 20 = 0 THEN 'b' || g || $2 ELSE 'p' || g || '@example.org' END END,
              CASE WHEN (g % 100 >= 70 AND g % 100 < 85) OR (g % 100 < 70 AND (g / 100) % 20 = 0)
                   THEN '+4915' || lpad(g::text, 9, '0') END,
              CASE WHEN g % 100 >= 85 AND g % 100 < 95 THEN ARRAY['tok-' || g] ELSE '{}' END,
              CASE WHEN g % 100 >= 95 THEN 'Street ' || g || '|10115 Berlin' END,
              'DE', CASE WHEN g % 2 = 0 THEN 'de' ELSE 'en' END
       FROM generate_series($3::int, $4::int) AS g`,
      [incident.id, BOUNCE_DOMAIN, from, to],
    );
  }
  await client.query('ANALYZE affected_subjects');
  return { incidentId: incident.id, ref: incident.ref, subjects: n, expected: expectedMix(n) };
}

export async function createIncident(client: pg.ClientBase): Promise<{ id: string; ref: string }> {
  const ref = `INC-2026-${randomBytes(4).toString('hex').toUpperCase()}`;
  const { rows: [incident] } = await client.query(
    `INSERT INTO incidents (ref, title, aware_at, created_by) VALUES ($1, 'Fan-out benchmark', now(), $2) RETURNING id, ref`,
    [ref, randomUUID()],
  );
  return incident;
}

/** A campaign on the whole audience, as a draft with a valid content hash; approve it with `approveCampaign`. */
export async function createCampaign(client: pg.ClientBase, incidentId: string, chain: Channel[] = ['email', 'sms', 'push', 'letter']): Promise<string> {
  const frozen = { audience: { kind: 'all' as const }, channelChain: chain, defaultLanguage: 'en', content: NOTICE_CONTENT, remediation: null, substitutePolicy: null };
  const hash = campaignContentHash(frozen as Parameters<typeof campaignContentHash>[0]);
  const { rows: [campaign] } = await client.query(
    `INSERT INTO notice_campaigns (incident_id, name, audience, channel_chain, default_language, content, content_hash, author_id)
     VALUES ($1, 'First notice', $2, $3, 'en', $4, $5, $6) RETURNING id`,
    [incidentId, JSON.stringify(frozen.audience), chain, JSON.stringify(NOTICE_CONTENT), hash, randomUUID()],
  );
  return campaign.id;
}

/** Four-eyes approval in SQL (another person than the author); returns the wall-clock time it committed. */
export async function approveCampaign(client: pg.ClientBase, campaignId: string): Promise<number> {
  const { rowCount } = await client.query(
    `UPDATE notice_campaigns SET status = 'approved', approved_by = $2, approved_at = now(), approved_hash = content_hash,
            version = version + 1, updated_at = now()
     WHERE id = $1 AND status = 'draft'`,
    [campaignId, randomUUID()],
  );
  if (rowCount !== 1) throw new Error('campaign was not a draft');
  return Date.now();
}

export interface DeliveryFigures {
  /** state → count */
  byState: Record<string, number>;
  /** `${state}:${channel}` → count */
  byStateChannel: Record<string, number>;
  expanded: boolean;
  total: number;
}

export async function deliveryFigures(client: pg.ClientBase, campaignId: string): Promise<DeliveryFigures> {
  // One statement, so one snapshot: a part recorded between two reads would be in neither (its people are in
  // audience_parts until the transaction that writes their deliveries deletes it).
  const { rows } = await client.query(
    `SELECT state, channel, count(*)::int AS n FROM deliveries WHERE campaign_id = $1 GROUP BY 1, 2
     UNION ALL
     SELECT 'sending', 'part', sum(cardinality(delivery_ids))::int FROM audience_parts WHERE campaign_id = $1 HAVING count(*) > 0
     UNION ALL
     SELECT '#expanded', NULL, 1 FROM notice_campaigns WHERE id = $1 AND expanded_at IS NOT NULL`, [campaignId]);
  const figures: DeliveryFigures = { byState: {}, byStateChannel: {}, expanded: false, total: 0 };
  for (const r of rows) {
    if (r.state === '#expanded') {
      figures.expanded = true;
      continue;
    }
    figures.byState[r.state] = (figures.byState[r.state] ?? 0) + r.n;
    figures.byStateChannel[`${r.state}:${r.channel}`] = r.n;
    figures.total += r.n;
  }
  return figures;
}

/** Settled: fully expanded and nothing queued or in flight (letters wait in 'printing' for their print batch). */
export function isSettled(f: DeliveryFigures): boolean {
  return f.expanded && !f.byState.queued && !f.byState.sending;
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function waitUntilSettled(client: pg.ClientBase, campaignId: string, timeoutMs: number): Promise<DeliveryFigures> {
  return waitUntil('the campaign to settle', async () => {
    const f = await deliveryFigures(client, campaignId);
    return isSettled(f) ? f : undefined;
  }, timeoutMs, 250);
}

export function summaryOf(client: pg.ClientBase, campaignId: string): Promise<CampaignSummary> {
  return campaignSummary(sqlOf(client), campaignId);
}

// ---------------------------------------------------------------------------------------------------------
// Stubs as a separate process

export interface StubStats {
  requests: number;
  accepted: number;
  unique: number;
  duplicates: number;
  maxInFlight: number;
  connections: number;
}

export interface StubsProcess {
  urls: Record<StubProvider, string>;
  child: ChildProcess;
  stats(provider: StubProvider): Promise<StubStats>;
  /** Accepted messages per delivery id. */
  accepted(provider: StubProvider): Promise<Record<string, number>>;
  fault(provider: StubProvider, fault: Record<string, unknown>): Promise<void>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStubsProcess(options: { latencyMs?: number } = {}): Promise<StubsProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/test/stubs/run.js'), '--provider', 'all', '--port', '0', '--latency-ms', String(options.latencyMs ?? 0)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`stubs exited with ${code}`)));
  });
  const urls = JSON.parse(line) as Record<StubProvider, string>;
  const control = async (provider: StubProvider, p: string, init?: RequestInit) => {
    const res = await fetch(`${urls[provider]}/__stub/${p}`, init);
    if (!res.ok) throw new Error(`stub ${provider} ${p}: ${res.status}`);
    return res.status === 204 ? undefined : res.json();
  };
  return {
    urls,
    child,
    stats: (provider) => control(provider, 'stats') as Promise<StubStats>,
    accepted: (provider) => control(provider, 'accepted') as Promise<Record<string, number>>,
    fault: async (provider, fault) => void (await control(provider, 'faults', { method: 'POST', body: JSON.stringify(fault), headers: { 'content-type': 'application/json' } })),
    reset: async () => void (await Promise.all((Object.keys(urls) as StubProvider[]).map((p) => control(p, 'reset', { method: 'POST' })))),
    stop: () => stopChild(child),
  };
}

/** Sum of accepted messages beyond the first per delivery id, over every stub. */
export async function stubDuplicates(stubs: StubsProcess): Promise<{ total: number; perProvider: Record<StubProvider, number> }> {
  const perProvider = {} as Record<StubProvider, number>;
  let total = 0;
  for (const p of Object.keys(stubs.urls) as StubProvider[]) {
    perProvider[p] = (await stubs.stats(p)).duplicates;
    total += perProvider[p];
  }
  return { total, perProvider };
}

// ---------------------------------------------------------------------------------------------------------
// The notifier as a separate process

/** Environment pointing the real SDKs at the stubs; credentials are the stubs' (any well-formed value). */
export function stubChannelEnv(urls: Record<StubProvider, string>): Record<string, string> {
  return {
    SENDGRID_API_KEY: 'SG.stub-key',
    SENDGRID_FROM: 'Tocsin <noreply@example.org>',
    SENDGRID_BASE_URL: urls.sendgrid,
    TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`,
    TWILIO_AUTH_TOKEN: 'stub-token',
    TWILIO_FROM: '+15005550006',
    TWILIO_BASE_URL: urls.twilio,
    // The stub counts messages per delivery id, which travels in the status callback URL.
    TWILIO_STATUS_CALLBACK_URL: 'http://127.0.0.1:9/v1/webhooks/twilio',
    FCM_ACCESS_TOKEN: 'stub-access-token',
    FCM_PROJECT_ID: 'tocsin-stub',
    FCM_BASE_URL: urls.fcm,
    LETTER_PROVIDER: 'print-queue',
  };
}

export interface NotifierProcess {
  child: ChildProcess;
  pid: number;
  /** Every line the process wrote (stdout and stderr). */
  lines: string[];
  exited: Promise<number | null>;
  /** Peak resident set (VmHWM) in MB, read from /proc while the process lives. */
  peakRssMb(): Promise<number>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnNotifier(databaseUrl: string, env: Record<string, string>, nodeArgs: string[] = []): NotifierProcess {
  const child = spawn(process.execPath, [...NOTIFIER_NODE_FLAGS, ...nodeArgs, path.join(ROOT, 'dist/apps/notifier/src/main.js')], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: databaseUrl, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (l) => lines.push(l));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid!,
    lines,
    exited,
    peakRssMb: () => peakRssMb(child.pid!),
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

export async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
}

/** Waits until the notifier has registered itself (its boot is done). */
export async function waitForNotifier(client: pg.ClientBase, notifier: NotifierProcess, timeoutMs = 30_000): Promise<void> {
  await waitUntil('the notifier to register', async () => {
    if (notifier.child.exitCode !== null) throw new Error(`notifier exited (${notifier.child.exitCode}): ${notifier.lines.slice(-20).join('\n')}`);
    const { rows } = await client.query('SELECT 1 FROM notifier_workers WHERE pid = $1 AND stopped_at IS NULL', [notifier.pid]);
    return rows.length > 0;
  }, timeoutMs, 50);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
