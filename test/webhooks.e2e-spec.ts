import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import twilio from 'twilio';
import { createPinoLogger, StructuredLogger } from '#observability';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { startNotifier } from './support/notifier-harness.js';
import { startSendGridStub, startTwilioStub, type SendGridStub, type TwilioStub } from './stubs/index.js';

const SIGNATURE = 'X-Twilio-Email-Event-Webhook-Signature';
const TIMESTAMP = 'X-Twilio-Email-Event-Webhook-Timestamp';
const ACCOUNT_SID = 'AC' + '0123456789abcdef'.repeat(2);
const AUTH_TOKEN = 'test_auth_token_0123456789abcdef';
const PUBLIC_URL = 'https://tocsin.example.org';
const CALLBACK_URL = `${PUBLIC_URL}/v1/webhooks/twilio`;
const WEBHOOK_ENV = {
  SENDGRID_WEBHOOK_PUBLIC_KEY: '',
  TWILIO_ACCOUNT_SID: ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWILIO_FROM: '+15557650000',
  TWILIO_STATUS_CALLBACK_URL: CALLBACK_URL,
  TOCSIN_PUBLIC_URL: PUBLIC_URL,
};

const texts = {
  subject: 'Security incident {{incidentRef}}',
  whatHappened: 'Dear {{name}}, a storage bucket holding your address was public for three hours.',
  measuresTaken: 'We closed access and rotated every key.',
  selfProtection: 'Be wary of messages asking for your password.',
  remedialMeasures: 'We offer 12 months of identity monitoring.',
  contactPoint: 'Data protection officer, dpo@example.org',
};

/** Who is who in the campaign (chain email → sms → letter). */
const PEOPLE = [
  { externalRef: 'bounce', name: 'Bo Bounce', email: 'bo@example.org', phone: '+4915100000001', postalAddress: ['Bounce Street 1', '10115 Berlin'], country: 'DE' },
  { externalRef: 'delivered', name: 'Del Ivered', email: 'del@example.org', country: 'DE' },
  { externalRef: 'opened', name: 'Op En', email: 'open@example.org', country: 'DE' },
  { externalRef: 'late', name: 'La Te', email: 'late@example.org', phone: '+4915100000004', country: 'DE' },
  { externalRef: 'smsonly', name: 'Sam Ess', phone: '+4915100000005', country: 'DE' },
  { externalRef: 'untouched', name: 'Un Touched', email: 'untouched@example.org', phone: '+4915100000006', country: 'DE' },
  { externalRef: 'dropped', name: 'Drop Ped', email: 'dropped@example.org', country: 'DE' },
];

let api: ApiHarness;
let db: pg.Client;
let sendgrid: SendGridStub;
let twilioStub: TwilioStub;
let notifier: Awaited<ReturnType<typeof startNotifier>>;
let privateKey: KeyObject;
let campaignId: string;
/** Delivery id by externalRef. */
const ids: Record<string, number> = {};
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const now = () => String(Math.floor(Date.now() / 1000));

/** The body as SendGrid posts it: one event per line, CRLFs, trailing CRLF (the signature covers them). */
function eventBody(events: object[]): Buffer {
  return Buffer.from('[' + events.map((e) => JSON.stringify(e)).join(',\r\n') + '\r\n]\r\n');
}

function postSendGrid(body: Buffer, options: { ts?: string; key?: KeyObject; signature?: string; contentType?: string } = {}) {
  const ts = options.ts ?? now();
  const signature = options.signature ?? sign('sha256', Buffer.concat([Buffer.from(ts), body]), options.key ?? privateKey).toString('base64');
  return api.http.post('/v1/webhooks/sendgrid').set('Content-Type', options.contentType ?? 'application/json')
    .set(SIGNATURE, signature).set(TIMESTAMP, ts).send(body.toString('utf8')); // a string goes out byte for byte (a Buffer would be re-serialized)
}

async function messageId(ref: string): Promise<string> {
  const { rows } = await db.query('SELECT provider_message_id FROM deliveries WHERE id = $1', [ids[ref]]);
  return rows[0].provider_message_id;
}

