import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { inflateSync } from 'node:zlib';
import pg from 'pg';
import type { Response } from 'superagent';
import { noticeToken } from '#domain';
import { pdfText } from '../libs/documents/src/testing/pdf-text.js';
import { PrintBatchScheduler } from '../apps/notifier/src/letters/print-batch.scheduler.js';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { startNotifier } from './support/notifier-harness.js';

const SENDER = 'Example Bank AG · Postfach 1 · 10115 Berlin';
const texts = {
  subject: 'Security incident {{incidentRef}}',
  whatHappened: 'Dear {{name}}, a storage bucket holding your address was public for three hours.',
  measuresTaken: 'We closed access and rotated every key.',
  selfProtection: 'Be wary of messages asking for your password.',
  remedialMeasures: 'We offer 12 months of identity monitoring.',
  contactPoint: 'Data protection officer, dpo@example.org',
};
const textsDe = { ...texts, subject: 'Sicherheitsvorfall {{incidentRef}}', whatHappened: 'Hallo {{name}}, ein Speicher mit Ihrer Anschrift war drei Stunden offen.' };

interface Person {
  externalRef: string;
  name?: string;
  postalAddress: string[];
  country: string;
  language: string;
  isMinor?: boolean;
  guardianName?: string;
  guardianPhone?: string;
}

/** Letter-only people (no e-mail): a quoted-comma address, a minor, an unnamed person, a 7-line address. */
function people(prefix: string, n: number): Person[] {
  const list: Person[] = [];
  for (let i = 0; i < n; i++) {
    list.push({ externalRef: `${prefix}${i}`, name: `${prefix} Person ${i}`, postalAddress: [`Street ${prefix}${i}`, `${10100 + i} Berlin`], country: 'DE', language: i % 2 ? 'de' : 'en' });
  }
  list[0] = { ...list[0]!, postalAddress: ['c/o "Acme, Ltd"', 'Hauptstraße 5', '80331 München'] };
  list[1] = { ...list[1]!, name: `${prefix} Minnie Minor`, isMinor: true, guardianName: `${prefix} Gina Guardian`, guardianPhone: '+4915100000099' };
  list[2] = { ...list[2]!, name: undefined, postalAddress: [`Nameless Lane ${prefix}2`, '20095 Hamburg'] };
  list[3] = { ...list[3]!, postalAddress: ['Line 1', 'Line 2', 'Line 3', 'Line 4', 'Line 5', 'Line 6', 'Line 7'], country: 'AT' };
  return list;
}

