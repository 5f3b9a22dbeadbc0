/**
 * Provider faults at the wire, through the real SDKs: the notifier runs as a child process, the
 * SendGrid/Twilio/FCM stubs run in this process so faults can be aimed at single recipients.
 * Retryable faults (429 with Retry-After, 503, timeouts, connection resets) are retried within the
 * attempt limit; permanent ones (invalid address, Twilio 21211/21610, FCM UNREGISTERED) move the person
 * to the next channel, with the reason kept in `tried`; nobody is lost and nothing is sent twice.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { noticeToken } from '#domain';
import {
  approveCampaign, createCampaign, createIncident, type NotifierProcess, spawnNotifier, stubChannelEnv, waitForNotifier, waitUntilSettled,
} from '../../bench/support/fanout-fixture.js';
import { type FcmStub, type RecordedRequest, type SendGridStub, startFcmStub, startSendGridStub, startTwilioStub, type TwilioStub } from '../stubs/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { deliveryRows, type DeliveryRow, expectNoContactData } from './support.js';

const MAX_ATTEMPTS = 4;

let database: TestDatabase;
let client: pg.Client;
let sendgrid: SendGridStub;
let twilio: TwilioStub;
let fcm: FcmStub;
let notifier: NotifierProcess;

interface Person {
  ref: string;
  email?: string;
  phone?: string;
  token?: string;
  postal?: string;
}

async function campaignFor(people: Person[]): Promise<string> {
  const incident = await createIncident(client);
  await client.query(
    `INSERT INTO affected_subjects (incident_id, external_ref, name, email, phone, push_tokens, postal_address, language)
     SELECT $1, p.ref, 'Person ' || p.ref, p.email, p.phone, CASE WHEN p.token IS NULL THEN '{}' ELSE ARRAY[p.token] END, p.postal, 'en'
     FROM json_to_recordset($2) AS p(ref text, email text, phone text, token text, postal text)`,
    [incident.id, JSON.stringify(people)],
  );
  const campaignId = await createCampaign(client, incident.id);
  await approveCampaign(client, campaignId);
  return campaignId;
}

const many = (prefix: string, n: number, make: (i: number) => Partial<Person>): Person[] =>
  Array.from({ length: n }, (_, i) => ({ ref: `${prefix}${i}`, ...make(i) }));

type StubBody = { personalizations?: Array<{ to?: Array<{ email?: string }> }>; To?: string; message?: { token?: string } } | undefined;

/** The recipients of one recorded request (a SendGrid request carries up to 1000). */
function recipientsOf(request: RecordedRequest): string[] {
  const body = request.body as StubBody;
  if (body?.personalizations) return body.personalizations.map((p) => p.to?.[0]?.email ?? '');
  return [body?.To ?? body?.message?.token ?? ''];
}

/** Requests a stub received for one recipient (its bodies are kept). */
function requestsFor(requests: RecordedRequest[], recipient: string): number {
  return requests.filter((r) => recipientsOf(r).includes(recipient)).length;
}

const by = (rows: DeliveryRow[], pick: (r: DeliveryRow) => string | null) => new Map(rows.map((r) => [pick(r), r]));

function expectOnceEach(rows: DeliveryRow[]): void {
  for (const stub of [sendgrid, twilio, fcm]) expect(stub.duplicates()).toBe(0);
  const accepted = { email: sendgrid.accepted(), sms: twilio.accepted(), push: fcm.accepted() };
  for (const r of rows.filter((r) => r.state === 'sent')) expect([r.channel, accepted[r.channel as 'email' | 'sms' | 'push'].get(String(r.id))]).toEqual([r.channel, 1]);
  for (const r of rows) expect(r.attempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
}

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  [sendgrid, twilio, fcm] = await Promise.all([startSendGridStub(), startTwilioStub(), startFcmStub()]);
  notifier = spawnNotifier(database.url, {
    ...stubChannelEnv({ sendgrid: sendgrid.url, twilio: twilio.url, fcm: fcm.url }),
    SENDGRID_TIMEOUT_MS: '500',
    TWILIO_TIMEOUT_MS: '500',
    FCM_TIMEOUT_MS: '1500',
    NOTIFIER_RETRY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    NOTIFIER_RETRY_BASE_MS: '100',
    NOTIFIER_RETRY_MAX_MS: '500',
    NOTIFIER_TICK_MS: '100',
    NOTIFIER_IDLE_MS: '20',
  });
  await waitForNotifier(client, notifier);
});