async function sgEvent(ref: string, event: string, eventId: string, extra: Record<string, unknown> = {}) {
  const person = PEOPLE.find((p) => p.externalRef === ref)!;
  return {
    email: person.email, timestamp: Math.floor(Date.now() / 1000), event, sg_event_id: eventId,
    sg_message_id: `${await messageId(ref)}.filterdrecv-5645d9c87f-6r9q7-1-5E9F2F1E-1B.0`, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>',
    delivery_id: String(ids[ref]), category: ['notice'], ...extra,
  };
}

async function delivery(ref: string) {
  const { rows } = await db.query(
    'SELECT state, channel, step, attempts, provider, provider_message_id, tried, sent_at, delivered_at FROM deliveries WHERE id = $1', [ids[ref]]);
  return rows[0];
}

async function snapshot() {
  const { rows } = await db.query('SELECT id, state, channel, step, tried, delivered_at, updated_at FROM deliveries ORDER BY id');
  const { rows: [events] } = await db.query('SELECT count(*)::int AS n FROM webhook_events');
  return { rows, events: events.n };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The status callback URL the notifier gave Twilio for a delivery's SMS (as Twilio would call it). */
function callbackUrlFor(deliveryId: number): string {
  const urls = twilioStub.requests.recent.map((r) => (r.body as Record<string, string>).StatusCallback).filter(Boolean);
  const url = urls.find((u) => new URL(u!).searchParams.get('delivery_id') === String(deliveryId));
  if (!url) throw new Error(`no SMS with a status callback for delivery ${deliveryId}`);
  return url;
}

function postTwilio(url: string, params: Record<string, string>, signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params)) {
  const parsed = new URL(url);
  return api.http.post(parsed.pathname + parsed.search).type('form').set('X-Twilio-Signature', signature).send(params);
}

