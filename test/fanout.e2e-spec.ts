import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { noticeToken, noticeTokenDeliveryId } from '#domain';
import { permanent, REASONS, retry } from '#channels';
import { createDataSource, Database } from '#database';
import { DeliveryRepository } from '../apps/notifier/src/fanout/delivery.repository.js';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { memoryProviders, startNotifier } from './support/notifier-harness.js';

let api: ApiHarness;
let responder: string;
let approver: string;
let db: pg.Client;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

const texts = {
  subject: 'Security incident {{incidentRef}}',
  whatHappened: 'Dear {{name}}, a storage bucket holding your address was public for three hours.',
  measuresTaken: 'We closed access and rotated every key.',
  selfProtection: 'Be wary of messages asking for your password.',
  remedialMeasures: 'We offer 12 months of identity monitoring.',
  contactPoint: 'Data protection officer, dpo@example.org',
};

/** n subjects: 70% e-mail (every 20th bounces), 15% phone only, 10% push only, 4% postal only, 1% none. */
function subjectsCsv(n: number): string {
  const lines = ['externalRef,name,email,phone,pushTokens,postalAddress,country,language'];
  for (let i = 0; i < n; i++) {
    const r = i % 100;
    const phone = `+4915${String(100000000 + i).slice(0, 9)}`;
    if (r < 70) lines.push(`S${i},Person ${i},${i % 20 === 0 ? 'bounce' : 'p'}${i}@example.org,${i % 20 === 0 ? phone : ''},,,DE,de`);
    else if (r < 85) lines.push(`S${i},Person ${i},,${phone},,,DE,en`);
    else if (r < 95) lines.push(`S${i},Person ${i},,,tok${i},,DE,en`);
    else if (r < 99) lines.push(`S${i},Person ${i},,,,"Street ${i}|Berlin",DE,de`);
    else lines.push(`S${i},Person ${i},,,,,DE,de`);
  }
  return lines.join('\n') + '\n';
}

async function approvedCampaign(subjects: number, chain = ['email', 'sms', 'push', 'letter']): Promise<{ id: string; ref: string }> {
  const incident = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'Fan-out', awareAt: '2026-11-20T08:00:00Z' });
  const ref = incident.body.ref;
  const imported = await api.http.post(`/v1/incidents/${ref}/subjects/import`).set(auth(responder)).set('Content-Type', 'text/csv').send(subjectsCsv(subjects));
  expect(imported.body.rowsAccepted).toBe(subjects);
  const created = await api.http.post(`/v1/incidents/${ref}/campaigns`).set(auth(responder))
    .send({ name: 'First notice', audience: { kind: 'all' }, channelChain: chain, defaultLanguage: 'en', content: { en: texts, de: texts } });
  expect(created.status).toBe(201);
  const approved = await api.http.post(`/v1/incidents/${ref}/campaigns/${created.body.id}/approve`).set(auth(approver))
    .send({ version: created.body.version, contentHash: created.body.contentHash });
  expect(approved.status).toBe(200);
  return { id: created.body.id, ref };
}

async function waitForStatus(campaignId: string, status: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await db.query('SELECT status FROM notice_campaigns WHERE id = $1', [campaignId]);
    if (rows[0]?.status === status) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`campaign did not reach ${status}`);
}