let api: ApiHarness;
let db: pg.Client;
let responder: string;
let approver: string;
let viewer: string;
let notifier: Awaited<ReturnType<typeof startNotifier>>;
let first: { id: string; ref: string };
const FIRST = people('A', 33);
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const binary = (res: Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/**
 * The PDF with its content streams inflated, cut by their /Length. pdfText alone drops a page now and then: it
 * finds a stream's end by stripping a trailing (CR)LF, which also eats a compressed stream's last byte when
 * that byte is a CR (about 1 page in 256).
 */
function inflated(pdf: Buffer): Buffer {
  const source = pdf.toString('latin1');
  const parts: Buffer[] = [];
  let at = 0;
  for (const m of source.matchAll(/<<([^<>]*?\/Length (\d+)[^<>]*?\/Filter \/FlateDecode[^<>]*?)>>\s*stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    const data = inflateSync(pdf.subarray(start, start + Number(m[2])));
    parts.push(pdf.subarray(at, m.index!), Buffer.from(`<< /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\n', 'latin1'));
    at = start + Number(m[2]);
  }
  parts.push(pdf.subarray(at));
  return Buffer.concat(parts);
}

async function letterCampaign(list: Person[]): Promise<{ id: string; ref: string }> {
  const incident = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'Letters', awareAt: '2026-11-20T08:00:00Z' });
  const ref = incident.body.ref;
  const imported = await api.http.post(`/v1/incidents/${ref}/subjects/import`).set(auth(responder)).set('Content-Type', 'application/x-ndjson')
    .send(list.map((p) => JSON.stringify(p)).join('\n') + '\n');
  expect(imported.body.rowsAccepted).toBe(list.length);
  const created = await api.http.post(`/v1/incidents/${ref}/campaigns`).set(auth(responder))
    .send({ name: 'Letters', audience: { kind: 'all' }, channelChain: ['email', 'letter'], defaultLanguage: 'en', content: { en: texts, de: textsDe } });
  expect(created.status).toBe(201);
  const approved = await api.http.post(`/v1/incidents/${ref}/campaigns/${created.body.id}/approve`).set(auth(approver))
    .send({ version: created.body.version, contentHash: created.body.contentHash });
  expect(approved.status).toBe(200);
  return { id: created.body.id, ref };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  return (await db.query(sql, params)).rows[0].n;
}

async function allPrinting(campaignId: string, n: number): Promise<void> {
  await waitFor('letters to wait in printing', async () =>
    (await count(`SELECT count(*)::int AS n FROM deliveries WHERE campaign_id = $1 AND state = 'printing'`, [campaignId])) === n);
}

/** Each letter of the campaign is in exactly one batch, each batch's count is right, positions run 1..n. */
async function expectCleanBatches(campaignId: string, letters: number): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT b.id, b.letter_count, count(d.id)::int AS n, min(d.print_position) AS lo, max(d.print_position) AS hi, count(DISTINCT d.print_position)::int AS positions
     FROM print_batches b JOIN deliveries d ON d.print_batch_id = b.id WHERE d.campaign_id = $1 GROUP BY b.id`, [campaignId]);
  for (const b of rows) {
    expect(b.letter_count).toBe(b.n);
    expect([b.lo, b.hi, b.positions]).toEqual([1, b.n, b.n]);
  }
  expect(rows.reduce((a, b) => a + b.n, 0)).toBe(letters);
  expect(await count(`SELECT count(*)::int AS n FROM deliveries WHERE campaign_id = $1 AND print_batch_id IS NULL`, [campaignId])).toBe(0);
  // No batch holds letters that are counted in another (a batch's count is exactly its own rows).
  const { rows: [sum] } = await db.query(
    `SELECT sum(letter_count)::int AS n FROM print_batches WHERE id IN (SELECT print_batch_id FROM deliveries WHERE campaign_id = $1)`, [campaignId]);
  expect(sum.n).toBe(letters);
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  process.env.TOCSIN_LETTER_SENDER = SENDER;
  process.env.TOCSIN_PUBLIC_URL = 'https://tocsin.example.org';
  api = await startApi();
  responder = await api.token('responder');
  approver = await api.token('approver');
  viewer = await api.token('viewer');
  db = new pg.Client({ connectionString: api.database.url });
  await db.connect();
  first = await letterCampaign(FIRST);
  notifier = await startNotifier(api.database.url, undefined, {}, { LETTER_PROVIDER: 'print-queue' });
  await allPrinting(first.id, FIRST.length);
});

afterAll(async () => {
  await notifier?.close();
  await db?.end();
  await api?.close();
  delete process.env.TOCSIN_LETTER_SENDER;
  delete process.env.TOCSIN_PUBLIC_URL;
});

describe('print batches', () => {
  it('letters wait in printing, and only admins and responders gather or print them', async () => {
    const { rows } = await db.query(`SELECT DISTINCT state, channel, provider FROM deliveries WHERE campaign_id = $1`, [first.id]);
    expect(rows).toEqual([{ state: 'printing', channel: 'letter', provider: 'print-queue' }]);
    expect((await api.http.post('/v1/print-batches').set(auth(viewer)).send({})).status).toBe(403);
    expect((await api.http.post('/v1/print-batches').set(auth(approver)).send({})).status).toBe(403);
    expect((await api.http.post('/v1/print-batches').send({})).status).toBe(401);
    expect((await api.http.get('/v1/print-batches').set(auth(viewer))).status).toBe(200);
    expect((await api.http.get('/v1/print-batches').set(auth(await api.token('regulator')))).status).toBe(403);
    const bad = await api.http.post('/v1/print-batches').set(auth(responder)).send({ maxLetters: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('maxLetters');
    expect((await api.http.post('/v1/print-batches').set(auth(responder)).send({ maxLetters: 20_000 })).status).toBe(400);
    expect(await count('SELECT count(*)::int AS n FROM print_batches')).toBe(0);
  });

  it('gathering three times at once never puts a letter in two batches', async () => {
    const results = await Promise.all([1, 2, 3].map(() => api.http.post('/v1/print-batches').set(auth(responder)).send({ maxLetters: 7 })));
    const created = results.flatMap((r) => r.body.items as { id: string; letterCount: number; createdBy: string; status: string }[]);
    for (const r of results) expect([200, 201]).toContain(r.status);
    expect(created.reduce((a, b) => a + b.letterCount, 0)).toBe(FIRST.length);
    for (const b of created) {
      expect(b.letterCount).toBeLessThanOrEqual(7);
      expect(b.status).toBe('ready');
      expect(b.createdBy).toMatch(/^[0-9a-f-]{36}$/);
    }
    const ids = await expectCleanBatches(first.id, FIRST.length);
    expect(ids.sort()).toEqual(created.map((b) => b.id).sort());
    // 4 × 7 + 5 when the gatherers take turns; a few more, smaller batches when they race for the same letters.
    expect(ids.length).toBeGreaterThanOrEqual(5);

    const again = await api.http.post('/v1/print-batches').set(auth(responder));
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ items: [], letters: 0 });
    expect(await count(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'print_batch.created'`)).toBe(ids.length);
  });

  it('lists batches newest first with a cursor and shows the counts of one', async () => {
    const total = await count('SELECT count(*)::int AS n FROM print_batches');
    const seen: { id: string; createdAt: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: Response = await api.http.get(`/v1/print-batches?limit=2${cursor ? `&cursor=${cursor}` : ''}`).set(auth(viewer));
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen.map((b) => b.id)).size).toBe(total);
    expect(seen.map((b) => b.createdAt)).toEqual(seen.map((b) => b.createdAt).sort().reverse());
    expect((await api.http.get('/v1/print-batches?cursor=forged').set(auth(viewer))).status).toBe(400);
    expect((await api.http.get('/v1/print-batches?status=mailed').set(auth(viewer))).body.items).toEqual([]);

    const { rows: [batch] } = await db.query(`SELECT print_batch_id AS id FROM deliveries d JOIN affected_subjects s ON s.id = d.subject_id WHERE s.external_ref = 'A3'`);
    const one = await api.http.get(`/v1/print-batches/${batch.id}`).set(auth(viewer));
    expect(one.status).toBe(200);
    const n = await count('SELECT count(*)::int AS n FROM deliveries WHERE print_batch_id = $1', [batch.id]);
    expect(one.body).toEqual(expect.objectContaining({ id: batch.id, status: 'ready', letterCount: n, byState: { printing: n } }));
    expect(one.body.byCampaign).toEqual([{ campaignId: first.id, incidentRef: first.ref, letters: n }]);
    expect(one.body.byCountry).toEqual({ AT: 1, DE: n - 1 });
    expect((await api.http.get('/v1/print-batches/00000000-0000-4000-8000-000000000000').set(auth(viewer))).status).toBe(404);
    expect((await api.http.get('/v1/print-batches/not-a-uuid').set(auth(viewer))).status).toBe(400);
  });

  it('streams one PDF per batch whose text holds every letter of the batch, in the subject\'s language', async () => {
    const { rows: batches } = await db.query('SELECT id, letter_count FROM print_batches ORDER BY created_at');
    expect((await api.http.get(`/v1/print-batches/${batches[0].id}/letters.pdf`).set(auth(viewer))).status).toBe(403);
    for (const batch of batches) {
      const res = await api.http.get(`/v1/print-batches/${batch.id}/letters.pdf`).set(auth(responder)).buffer(true).parse(binary);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const pdf = res.body as Buffer;
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = pdfText(inflated(pdf));
      const { rows: letters } = await db.query(
        `SELECT d.id, d.notice_token, c.link_key, s.name, s.postal_address, s.language, s.is_minor, s.guardian_name
         FROM deliveries d JOIN affected_subjects s ON s.id = d.subject_id JOIN notice_campaigns c ON c.id = d.campaign_id
         WHERE d.print_batch_id = $1 ORDER BY d.print_position`, [batch.id]);
      expect(letters).toHaveLength(batch.letter_count);
      const runs = text.split('\n');
      // Each letter's own notice link (wrapped over two lines on the page), in batch order: derived from the
      // delivery id and the campaign's link key, or the token stored on a delivery made before links were derived.
      const links = letters.map((l) => text.replace(/\n/g, '').indexOf(`https://tocsin.example.org/n/${l.notice_token ?? noticeToken(l.link_key, l.id)}`));
      expect(links.every((at) => at >= 0)).toBe(true);
      expect([...links].sort((a, b) => a - b)).toEqual(links);
      for (const l of letters) {
        for (const line of l.postal_address.split('\n').slice(0, 5)) expect(runs).toContain(line);
        expect(runs).toContain(l.is_minor ? l.guardian_name : l.name ?? l.postal_address.split('\n')[0]);
        expect(text).toContain(l.language === 'de' ? `Sicherheitsvorfall ${first.ref}` : `Security incident ${first.ref}`);
      }
      expect(runs.filter((r) => r === SENDER)).toHaveLength(batch.letter_count);
    }
    const missing = await api.http.get('/v1/print-batches/00000000-0000-4000-8000-000000000000/letters.pdf').set(auth(responder));
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('the manifest has one RFC 4180 line per letter matching the envelopes, in batch order', async () => {
    const { rows: batches } = await db.query('SELECT id FROM print_batches ORDER BY created_at');
    expect((await api.http.get(`/v1/print-batches/${batches[0].id}/manifest.csv`).set(auth(viewer))).status).toBe(403);
    const byRef = new Map<string, string[]>();
    let raw = '';
    for (const batch of batches) {
      const res = await api.http.get(`/v1/print-batches/${batch.id}/manifest.csv`).set(auth(responder));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.text.endsWith('\r\n')).toBe(true);
      raw += res.text;
      const [header, ...lines] = parse(res.text) as string[][];
      expect(header).toEqual(['delivery_id', 'position', 'recipient_name', 'address_line_1', 'address_line_2', 'address_line_3',
        'address_line_4', 'address_line_5', 'address_line_6', 'country', 'pages']);
      const { rows } = await db.query(
        `SELECT d.id, d.print_position, s.external_ref, s.name, s.postal_address, s.country, s.is_minor, s.guardian_name
         FROM deliveries d JOIN affected_subjects s ON s.id = d.subject_id WHERE d.print_batch_id = $1 ORDER BY d.print_position`, [batch.id]);
      expect(lines).toHaveLength(rows.length);
      rows.forEach((r, i) => {
        const address = r.postal_address.split('\n');
        const shown = address.length > 6 ? [...address.slice(0, 5), address.slice(5).join(', ')] : [...address, ...Array(6 - address.length).fill('')];
        const name = r.is_minor ? r.guardian_name : r.name ?? '';
        expect(lines[i]).toEqual([String(r.id), String(r.print_position), name, ...shown, r.country, '']);
        byRef.set(r.external_ref, lines[i]!);
      });
    }
    expect(byRef.size).toBe(FIRST.length);
    expect(raw).toContain('"c/o ""Acme, Ltd"""');
    expect(byRef.get('A0')!.slice(2, 6)).toEqual(['A Person 0', 'c/o "Acme, Ltd"', 'Hauptstraße 5', '80331 München']);
    expect(byRef.get('A1')![2]).toBe('A Gina Guardian');
    expect(byRef.get('A2')![2]).toBe('');
    expect(byRef.get('A3')!.slice(3, 9)).toEqual(['Line 1', 'Line 2', 'Line 3', 'Line 4', 'Line 5', 'Line 6, Line 7']);
  });

  it('marking a batch mailed sends its letters in one audited step; a repeat changes nothing; the campaign completes when all are mailed', async () => {
    const { rows: batches } = await db.query('SELECT id, letter_count, created_at FROM print_batches ORDER BY created_at');
    const target = batches[0];
    expect((await api.http.post(`/v1/print-batches/${target.id}/mailed`).set(auth(viewer)).send({})).status).toBe(403);
    const future = await api.http.post(`/v1/print-batches/${target.id}/mailed`).set(auth(responder)).send({ mailedAt: '2999-01-01T00:00:00Z' });
    expect(future.status).toBe(400);
    expect(future.body.errors[0].field).toBe('mailedAt');
    expect((await api.http.post(`/v1/print-batches/${target.id}/mailed`).set(auth(responder)).send({ mailedAt: 'yesterday' })).status).toBe(400);
    expect((await api.http.post('/v1/print-batches/00000000-0000-4000-8000-000000000000/mailed').set(auth(responder)).send({})).status).toBe(404);

    const early = await api.http.post(`/v1/print-batches/${target.id}/mailed`).set(auth(responder)).send({ mailedAt: new Date(target.created_at.getTime() - 60_000).toISOString() });
    expect(early.status).toBe(400);
    const mailedAt = new Date().toISOString();
    const res = await api.http.post(`/v1/print-batches/${target.id}/mailed`).set(auth(responder)).send({ mailedAt });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ status: 'mailed', mailedAt, byState: { sent: target.letter_count } }));
    const { rows: sent } = await db.query('SELECT DISTINCT state, sent_at FROM deliveries WHERE print_batch_id = $1', [target.id]);
    expect(sent).toEqual([{ state: 'sent', sent_at: new Date(mailedAt) }]);
    const audits = () => count(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'print_batch.mailed' AND entity_id = $1`, [target.id]);
    expect(await audits()).toBe(1);

    const repeat = await api.http.post(`/v1/print-batches/${target.id}/mailed`).set(auth(responder)).send({});
    expect(repeat.status).toBe(200);
    expect(repeat.body.mailedAt).toBe(mailedAt);
    const same = await api.http.post(`/v1/print-batches/${target.id}/mailed`).set(auth(responder)).send({ mailedAt });
    expect(same.status).toBe(200);
    const other = await api.http.post(`/v1/print-batches/${target.id}/mailed`).set(auth(responder)).send({ mailedAt: new Date(Date.parse(mailedAt) + 1000).toISOString() });
    expect(other.status).toBe(409);
    expect(await audits()).toBe(1);

    const { rows: [campaign] } = await db.query('SELECT status FROM notice_campaigns WHERE id = $1', [first.id]);
    expect(campaign.status).toBe('running');
    for (const b of batches.slice(1)) {
      expect((await api.http.post(`/v1/print-batches/${b.id}/mailed`).set(auth(api.adminToken)).send({})).status).toBe(200);
    }
    await waitFor('the notifier to complete the campaign', async () =>
      (await db.query('SELECT status FROM notice_campaigns WHERE id = $1', [first.id])).rows[0].status === 'completed');
    const { rows: [done] } = await db.query('SELECT summary FROM notice_campaigns WHERE id = $1', [first.id]);
    expect(done.summary.notifiedByChannel).toEqual({ letter: FIRST.length });
  });

  it('several notifiers gathering on their schedule never put a letter in two batches', async () => {
    const list = people('B', 23);
    const campaign = await letterCampaign(list);
    const env = { LETTER_PROVIDER: 'print-queue', PRINT_BATCH_INTERVAL_S: '1', PRINT_BATCH_MAX_LETTERS: '4' };
    const notifiers = await Promise.all([startNotifier(api.database.url, undefined, {}, env), startNotifier(api.database.url, undefined, {}, env)]);
    try {
      // Besides their own schedule, make both gather at the same moments while letters arrive.
      await waitFor('every letter to be in a batch', async () => {
        await Promise.all(notifiers.flatMap((n) => [n.get(PrintBatchScheduler).run(), n.get(PrintBatchScheduler).run()]));
        return (await count(`SELECT count(*)::int AS n FROM deliveries WHERE campaign_id = $1 AND state = 'printing' AND print_batch_id IS NOT NULL`, [campaign.id])) === list.length;
      });
    } finally {
      await Promise.all(notifiers.map((n) => n.close()));
    }
    const ids = await expectCleanBatches(campaign.id, list.length);
    expect(ids.length).toBeGreaterThanOrEqual(6);
    const { rows } = await db.query('SELECT DISTINCT created_by, status FROM print_batches WHERE id = ANY($1::uuid[])', [ids]);
    expect(rows).toEqual([{ created_by: null, status: 'ready' }]);
    expect(await count(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'print_batch.created' AND actor_id = 'system'`)).toBe(ids.length);
  });

  it('letters of a cancelled campaign that wait for a batch are cancelled, not printed', async () => {
    const list = people('C', 5);
    const campaign = await letterCampaign(list);
    await allPrinting(campaign.id, list.length);
    const cancelled = await api.http.post(`/v1/incidents/${campaign.ref}/campaigns/${campaign.id}/cancel`).set(auth(responder)).send({});
    expect(cancelled.status).toBe(200);
    const gathered = await api.http.post('/v1/print-batches').set(auth(responder)).send({});
    expect(gathered.body.items).toEqual([]);
    const { rows } = await db.query('SELECT DISTINCT state, print_batch_id FROM deliveries WHERE campaign_id = $1', [campaign.id]);
    expect(rows).toEqual([{ state: 'cancelled', print_batch_id: null }]);
  });
});