beforeAll(async () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  privateKey = pair.privateKey;
  sendgrid = await startSendGridStub();
  twilioStub = await startTwilioStub({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  // The api reads the webhook keys when it starts (channelConfigFromEnv), as it would from its environment.
  Object.assign(process.env, WEBHOOK_ENV, { SENDGRID_WEBHOOK_PUBLIC_KEY: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') });
  api = await startApi();
  db = new pg.Client({ connectionString: api.database.url });
  await db.connect();

  const responder = await api.token('responder');
  const approver = await api.token('approver');
  const incident = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'Webhooks', awareAt: '2026-11-20T08:00:00Z' });
  const ref = incident.body.ref;
  const imported = await api.http.post(`/v1/incidents/${ref}/subjects/import`).set(auth(responder)).set('Content-Type', 'application/x-ndjson')
    .send(PEOPLE.map((p) => JSON.stringify({ language: 'en', ...p })).join('\n') + '\n');
  expect(imported.body.rowsAccepted).toBe(PEOPLE.length);
  const created = await api.http.post(`/v1/incidents/${ref}/campaigns`).set(auth(responder))
    .send({ name: 'Notice', audience: { kind: 'all' }, channelChain: ['email', 'sms', 'letter'], defaultLanguage: 'en', content: { en: texts } });
  expect(created.status).toBe(201);
  campaignId = created.body.id;
  const approved = await api.http.post(`/v1/incidents/${ref}/campaigns/${campaignId}/approve`).set(auth(approver))
    .send({ version: created.body.version, contentHash: created.body.contentHash });
  expect(approved.status).toBe(200);

  // The real SendGrid and Twilio SDKs, against the wire-format stubs.
  notifier = await startNotifier(api.database.url, undefined, {}, {
    SENDGRID_API_KEY: 'SG.test-key', SENDGRID_FROM: 'Tocsin <noreply@example.org>', SENDGRID_BASE_URL: sendgrid.url,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_FROM: '+15557650000', TWILIO_BASE_URL: twilioStub.url,
    TWILIO_STATUS_CALLBACK_URL: CALLBACK_URL, LETTER_PROVIDER: 'print-queue',
  });
  // The notifier context (logger: false) silenced Nest's shared Logger; give the api's log lines back to the harness.
  api.app.useLogger(new StructuredLogger(createPinoLogger('api', new Writable({ write(chunk, _enc, cb) { api.logs.push(String(chunk)); cb(); } }))));
  await waitFor('the campaign to complete', async () => {
    const { rows } = await db.query('SELECT status FROM notice_campaigns WHERE id = $1', [campaignId]);
    return rows[0].status === 'completed';
  });
  const { rows } = await db.query(
    'SELECT d.id, s.external_ref, d.state, d.provider FROM deliveries d JOIN affected_subjects s ON s.id = d.subject_id WHERE d.campaign_id = $1', [campaignId]);
  for (const r of rows) {
    ids[r.external_ref] = r.id;
    expect([r.external_ref, r.state, r.provider]).toEqual([r.external_ref, 'sent', r.external_ref === 'smsonly' ? 'twilio' : 'sendgrid']);
  }
});

afterAll(async () => {
  await notifier?.close();
  await db?.end();
  await api?.close();
  await sendgrid?.stop();
  await twilioStub?.stop();
  for (const key of Object.keys(WEBHOOK_ENV)) delete process.env[key];
});

describe('SendGrid Event Webhook', () => {
  it('applies genuine events: a bounce moves the person to SMS (and the notifier sends it), delivered marks delivered, an open is only recorded', async () => {
    const body = eventBody([
      await sgEvent('bounce', 'processed', 'ev-processed-1'),
      await sgEvent('bounce', 'bounce', 'ev-bounce-1', { type: 'bounce', status: '5.1.1', bounce_classification: 'Invalid Address', reason: '550 5.1.1 bo@example.org: user unknown' }),
      await sgEvent('delivered', 'delivered', 'ev-delivered-1', { response: '250 OK del@example.org' }),
      await sgEvent('opened', 'open', 'ev-open-1', { useragent: 'Mozilla/5.0', ip: '192.0.2.1' }),
    ]);
    const res = await postSendGrid(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 4, recorded: 4, duplicates: 0, ignored: 0, applied: 2 });

    const delivered = await delivery('delivered');
    expect(delivered.state).toBe('delivered');
    expect(delivered.delivered_at).not.toBeNull();
    expect((await delivery('opened')).state).toBe('sent');

    // The bounced person is queued on SMS at once, with the reason kept; the running notifier sends it.
    const moved = await waitFor('the SMS fallback to be sent', async () => {
      const d = await delivery('bounce');
      return d.state === 'sent' && d;
    });
    expect(moved).toEqual(expect.objectContaining({ channel: 'sms', step: 2, provider: 'twilio' }));
    expect(moved.tried).toEqual([expect.objectContaining({ channel: 'email', reason: 'bounced_invalid_address' })]);
    expect(moved.provider_message_id).toMatch(/^SM[0-9a-f]{32}$/);
    expect(twilioStub.accepted().get(String(ids.bounce))).toBe(1);

    const { rows: events } = await db.query(`SELECT event_id, delivery_id, event, status, reason FROM webhook_events WHERE provider = 'sendgrid' ORDER BY event_id`);
    expect(events).toEqual([
      { event_id: 'ev-bounce-1', delivery_id: ids.bounce, event: 'bounce', status: 'failed', reason: 'bounced_invalid_address' },
      { event_id: 'ev-delivered-1', delivery_id: ids.delivered, event: 'delivered', status: 'delivered', reason: null },
      { event_id: 'ev-open-1', delivery_id: ids.opened, event: 'open', status: 'engaged', reason: 'opened' },
      { event_id: 'ev-processed-1', delivery_id: ids.bounce, event: 'processed', status: 'accepted', reason: null },
    ]);

    // A replay (SendGrid retries, or someone re-posts a captured request) is acknowledged and applied once.
    const replay = await postSendGrid(body);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ received: 4, recorded: 0, duplicates: 4, ignored: 0, applied: 0 });
    await new Promise((r) => setTimeout(r, 300));
    const after = await delivery('bounce');
    expect(after.tried).toHaveLength(1);
    expect(after.state).toBe('sent');
    expect(twilioStub.accepted().get(String(ids.bounce))).toBe(1);
  });

  it('a late bounce after delivered falls back too; a drop with no further channel makes the person unreachable with the reason', async () => {
    const delivered = await postSendGrid(eventBody([await sgEvent('late', 'delivered', 'ev-late-delivered')]));
    expect(delivered.body.applied).toBe(1);
    expect((await delivery('late')).state).toBe('delivered');
    const bounced = await postSendGrid(eventBody([
      await sgEvent('late', 'bounce', 'ev-late-bounce', { type: 'blocked', reason: 'blocked by late@example.org' }),
      await sgEvent('dropped', 'dropped', 'ev-dropped', { reason: 'Bounced Address' }),
      // Events of a delivery that is not on this channel (any more) or not ours change nothing.
      await sgEvent('smsonly', 'bounce', 'ev-not-email', { type: 'bounce' }),
      { ...(await sgEvent('opened', 'bounce', 'ev-unknown-delivery')), delivery_id: '999999999' },
      { ...(await sgEvent('opened', 'bounce', 'ev-bad-delivery-id')), delivery_id: 'DROP TABLE deliveries' },
    ]));
    expect(bounced.status).toBe(200);
    expect(bounced.body).toEqual({ received: 5, recorded: 5, duplicates: 0, ignored: 0, applied: 2 });
    const late = await waitFor('the late bounce SMS', async () => {
      const d = await delivery('late');
      return d.state === 'sent' && d;
    });
    expect(late).toEqual(expect.objectContaining({ channel: 'sms', delivered_at: null }));
    expect(late.tried).toEqual([expect.objectContaining({ channel: 'email', reason: 'blocked' })]);
    const dropped = await delivery('dropped');
    expect(dropped).toEqual(expect.objectContaining({ state: 'unreachable', channel: 'email', sent_at: null }));
    expect(dropped.tried).toEqual([expect.objectContaining({ channel: 'email', reason: 'suppressed_bounce' })]);
    expect((await delivery('smsonly')).state).toBe('sent');
    expect((await delivery('opened')).state).toBe('sent');

    // The campaign had completed: it ran again for the late fallback and completed with a fresh summary.
    const reopened = await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'campaign.reopened' AND entity_id = $1`, [campaignId]);
    expect(reopened.rows[0].n).toBeGreaterThanOrEqual(1);
    const summary = await waitFor('the campaign to complete again', async () => {
      const { rows } = await db.query('SELECT status, summary FROM notice_campaigns WHERE id = $1', [campaignId]);
      return rows[0].status === 'completed' && rows[0].summary.unreachableReasons.email && rows[0].summary;
    });
    expect(summary.unreachableReasons.email).toEqual({ suppressed_bounce: 1 });
  });

  it.each([
    ['forged (signed by another key)', async (body: Buffer) => postSendGrid(body, { key: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey })],
    ['tampered (signed, then changed)', async (body: Buffer) => {
      const ts = now();
      const signature = sign('sha256', Buffer.concat([Buffer.from(ts), body]), privateKey).toString('base64');
      return postSendGrid(Buffer.from(body.toString().replace('"delivered"', '"bounce"  ')), { ts, signature });
    }],
    ['stale (a genuine signature from 10 minutes ago)', async (body: Buffer) => postSendGrid(body, { ts: String(Math.floor(Date.now() / 1000) - 600) })],
    ['unsigned', async (body: Buffer) => api.http.post('/v1/webhooks/sendgrid').set('Content-Type', 'application/json').send(body.toString())],
    ['signed with garbage', async (body: Buffer) => postSendGrid(body, { signature: 'bm90IGEgc2lnbmF0dXJl' })],
  ])('refuses a %s post with 401 and changes nothing', async (_name, post) => {
    const body = eventBody([await sgEvent('untouched', 'delivered', `ev-refused-${Math.random()}`)]);
    const before = await snapshot();
    const res = await post(body);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.type).toBe('urn:tocsin:problem:bad-webhook-signature');
    expect(await snapshot()).toEqual(before);
    expect((await delivery('untouched')).state).toBe('sent');
  });

  it.each([
    ['a body that is not JSON', Buffer.from('[{"event": "delivered",'), 'application/json'],
    ['a JSON object instead of an array', Buffer.from('{"event":"delivered","delivery_id":"1"}'), 'application/json'],
    ['a non-JSON content type', Buffer.from('event=delivered'), 'application/x-www-form-urlencoded'],
  ])('answers garbage (%s, even signed) with a 400 problem and changes nothing', async (_name, body, contentType) => {
    const before = await snapshot();
    const res = await postSendGrid(body, { contentType });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await snapshot()).toEqual(before);
  });

  it('skips events without an event id or of a kind it does not track', async () => {
    const res = await postSendGrid(eventBody([
      { ...(await sgEvent('untouched', 'delivered', 'x')), sg_event_id: undefined },
      await sgEvent('untouched', 'some_future_event', 'ev-future'),
      'not an event' as unknown as object,
    ]));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 3, recorded: 0, duplicates: 0, ignored: 3, applied: 0 });
    expect((await delivery('untouched')).state).toBe('sent');
  });
});

describe('SendGrid events racing the notifier, and our own setup', () => {
  it('an event that overtakes the notifier\'s record of the send (row still sending) is applied and releases the lease', async () => {
    // As if the notifier had handed the message to SendGrid and not yet written the outcome.
    await db.query(`UPDATE deliveries SET state = 'sending', lease_owner = gen_random_uuid(), lease_until = now() + interval '5 minutes',
                    provider = NULL, provider_message_id = NULL, sent_at = NULL WHERE id = $1`, [ids.opened]);
    const event = { ...(await sgEvent('opened', 'delivered', 'ev-race-delivered')), sg_message_id: 'RACEMSGID.filter0001' };
    const res = await postSendGrid(eventBody([event]));
    expect(res.body.applied).toBe(1);
    const { rows: [d] } = await db.query('SELECT state, lease_owner, provider, provider_message_id, sent_at, delivered_at FROM deliveries WHERE id = $1', [ids.opened]);
    expect(d).toEqual(expect.objectContaining({ state: 'delivered', lease_owner: null, provider: 'sendgrid', provider_message_id: 'RACEMSGID' }));
    expect(d.sent_at).not.toBeNull();
  });

  it('a drop for a reason of our own setup queues the message again on its channel and stops the channel with an alert', async () => {
    const before = await delivery('untouched');
    const res = await postSendGrid(eventBody([await sgEvent('untouched', 'dropped', 'ev-config', { reason: 'Invalid SMTPAPI header' })]));
    expect(res.body.applied).toBe(1);
    const d = await delivery('untouched');
    expect(d).toEqual(expect.objectContaining({ state: 'queued', channel: 'email', step: 1, attempts: before.attempts - 1, sent_at: null, tried: [] }));
    const { rows: pauses } = await db.query('SELECT channel, provider, reason FROM channel_pauses');
    expect(pauses).toEqual([{ channel: 'email', provider: 'sendgrid', reason: 'request_rejected' }]);
    const { rows: alerts } = await db.query(`SELECT severity FROM alerts WHERE kind = 'channel_stopped'`);
    expect(alerts).toEqual([{ severity: 'critical' }]);
  });
});

describe('Twilio status callback', () => {
  it('undelivered with its ErrorCode moves the person to the next channel (a letter here); delivered marks delivered; replays are idempotent', async () => {
    // "bounce" was moved to SMS by the SendGrid test; its SMS now comes back undelivered.
    const url = callbackUrlFor(ids.bounce!);
    expect(url.startsWith(`${CALLBACK_URL}?delivery_id=`)).toBe(true);
    const sid = await messageId('bounce');
    const params = { AccountSid: ACCOUNT_SID, MessageSid: sid, SmsSid: sid, MessageStatus: 'undelivered', SmsStatus: 'undelivered', ErrorCode: '30003', To: '+4915100000001', From: '+15557650000', ApiVersion: '2010-04-01' };
    const res = await postTwilio(url, params);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 1, recorded: 1, duplicates: 0, ignored: 0, applied: 1 });
    // Letters wait in the print queue for their batch.
    const letter = await waitFor('the letter to be queued for print', async () => {
      const d = await delivery('bounce');
      return d.state === 'printing' && d;
    });
    expect(letter).toEqual(expect.objectContaining({ channel: 'letter', step: 3 }));
    expect(letter.tried).toEqual([
      expect.objectContaining({ channel: 'email', reason: 'bounced_invalid_address' }),
      expect.objectContaining({ channel: 'sms', reason: 'unreachable' }),
    ]);

    const replay = await postTwilio(url, params);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ received: 1, recorded: 0, duplicates: 1, ignored: 0, applied: 0 });
    expect((await delivery('bounce')).tried).toHaveLength(2);

    const smsUrl = callbackUrlFor(ids.smsonly!);
    const smsSid = await messageId('smsonly');
    const ok = await postTwilio(smsUrl, { AccountSid: ACCOUNT_SID, MessageSid: smsSid, MessageStatus: 'delivered', To: '+4915100000005' });
    expect(ok.body.applied).toBe(1);
    expect((await delivery('smsonly')).state).toBe('delivered');
    const { rows } = await db.query(`SELECT event_id FROM webhook_events WHERE provider = 'twilio' ORDER BY event_id`);
    expect(rows.map((r) => r.event_id).sort()).toEqual([`${sid}:undelivered`, `${smsSid}:delivered`].sort());
  });

  it('refuses forged or tampered callbacks with 401 and changes nothing; garbage is a 400', async () => {
    const url = callbackUrlFor(ids.late!);
    const sid = await messageId('late');
    const params = { AccountSid: ACCOUNT_SID, MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30005' };
    const before = await snapshot();
    const forged = await postTwilio(url, params, twilio.getExpectedTwilioSignature('someone-elses-token', url, params));
    expect(forged.status).toBe(401);
    // Signed for one delivery, replayed against another (the query string is signed).
    const otherUrl = url.replace(/delivery_id=\d+/, `delivery_id=${ids.untouched}`);
    const moved = await postTwilio(otherUrl, params, twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params));
    expect(moved.status).toBe(401);
    const tampered = await postTwilio(url, { ...params, ErrorCode: '30007' }, twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params));
    expect(tampered.status).toBe(401);
    const unsigned = await api.http.post(new URL(url).pathname + new URL(url).search).type('form').send(params);
    expect(unsigned.status).toBe(401);
    expect(await snapshot()).toEqual(before);

    const garbage = await postTwilio(url, { hello: 'world' });
    expect(garbage.status).toBe(400);
    expect(garbage.body.errors.map((e: { field: string }) => e.field)).toEqual(['MessageSid', 'MessageStatus']);
    const json = await api.http.post(new URL(url).pathname + new URL(url).search).set('Content-Type', 'application/json').set('X-Twilio-Signature', 'x').send('{"a":1}');
    expect(json.status).toBe(400);
    expect(await snapshot()).toEqual(before);
    expect((await delivery('late')).state).toBe('sent');
  });

  it('finds the delivery by its message SID when the callback URL carries no delivery_id (a Messaging Service callback)', async () => {
    const sid = await messageId('late');
    const params = { AccountSid: ACCOUNT_SID, MessageSid: sid, MessageStatus: 'delivered' };
    const res = await postTwilio(CALLBACK_URL, params);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 1, recorded: 1, duplicates: 0, ignored: 0, applied: 1 });
    expect((await delivery('late')).state).toBe('delivered');
  });

  it('writes no contact data to the logs', () => {
    const logs = api.logs.join('\n');
    expect(logs).toMatch(/sendgrid webhook: \d+ events/);
    expect(logs).toMatch(/twilio webhook refused: bad_signature/);
    for (const p of PEOPLE) {
      if (p.email) expect(logs).not.toContain(p.email);
      if (p.phone) expect(logs).not.toContain(p.phone);
      expect(logs).not.toContain(p.name);
    }
  });
});

describe('webhooks without keys', () => {
  let bare: ApiHarness;
  beforeAll(async () => {
    for (const key of Object.keys(WEBHOOK_ENV)) delete process.env[key];
    bare = await startApi();
  });
  afterAll(async () => {
    await bare?.close();
  });

  it('answer 503 and record nothing while the provider key is not configured', async () => {
    const body = eventBody([{ event: 'delivered', sg_event_id: 'ev-x', delivery_id: '1' }]);
    const ts = now();
    const sg = await bare.http.post('/v1/webhooks/sendgrid').set('Content-Type', 'application/json')
      .set(SIGNATURE, sign('sha256', Buffer.concat([Buffer.from(ts), body]), privateKey).toString('base64')).set(TIMESTAMP, ts).send(body.toString());
    expect(sg.status).toBe(503);
    expect(sg.body.type).toBe('urn:tocsin:problem:webhook-not-configured');
    const params = { MessageSid: 'SM' + '0'.repeat(32), MessageStatus: 'delivered' };
    const tw = await bare.http.post('/v1/webhooks/twilio?delivery_id=1').type('form')
      .set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(AUTH_TOKEN, `http://127.0.0.1:3000/v1/webhooks/twilio?delivery_id=1`, params)).send(params);
    expect(tw.status).toBe(503);
    const check = new pg.Client({ connectionString: bare.database.url });
    await check.connect();
    try {
      expect((await check.query('SELECT count(*)::int AS n FROM webhook_events')).rows[0].n).toBe(0);
    } finally {
      await check.end();
    }
  });
});