beforeAll(async () => {
  api = await startApi();
  responder = await api.token('responder');
  approver = await api.token('approver');
  db = new pg.Client({ connectionString: api.database.url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await api?.close();
});

describe('fan-out', () => {
  it('tells every person once, falls back on bounces, and marks the rest unreachable with reasons', async () => {
    const providers = memoryProviders((kind, m) =>
      kind === 'email' && 'to' in m && m.to.startsWith('bounce') ? permanent(m.deliveryId, REASONS.invalidEmail) : undefined);
    const campaign = await approvedCampaign(1000);
    const notifier = await startNotifier(api.database.url, providers);
    try {
      await waitForStatus(campaign.id, 'completed');
    } finally {
      await notifier.close();
    }

    const { rows: states } = await db.query(
      `SELECT state, channel, count(*)::int AS n FROM deliveries WHERE campaign_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`, [campaign.id]);
    const count = (state: string, channel?: string) => states.filter((r) => r.state === state && (!channel || r.channel === channel)).reduce((a, r) => a + r.n, 0);
    expect(count('sent') + count('unreachable')).toBe(1000);
    expect(count('sent', 'email')).toBe(700 - 40);
    expect(count('sent', 'sms')).toBe(150 + 40);
    expect(count('sent', 'push')).toBe(100);
    expect(count('sent', 'letter')).toBe(40);
    expect(count('unreachable')).toBe(10);

    // Each person notified exactly once: one recorded message per sent delivery, no delivery twice.
    const recorded = providers.all();
    expect(recorded.length).toBe(count('sent'));
    expect(new Set(recorded.map((r) => r.deliveryId)).size).toBe(recorded.length);

    // A bounce the provider reports at once moves the person to SMS within their audience part: the delivery
    // is written once, sent on SMS, with the e-mail's failure in its history (never queued, claimed, updated).
    const { rows: bounced } = await db.query(
      `SELECT d.state, d.channel, d.step, d.attempts, d.tried, d.updated_at = d.created_at AS written_once
       FROM deliveries d JOIN affected_subjects s ON s.id = d.subject_id WHERE d.campaign_id = $1 AND s.email LIKE 'bounce%'`, [campaign.id]);
    expect(bounced).toHaveLength(40);
    for (const b of bounced) {
      expect(b).toEqual({ state: 'sent', channel: 'sms', step: 2, attempts: 1, written_once: true, tried: [expect.objectContaining({ channel: 'email', reason: 'invalid_email' })] });
    }
    const { rows: nobody } = await db.query(`SELECT tried FROM deliveries WHERE campaign_id = $1 AND state = 'unreachable'`, [campaign.id]);
    for (const u of nobody) expect(u.tried).toEqual([expect.objectContaining({ reason: 'no_contact_for_chain' })]);

    const { rows: [c] } = await db.query('SELECT summary, started_at, finished_at, expanded_count FROM notice_campaigns WHERE id = $1', [campaign.id]);
    expect(c.summary.total).toBe(1000);
    expect(Number(c.expanded_count)).toBe(1000); // kept by the expansion, chunk by chunk
    expect(c.summary.notifiedByChannel).toEqual({ email: 660, sms: 190, push: 100, letter: 40 });
    expect(c.summary.unreachableReasons).toEqual({ none: { no_contact_for_chain: 10 } });
    expect(c.summary.firstSentAt).not.toBeNull();

    // Links are derived from the delivery id and the campaign's key, never stored.
    const { rows: tokens } = await db.query(
      'SELECT d.id, d.notice_token, c.link_key FROM deliveries d JOIN notice_campaigns c ON c.id = d.campaign_id WHERE d.campaign_id = $1', [campaign.id]);
    expect(tokens.filter((t) => t.notice_token !== null)).toEqual([]);
    const derived = tokens.map((t) => noticeToken(t.link_key, t.id));
    expect(new Set(derived).size).toBe(1000);
    for (const t of derived) expect(t).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await db.query('SELECT count(*)::int AS n FROM audience_parts WHERE campaign_id = $1', [campaign.id])).rows[0].n).toBe(0);
  });

  it('moves a person along the whole chain within their part when every channel fails them for good, and writes them unreachable once', async () => {
    // The bouncing e-mail people also have a phone; here their numbers are refused too.
    const providers = memoryProviders((kind, m) => {
      if (kind === 'email' && 'to' in m && m.to.startsWith('bounce')) return permanent(m.deliveryId, REASONS.invalidEmail);
      if (kind === 'sms' && 'to' in m && bouncePhones.has(m.to)) return permanent(m.deliveryId, REASONS.invalidNumber);
      return undefined;
    });
    // Of 200 subjects, those with i % 20 === 0 and i % 100 < 70 have a bouncing address (8 people).
    const bouncing = Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 20 === 0 && i % 100 < 70);
    const bouncePhones = new Set(bouncing.map((i) => `+4915${String(100000000 + i).slice(0, 9)}`));
    const campaign = await approvedCampaign(200);
    const notifier = await startNotifier(api.database.url, providers);
    try {
      await waitForStatus(campaign.id, 'completed');
    } finally {
      await notifier.close();
    }
    const { rows } = await db.query(
      `SELECT d.state, d.tried, d.updated_at = d.created_at AS written_once
       FROM deliveries d JOIN affected_subjects s ON s.id = d.subject_id WHERE d.campaign_id = $1 AND s.email LIKE 'bounce%'`, [campaign.id]);
    expect(rows).toHaveLength(bouncing.length);
    for (const r of rows) {
      expect(r).toEqual({
        state: 'unreachable', written_once: true,
        tried: [expect.objectContaining({ channel: 'email', reason: 'invalid_email' }), expect.objectContaining({ channel: 'sms', reason: 'invalid_number' })],
      });
    }
    const { rows: [summary] } = await db.query('SELECT summary FROM notice_campaigns WHERE id = $1', [campaign.id]);
    expect(summary.summary.unreachableReasons.sms).toEqual({ invalid_number: bouncing.length });
  });

  it('keeps each channel within its send slots however many audience loops share it', async () => {
    const memory = memoryProviders();
    let active = 0;
    let most = 0;
    // A slow e-mail provider: while one batch is out, the other audience loops have parts of their own to send.
    const email = {
      kind: 'email' as const, name: memory.email.name, maxBatch: memory.email.maxBatch,
      send: async (batch: Parameters<typeof memory.email.send>[0]) => {
        most = Math.max(most, ++active);
        try {
          await new Promise((r) => setTimeout(r, 30));
          return await memory.email.send(batch);
        } finally {
          active--;
        }
      },
    };
    const campaign = await approvedCampaign(1000);
    const notifier = await startNotifier(api.database.url, { ...memory, email }, { concurrency: 1, audienceLoops: 3, batchSize: 100, expandChunk: 200 });
    try {
      await waitForStatus(campaign.id, 'completed');
    } finally {
      await notifier.close();
    }
    const { rows: [sent] } = await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE campaign_id = $1 AND state = 'sent' AND channel = 'email'`, [campaign.id]);
    expect(sent.n).toBe(700);
    expect(most).toBe(1);
  });

  it('retries what is retryable, honouring Retry-After, and gives up on a channel after its attempts', async () => {
    const seen = new Map<string, number>();
    const providers = memoryProviders((kind, m) => {
      const n = (seen.get(m.deliveryId) ?? 0) + 1;
      seen.set(m.deliveryId, n);
      if (kind === 'email' && n <= 2) return retry(m.deliveryId, REASONS.rateLimited, 30);
      if (kind === 'sms') return retry(m.deliveryId, REASONS.providerUnavailable);
      return undefined;
    });
    const campaign = await approvedCampaign(200, ['email', 'sms']);
    const notifier = await startNotifier(api.database.url, providers, { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 } });
    try {
      await waitForStatus(campaign.id, 'completed');
    } finally {
      await notifier.close();
    }
    const { rows } = await db.query(`SELECT state, channel, attempts, tried FROM deliveries WHERE campaign_id = $1`, [campaign.id]);
    const emailed = rows.filter((r) => r.state === 'sent' && r.channel === 'email');
    expect(emailed).toHaveLength(140);
    for (const r of emailed) expect(r.attempts).toBe(3);
    // Phone-only people and bounced-email people only had SMS, which never recovered: unreachable after 3 attempts.
    const smsOnly = rows.filter((r) => r.state === 'unreachable' && r.tried.some((t: { reason: string }) => t.reason === 'retries_exhausted:provider_unavailable'));
    expect(smsOnly.length).toBe(30);
    expect(rows.filter((r) => r.state === 'unreachable').length).toBe(200 - 140);
  });

  it('several notifiers on one campaign never send one delivery twice', async () => {
    const a = memoryProviders();
    const b = memoryProviders();
    const c = memoryProviders();
    const campaign = await approvedCampaign(3000);
    const notifiers = await Promise.all([a, b, c].map((p) => startNotifier(api.database.url, p, { batchSize: 50 })));
    try {
      await waitForStatus(campaign.id, 'completed');
    } finally {
      await Promise.all(notifiers.map((n) => n.close()));
    }
    const all = [...a.all(), ...b.all(), ...c.all()].map((r) => r.deliveryId);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(2970);
  });

  it('a configuration error stops the channel and raises an alert instead of burning the audience', async () => {
    const providers = memoryProviders((kind, m) => (kind === 'sms' ? { deliveryId: m.deliveryId, result: 'config', reason: REASONS.badCredentials } : undefined));
    const campaign = await approvedCampaign(100, ['sms', 'email']);
    const notifier = await startNotifier(api.database.url, providers);
    try {
      const deadline = Date.now() + 10_000;
      let paused = 0;
      while (Date.now() < deadline && paused === 0) {
        paused = (await db.query(`SELECT count(*)::int AS n FROM channel_pauses WHERE channel = 'sms'`)).rows[0].n;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(paused).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      const { rows } = await db.query(`SELECT state, count(*)::int AS n FROM deliveries WHERE campaign_id = $1 AND channel = 'sms' GROUP BY 1`, [campaign.id]);
      // SMS deliveries wait for the channel; none was failed over or marked unreachable because of our own configuration.
      // 15 phone-only people and the 4 with e-mail and phone start on SMS.
      expect(rows).toEqual([{ state: 'queued', n: 19 }]);
      const alerts = await db.query(`SELECT kind, severity FROM alerts WHERE kind = 'channel_stopped'`);
      expect(alerts.rows).toEqual([{ kind: 'channel_stopped', severity: 'critical' }]);
    } finally {
      await notifier.close();
      await db.query('DELETE FROM channel_pauses');
    }
  });
});

describe('what people and staff see', () => {
  it('progress is readable, the sandbox outbox holds the messages, and each link opens the notice in the person\'s language', async () => {
    const campaign = await approvedCampaign(100, ['email', 'sms', 'push', 'letter']);
    const notifier = await startNotifier(api.database.url, undefined, {}, { LETTER_PROVIDER: 'sandbox' });
    try {
      await waitForStatus(campaign.id, 'completed');
    } finally {
      await notifier.close();
    }
    const progress = await api.http.get(`/v1/incidents/${campaign.ref}/campaigns/${campaign.id}/progress`).set(auth(responder));
    expect(progress.status).toBe(200);
    expect(progress.body).toEqual(expect.objectContaining({ status: 'completed', audienceExpanded: true, total: 100, remaining: 0 }));
    expect(progress.body.byChannel.email.sent).toBe(70);
    expect(progress.body.byState.unreachable).toBe(1);
    expect(progress.body.summary.notifiedByChannel).toEqual({ email: 70, sms: 15, push: 10, letter: 4 });

    expect((await api.http.get('/v1/outbox').set(auth(responder))).status).toBe(403);
    const outbox = await api.http.get('/v1/outbox?channel=email&limit=1000').set(auth(api.adminToken));
    expect(outbox.body.items).toHaveLength(70);
    const mail = outbox.body.items.find((m: { recipient: string }) => m.recipient === 'p1@example.org');
    expect(mail.subject).toBe(`Security incident ${campaign.ref}`);
    expect(mail.body).toContain('Person 1');
    for (const m of outbox.body.items) expect(m.body).not.toContain('%tocsin_'); // substitutions applied before recording
    const link = /https?:\/\/[^\s"]+\/n\/([A-Za-z0-9_-]{32})/.exec(mail.body)![0];
    const token = link.split('/n/')[1]!;

    const page = await api.http.get(`/n/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('lang="de"');
    expect(page.text).toContain('Person 1');
    expect(page.text).toContain('We offer 12 months of identity monitoring.');
    await api.http.get(`/n/${token}`);
    const { rows: [opened] } = await db.query('SELECT opened_at, open_count FROM deliveries WHERE id = $1', [noticeTokenDeliveryId(token)]);
    expect(opened.opened_at).not.toBeNull();
    expect(opened.open_count).toBe(2);

    expect((await api.http.get(`/n/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await api.http.get('/n/not-a-token')).status).toBe(404);
  });

  it('progress counts the people of audience parts being sent (no delivery rows yet) as in flight on their planned channel', async () => {
    const campaign = await approvedCampaign(100);
    await db.query(`UPDATE notice_campaigns SET status = 'running', started_at = now() WHERE id = $1`, [campaign.id]);
    const dataSource = createDataSource(api.database.url, 1);
    await dataSource.initialize();
    try {
      const part = await new DeliveryRepository(new Database(dataSource)).leaseNextPart(campaign.id, 40, randomUUID(), 60);
      expect(part!.members).toHaveLength(40);
      const progress = await api.http.get(`/v1/incidents/${campaign.ref}/campaigns/${campaign.id}/progress`).set(auth(responder));
      expect(progress.status).toBe(200);
      expect(progress.body).toEqual(expect.objectContaining({ status: 'running', audienceExpanded: false, total: 40, remaining: 40 }));
      expect(progress.body.byState).toEqual({ sending: 40 });
      const planned = new Map<string, number>();
      for (const m of part!.members) planned.set(m.channel ?? 'none', (planned.get(m.channel ?? 'none') ?? 0) + 1);
      expect(Object.fromEntries(Object.entries(progress.body.byChannel).map(([k, v]) => [k, (v as { sending: number }).sending])))
        .toEqual(Object.fromEntries(planned));
    } finally {
      await dataSource.destroy();
    }
  });
});
