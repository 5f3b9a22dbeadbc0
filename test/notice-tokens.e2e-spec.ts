/**
 * Derived notice links (libs/domain notice-token.ts, migrations/1732400065000-WriteOnceDeliveries.ts) through
 * the api: a token made from the delivery id and its campaign's link key opens the person's notice and is
 * recorded; a token whose MAC does not check out under that campaign's key is the same 404 as any unknown
 * token and records nothing; links sent before (a stored random token and its `notice_links` row) keep
 * working; letters print the derived link, or the stored one for a letter made before. Deliveries are
 * written in SQL with explicit ids (no notifier here).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { NOTICE_TOKEN_LENGTH, noticeToken } from '#domain';
import { pdfText } from '../libs/documents/src/testing/pdf-text.js';
import { approveCampaign, createCampaign, createIncident } from '../bench/support/fanout-fixture.js';
import { startApi, type ApiHarness } from './support/api-harness.js';

const BASE = 'https://tocsin.example.org';
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

let api: ApiHarness;
let db: pg.Client;
let keyA: Buffer;
let keyB: Buffer;
let campaignA: string;
let campaignB: string;
let incidentId: string;

// Explicit ids, as the notifier now draws them from the table's sequence before it writes the delivery.
const EMAIL_A = 910001;
const LEGACY_A = 910002;
const LETTER_A = 910003;
const LEGACY_LETTER_A = 910004;
const EMAIL_B = 920001;
const MISSING = 999999;
const legacyToken = randomBytes(32).toString('hex');
const legacyLetterToken = randomBytes(32).toString('hex');

const people = [
  { ref: 'S1', name: 'Ana Derived', address: 'Hauptstraße 1\n10115 Berlin' },
  { ref: 'S2', name: 'Ben Legacy', address: 'Ringstraße 2\n80331 München' },
  { ref: 'S3', name: 'Carla Letter', address: 'Gartenweg 3\n20095 Hamburg' },
  { ref: 'S4', name: 'Dirk Oldletter', address: 'Bahnhofstraße 4\n50667 Köln' },
];

interface Opening { id: number; opened_at: Date | null; open_count: number }

async function openings(): Promise<Opening[]> {
  return (await db.query<Opening>('SELECT id::int AS id, opened_at, open_count FROM deliveries ORDER BY id')).rows;
}

/** A token with its bytes changed by `change` (the first 8 bytes are the delivery id, the rest the MAC). */
function altered(token: string, change: (raw: Buffer) => void): string {
  const raw = Buffer.from(token, 'base64url');
  change(raw);
  return raw.toString('base64url');
}

beforeAll(async () => {
  process.env.TOCSIN_PUBLIC_URL = BASE;
  api = await startApi();
  db = new pg.Client({ connectionString: api.database.url });
  await db.connect();
  const incident = await createIncident(db);
  incidentId = incident.id;
  const { rows: subjects } = await db.query<{ id: number; external_ref: string }>(
    `INSERT INTO affected_subjects (incident_id, external_ref, name, postal_address, country, language)
     SELECT $1, p.ref, p.name, p.address, 'DE', 'en' FROM unnest($2::text[], $3::text[], $4::text[]) AS p(ref, name, address)
     RETURNING id::int AS id, external_ref`,
    [incident.id, people.map((p) => p.ref), people.map((p) => p.name), people.map((p) => p.address)],
  );
  const subject = (ref: string) => subjects.find((s) => s.external_ref === ref)!.id;
  campaignA = await createCampaign(db, incident.id, ['email', 'letter']);
  campaignB = await createCampaign(db, incident.id, ['email']);
  await approveCampaign(db, campaignA);
  await approveCampaign(db, campaignB);
  const { rows: keys } = await db.query<{ id: string; link_key: Buffer }>('SELECT id, link_key FROM notice_campaigns WHERE id = ANY($1::uuid[])', [[campaignA, campaignB]]);
  keyA = keys.find((k) => k.id === campaignA)!.link_key;
  keyB = keys.find((k) => k.id === campaignB)!.link_key;

  // New deliveries: no stored token, no notice_links row. Old ones: both, as the notifier wrote them before.
  await db.query(
    `INSERT INTO deliveries (id, campaign_id, subject_id, state, step, channel, notice_token, sent_at)
     VALUES ($1, $5, $7, 'sent', 1, 'email', NULL, now()),
            ($2, $5, $8, 'sent', 1, 'email', $11, now()),
            ($3, $5, $9, 'printing', 2, 'letter', NULL, NULL),
            ($4, $5, $10, 'printing', 2, 'letter', $12, NULL),
            ($13, $6, $7, 'sent', 1, 'email', NULL, now())`,
    [EMAIL_A, LEGACY_A, LETTER_A, LEGACY_LETTER_A, campaignA, campaignB,
      subject('S1'), subject('S2'), subject('S3'), subject('S4'), legacyToken, legacyLetterToken, EMAIL_B],
  );
  await db.query('INSERT INTO notice_links (token, delivery_id) VALUES ($1, $2), ($3, $4)', [legacyToken, LEGACY_A, legacyLetterToken, LEGACY_LETTER_A]);
});