beforeEach(() => {
  for (const stub of [sendgrid, twilio, fcm]) stub.reset();
});

afterAll(async () => {
  await notifier?.kill();
  await Promise.all([sendgrid, twilio, fcm].map((s) => s?.stop()));
  await client?.end();
  await database?.drop();
});

describe('provider faults', () => {
  it('429 with Retry-After and 503: retried, no earlier than the provider asked, within the attempt limit', async () => {
    const people = [
      ...many('e', 20, (i) => ({ email: `e${i}@example.org` })),
      ...many('s', 20, (i) => ({ phone: `+49151000001${String(i).padStart(2, '0')}` })),
      ...many('p', 20, (i) => ({ token: `tok-p${i}` })),
    ];
    // SendGrid answers a request as a whole (up to 1000 recipients): the first e-mail request is rate limited,
    // the next two find the service unavailable.
    sendgrid.inject({ kind: 'rate-limit', retryAfter: '2' });
    sendgrid.inject({ kind: 'unavailable', times: 2 });
    for (const i of [0, 1, 2]) {
      twilio.inject({ kind: 'rate-limit', retryAfter: '2', match: `+49151000001${String(i).padStart(2, '0')}` });
      fcm.inject({ kind: 'rate-limit', match: `tok-p${i}` });
    }
    for (const i of [3, 4]) {
      twilio.inject({ kind: 'unavailable', match: `+49151000001${String(i).padStart(2, '0')}`, times: 2 });
      // firebase-admin retries a 503 itself (its own backoff) before the notifier sees anything.
      fcm.inject({ kind: 'unavailable', match: `tok-p${i}`, times: 1 });
    }
    const campaignId = await campaignFor(people);
    await waitUntilSettled(client, campaignId, 60_000);

    const rows = await deliveryRows(client, campaignId);
    expect(rows.filter((r) => r.state !== 'sent')).toEqual([]);
    expectOnceEach(rows);
    const email = by(rows, (r) => r.email);
    const phone = by(rows, (r) => r.phone);
    const token = by(rows, (r) => r.token);
    const { rows: timing } = await client.query(
      `SELECT d.id::int AS id, extract(epoch FROM d.sent_at - d.created_at) * 1000 AS ms FROM deliveries d WHERE d.campaign_id = $1`, [campaignId]);
    const tookMs = new Map(timing.map((t) => [t.id as number, Number(t.ms)]));
    for (const i of [0, 1, 2]) {
      const s = phone.get(`+49151000001${String(i).padStart(2, '0')}`)!;
      expect([s.attempts, token.get(`tok-p${i}`)!.attempts]).toEqual([2, 2]);
      expect(tookMs.get(s.id)).toBeGreaterThanOrEqual(1900); // Retry-After: 2 was honoured
    }
    for (const i of [3, 4]) {
      expect(phone.get(`+49151000001${String(i).padStart(2, '0')}`)!.attempts).toBe(3);
      expect(token.get(`tok-p${i}`)!.attempts).toBe(1);
      expect(requestsFor(fcm.requests.recent, `tok-p${i}`)).toBe(2);
    }
    // E-mail: three failed requests, then success; each person was attempted once per request that carried them.
    const requests = sendgrid.requests.recent;
    for (const [address, row] of email) if (address) expect([address, row.attempts]).toEqual([address, requestsFor(requests, address)]);
    const first = recipientsOf(requests[0]!);
    for (const address of first) {
      expect(email.get(address)!.attempts).toBeGreaterThanOrEqual(2);
      expect(tookMs.get(email.get(address)!.id)).toBeGreaterThanOrEqual(1900); // the 429's Retry-After: 2
    }
    expect(rows.filter((r) => r.email).reduce((n, r) => n + r.attempts, 0)).toBe(requests.reduce((n, r) => n + recipientsOf(r).length, 0));
  });

  it('a provider that never recovers: each person gets exactly the attempt limit there, then the next channel', async () => {
    const people = many('stuck', 5, (i) => ({ email: `stuck${i}@example.org`, phone: `+491510000099${i}` }));
    sendgrid.inject({ kind: 'unavailable', retryAfter: '0', times: Infinity });
    const campaignId = await campaignFor(people);
    await waitUntilSettled(client, campaignId, 60_000);

    const rows = await deliveryRows(client, campaignId);
    expectOnceEach(rows);
    for (const person of people) {
      expect(requestsFor(sendgrid.requests.recent, person.email!)).toBe(MAX_ATTEMPTS);
      const row = rows.find((r) => r.email === person.email)!;
      expect([row.state, row.channel]).toEqual(['sent', 'sms']);
      expect(row.tried).toEqual([expect.objectContaining({ channel: 'email', reason: 'retries_exhausted:provider_unavailable' })]);
    }
    expect(sendgrid.accepted().size).toBe(0);
  });

  it('timeouts and connection resets: retried on the same channel, nothing lost, nothing doubled', async () => {
    const people = [
      ...many('e', 10, (i) => ({ email: `e${i}@example.org` })),
      ...many('s', 10, (i) => ({ phone: `+49151000002${String(i).padStart(2, '0')}` })),
      ...many('p', 10, (i) => ({ token: `tok-q${i}` })),
    ];
    sendgrid.inject({ kind: 'hang', match: 'e0@example.org' });
    sendgrid.inject({ kind: 'reset', match: 'e1@example.org' });
    twilio.inject({ kind: 'hang', match: '+4915100000200' });
    twilio.inject({ kind: 'reset', match: '+4915100000201' });
    fcm.inject({ kind: 'reset', match: 'tok-q1' });
    const campaignId = await campaignFor(people);
    await waitUntilSettled(client, campaignId, 60_000);

    const rows = await deliveryRows(client, campaignId);
    expect(rows.filter((r) => r.state !== 'sent')).toEqual([]);
    expectOnceEach(rows);
    const email = by(rows, (r) => r.email);
    const phone = by(rows, (r) => r.phone);
    // The hung request timed out and the reset one failed: everyone they carried was attempted again, and only
    // as often as requests carried them.
    expect(requestsFor(sendgrid.requests.recent, 'e0@example.org')).toBeGreaterThanOrEqual(2);
    expect(requestsFor(sendgrid.requests.recent, 'e1@example.org')).toBeGreaterThanOrEqual(2);
    for (const [address, row] of email) if (address) expect([address, row.attempts]).toEqual([address, requestsFor(sendgrid.requests.recent, address)]);
    expect(phone.get('+4915100000200')!.attempts).toBe(2);
    expect(phone.get('+4915100000201')!.attempts).toBe(2);
    expect(requestsFor(twilio.requests.recent, '+4915100000200')).toBe(2);
    // A reset HTTP/2 stream is retried (by firebase-admin or by the notifier), and delivered once.
    expect(requestsFor(fcm.requests.recent, 'tok-q1')).toBeGreaterThanOrEqual(2);
    for (const r of rows) expect(r.tried).toEqual([]);
  });

  it('permanent errors move people down the chain, with every reason kept; nobody is lost', async () => {
    const people: Person[] = [
      ...many('ok', 10, (i) => ({ email: `ok${i}@example.org` })),
      // E-mail bounces at SendGrid (400 naming the personalization) → SMS.
      { ref: 'bounce', email: 'bounced@example.org', phone: '+4915100000301' },
      // Twilio 21211 (invalid number) → push.
      { ref: 'badnumber', phone: '+15005550001', token: 'tok-ok1' },
      // Twilio 21610 (replied STOP) → letter.
      { ref: 'stopped', phone: '+15005550004', postal: 'Street 1|10115 Berlin' },
      // FCM UNREGISTERED → letter.
      { ref: 'uninstalled', token: 'tok-gone1', postal: 'Street 2|10115 Berlin' },
      // Everything fails: unreachable, with the reason of every channel tried.
      { ref: 'nobody', email: 'bounced2@example.org', phone: '+15005550001', token: 'tok-gone2' },
    ];
    sendgrid.inject({ kind: 'invalid-email', match: 'bounced@example.org', times: Infinity });
    sendgrid.inject({ kind: 'invalid-email', match: 'bounced2@example.org', times: Infinity });
    fcm.inject({ kind: 'unregistered', match: 'tok-gone1', times: Infinity });
    fcm.inject({ kind: 'unregistered', match: 'tok-gone2', times: Infinity });
    const campaignId = await campaignFor(people);
    await waitUntilSettled(client, campaignId, 60_000);

    const rows = await deliveryRows(client, campaignId);
    expectOnceEach(rows);
    const { rows: refs } = await client.query(
      `SELECT s.external_ref AS ref, d.state, d.channel, d.tried FROM deliveries d JOIN affected_subjects s ON s.id = d.subject_id WHERE d.campaign_id = $1`, [campaignId]);
    const of = new Map(refs.map((r) => [r.ref as string, r]));
    const outcome = (ref: string) => {
      const r = of.get(ref)!;
      return { state: r.state, channel: r.channel, tried: r.tried.map((t: { channel: string; reason: string }) => `${t.channel}:${t.reason}`) };
    };
    expect(outcome('ok0')).toEqual({ state: 'sent', channel: 'email', tried: [] });
    expect(outcome('bounce')).toEqual({ state: 'sent', channel: 'sms', tried: ['email:invalid_email'] });
    expect(outcome('badnumber')).toEqual({ state: 'sent', channel: 'push', tried: ['sms:invalid_number'] });
    expect(outcome('stopped')).toEqual({ state: 'printing', channel: 'letter', tried: ['sms:unsubscribed'] });
    expect(outcome('uninstalled')).toEqual({ state: 'printing', channel: 'letter', tried: ['push:unregistered_token'] });
    expect(outcome('nobody')).toEqual({ state: 'unreachable', channel: 'push', tried: ['email:invalid_email', 'sms:invalid_number', 'push:unregistered_token'] });
    // A permanent error is not retried: one request per failed channel.
    expect(requestsFor(sendgrid.requests.recent, 'bounced@example.org')).toBe(1);
    expect(requestsFor(twilio.requests.recent, '+15005550004')).toBe(1);
    expect(requestsFor(fcm.requests.recent, 'tok-gone1')).toBe(1);
    expect(rows).toHaveLength(people.length);

    // The e-mails went out as one shared template per request, each person with their own name and link.
    const { rows: tokens } = await client.query(
      `SELECT d.id::text AS id, c.link_key, s.name FROM deliveries d JOIN affected_subjects s ON s.id = d.subject_id JOIN notice_campaigns c ON c.id = d.campaign_id
       WHERE d.campaign_id = $1`, [campaignId]);
    const byDelivery = new Map(tokens.map((t) => [t.id as string, { token: noticeToken(t.link_key, t.id), name: t.name as string }]));
    const bodies = sendgrid.requests.bodies as Array<{ content: Array<{ value: string }>; personalizations: Array<{ custom_args: { delivery_id: string }; substitutions: Record<string, string> }> }>;
    expect(Math.max(...bodies.map((b) => b.personalizations.length))).toBeGreaterThanOrEqual(10);
    for (const body of bodies) {
      expect(body.content[0]!.value).toContain('%tocsin_url%');
      for (const p of body.personalizations) {
        const delivery = byDelivery.get(p.custom_args.delivery_id)!;
        expect(p.substitutions['%tocsin_url%']).toMatch(new RegExp(`/n/${delivery.token}$`));
        expect(p.substitutions['%tocsin_name%']).toBe(delivery.name);
        expect(Object.keys(p.substitutions).sort()).toEqual(['%tocsin_name%', '%tocsin_url%']); // nothing to escape in these
      }
    }
  });

  it('an FCM call that outlives its deadline is retried as a whole: at most that one batch is sent twice', async () => {
    const people = many('p', 20, (i) => ({ token: `tok-r${i}` }));
    fcm.inject({ kind: 'hang', match: 'tok-r0' });
    const campaignId = await campaignFor(people);
    await waitUntilSettled(client, campaignId, 60_000);
    const rows = await deliveryRows(client, campaignId);
    expect(rows.filter((r) => r.state !== 'sent')).toEqual([]);
    // firebase-admin has no per-request abort: the deadline turns the whole sendEach into a retry,
    // including the messages FCM had accepted. The duplicates are bounded by that batch.
    expect(fcm.duplicates()).toBeLessThanOrEqual(people.length - 1);
    // The batch with the hung token took two attempts; how many people shared that batch depends on the claims.
    expect(rows.every((r) => r.attempts >= 1 && r.attempts <= 2)).toBe(true);
    expect(rows.some((r) => r.attempts === 2)).toBe(true);
    expect([...fcm.accepted().values()].every((n) => n >= 1)).toBe(true);
    expect(fcm.accepted().size).toBe(people.length);
  });

  it('the notifier never logged an address, number or token', () => {
    expect(notifier.child.exitCode).toBeNull();
    expect(notifier.lines.length).toBeGreaterThan(0);
    expectNoContactData(notifier.lines);
  });
});