afterAll(async () => {
  await db?.end();
  await api?.close();
  delete process.env.TOCSIN_PUBLIC_URL;
});

describe('derived notice links', () => {
  it('each campaign has a link key of its own, 32 bytes', () => {
    expect(keyA).toHaveLength(32);
    expect(keyB).toHaveLength(32);
    expect(keyA.equals(keyB)).toBe(false);
  });

  it('a derived token opens the person\'s notice and records each opening on that delivery only', async () => {
    const token = noticeToken(keyA, EMAIL_A);
    expect(token).toHaveLength(NOTICE_TOKEN_LENGTH);
    const before = await openings();
    const page = await api.http.get(`/n/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('Ana Derived');
    expect(page.text).toContain(`${BASE}/n/${token}`);
    const first = (await openings()).find((o) => o.id === EMAIL_A)!;
    expect(first.opened_at).not.toBeNull();
    expect(first.open_count).toBe(1);

    expect((await api.http.get(`/n/${token}`)).status).toBe(200);
    const after = await openings();
    const second = after.find((o) => o.id === EMAIL_A)!;
    expect(second.open_count).toBe(2);
    expect(second.opened_at).toEqual(first.opened_at); // the first opening stays
    expect(after.filter((o) => o.id !== EMAIL_A)).toEqual(before.filter((o) => o.id !== EMAIL_A));

    // The same person's delivery of the other campaign opens with that campaign's key.
    const other = await api.http.get(`/n/${noticeToken(keyB, EMAIL_B)}`);
    expect(other.status).toBe(200);
    expect(other.text).toContain('Ana Derived');
    expect((await openings()).find((o) => o.id === EMAIL_B)!.open_count).toBe(1);
  });

  it('a forged token (flipped MAC bit, another campaign\'s key, a delivery that does not exist) is the 404 of an unknown token and records nothing', async () => {
    const unknown = await api.http.get('/n/not-a-token');
    expect(unknown.status).toBe(404);
    const good = noticeToken(keyA, EMAIL_A);
    const forged: Record<string, string> = {
      'flipped MAC bit': altered(good, (raw) => { raw[20]! ^= 0x01; }),
      'last MAC bit': altered(good, (raw) => { raw[23]! ^= 0x80; }),
      'another delivery id under the same MAC': altered(good, (raw) => { raw[7] = LETTER_A & 0xff; }),
      'another campaign\'s key': noticeToken(keyB, EMAIL_A),
      'a delivery of another campaign under this key': noticeToken(keyA, EMAIL_B),
      'a random key': noticeToken(randomBytes(32), EMAIL_A),
      'a delivery that does not exist': noticeToken(keyA, MISSING),
      'an id beyond bigint': altered(noticeToken(keyA, MISSING), (raw) => raw.fill(0xff, 0, 8)),
      'a legacy-shaped token with no link': randomBytes(32).toString('hex'),
      'a derived token one character short': good.slice(1),
    };
    const before = await openings();
    for (const [what, token] of Object.entries(forged)) {
      const res = await api.http.get(`/n/${token}`);
      expect({ what, status: res.status }).toEqual({ what, status: 404 });
      expect({ what, type: res.headers['content-type'] }).toEqual({ what, type: unknown.headers['content-type'] });
      expect({ what, body: res.text }).toEqual({ what, body: unknown.text });
    }
    expect(await openings()).toEqual(before);
    expect(api.logs.filter((l) => /"level":"(error|fatal)"/.test(l))).toEqual([]); // no 500s on the way
  });

  it('a link sent before tokens were derived (stored token, notice_links row) still opens its notice', async () => {
    const page = await api.http.get(`/n/${legacyToken}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Ben Legacy');
    expect(page.text).toContain(`${BASE}/n/${legacyToken}`);
    const legacy = (await openings()).find((o) => o.id === LEGACY_A)!;
    expect(legacy.opened_at).not.toBeNull();
    expect(legacy.open_count).toBe(1);
  });

  it('letters print the derived link, or the stored one for a letter made before, and both links open', async () => {
    const responder = await api.token('responder');
    const gathered = await api.http.post('/v1/print-batches').set(auth(responder)).send({});
    expect(gathered.status).toBe(201);
    expect(gathered.body.letters).toBe(2);
    const [batch] = gathered.body.items as { id: string }[];
    const pdf = await api.http.get(`/v1/print-batches/${batch!.id}/letters.pdf`).set(auth(responder)).buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(pdf.status).toBe(200);
    const text = pdfText(pdf.body as Buffer).replace(/\n/g, ''); // a link may wrap over two lines
    const derived = `${BASE}/n/${noticeToken(keyA, LETTER_A)}`;
    const stored = `${BASE}/n/${legacyLetterToken}`;
    expect(text).toContain(derived);
    expect(text).toContain(stored);
    expect(text.indexOf(derived)).toBeLessThan(text.indexOf(stored)); // print order is delivery order
    expect(text).not.toContain(`${BASE}/n/null`);

    expect((await api.http.get(new URL(derived).pathname)).text).toContain('Carla Letter');
    expect((await api.http.get(new URL(stored).pathname)).text).toContain('Dirk Oldletter');
    const opened = await openings();
    expect(opened.find((o) => o.id === LETTER_A)!.open_count).toBe(1);
    expect(opened.find((o) => o.id === LEGACY_LETTER_A)!.open_count).toBe(1);
  });

  it('the link key never leaves the database: not in the campaign the api shows, nor in its audit events', async () => {
    const admin = api.adminToken;
    const texts = { subject: 'Incident {{incidentRef}}', whatHappened: 'Dear {{name}}, a bucket was public.', measuresTaken: 'We closed it.',
      selfProtection: 'Change your password.', remedialMeasures: 'Monitoring for a year.', contactPoint: 'dpo@example.org' };
    const created = await api.http.post(`/v1/incidents/${incidentId}/campaigns`).set(auth(admin))
      .send({ name: 'Key check', audience: { kind: 'all' }, channelChain: ['email'], defaultLanguage: 'en', content: { en: texts } });
    expect({ status: created.status, body: created.status === 201 ? undefined : created.body }).toEqual({ status: 201 });
    const { rows: [row] } = await db.query<{ hex: string; b64: string }>(
      `SELECT encode(link_key, 'hex') AS hex, encode(link_key, 'base64') AS b64 FROM notice_campaigns WHERE id = $1`, [created.body.id]);
    const shown = JSON.stringify([
      created.body,
      (await api.http.get(`/v1/incidents/${incidentId}/campaigns/${created.body.id}`).set(auth(admin))).body,
      (await api.http.get(`/v1/incidents/${incidentId}/campaigns`).set(auth(admin))).body,
    ]);
    expect(shown).toContain(created.body.id);
    expect(shown).not.toMatch(/link_?key/i);
    const { rows: events } = await db.query(`SELECT after FROM audit_events WHERE entity_id = $1 AND action = 'campaign.created'`, [created.body.id]);
    expect(events).toHaveLength(1);
    expect(events[0].after).toEqual(expect.objectContaining({ id: created.body.id, content_hash: created.body.contentHash }));
    expect(events[0].after).not.toHaveProperty('link_key');
    const audited = JSON.stringify((await api.http.get('/v1/audit/events').query({ incidentId, limit: 1000 }).set(auth(admin))).body);
    expect(audited).toContain(created.body.id);
    expect(audited).not.toMatch(/link_?key/i);
    expect(audited).not.toContain(row!.hex);
    expect(audited).not.toContain(row!.b64);
  });
});
