import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import twilio from 'twilio';
import {
  mapSendGridEvents, mapTwilioStatus, sendGridVerificationKey, twilioSignature, verifySendGridWebhook, verifyTwilioWebhook,
} from '#channels';

describe('SendGrid Event Webhook signature (ECDSA P-256 over timestamp + raw body)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keyB64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const now = Date.UTC(2026, 10, 24, 10, 0, 0);
  const ts = String(now / 1000);
  // SendGrid posts one event per line with CRLFs, and signs those bytes.
  const raw = Buffer.from('[{"email":"jane@example.org","event":"delivered","delivery_id":"d-1","sg_message_id":"abc.filter0001","timestamp":1795514400}\r\n]\r\n');
  const signature = sign('sha256', Buffer.concat([Buffer.from(ts), raw]), privateKey).toString('base64');
  const check = (overrides: Partial<Parameters<typeof verifySendGridWebhook>[0]>) =>
    verifySendGridWebhook({ publicKey: keyB64, rawBody: raw, signature, timestamp: ts, nowMs: now, ...overrides });

  it('accepts a genuine post (key as base64 SPKI or PEM)', () => {
    expect(check({})).toEqual({ ok: true });
    expect(check({ publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() })).toEqual({ ok: true });
    expect(check({ publicKey: sendGridVerificationKey(keyB64), nowMs: now + 299_000 })).toEqual({ ok: true });
  });

  it("accepts SendGrid's own published test vector", () => {
    const payload = JSON.stringify({ category: 'example_payload', event: 'test_event', message_id: 'message_id' });
    expect(verifySendGridWebhook({
      publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==',
      rawBody: payload,
      signature: 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=',
      timestamp: '1588788367',
      nowMs: 1588788367_000,
    })).toEqual({ ok: true });
  });

  const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  it.each([
    ['a tampered body', { rawBody: Buffer.from(raw.toString().replace('delivered', 'bounce')) }, 'bad_signature'],
    ['the body re-serialized (CRLFs lost)', { rawBody: JSON.stringify(JSON.parse(raw.toString())) }, 'bad_signature'],
    ['a timestamp changed by one second', { timestamp: String(Number(ts) + 1) }, 'bad_signature'],
    ['a signature by another key (forged)', { signature: sign('sha256', Buffer.concat([Buffer.from(ts), raw]), other.privateKey).toString('base64') }, 'bad_signature'],
    ['garbage instead of a DER signature', { signature: 'bm90IGEgc2lnbmF0dXJl' }, 'bad_signature'],
    ['a stale timestamp (replay after 10 minutes)', { nowMs: now + 600_000 }, 'stale_timestamp'],
    ['a timestamp from the future', { nowMs: now - 600_000 }, 'stale_timestamp'],
    ['a non-numeric timestamp', { timestamp: 'yesterday' }, 'bad_timestamp'],
    ['no signature header', { signature: undefined }, 'missing_signature'],
  ])('rejects %s', (_name, overrides, reason) => {
    expect(check(overrides)).toEqual({ ok: false, reason });
  });

  it('maps events to delivery statuses with reason codes, correlated by delivery_id, without addresses', () => {
    const events = [
      { email: 'a@example.org', event: 'processed', delivery_id: 'd1', sg_message_id: 'MSG1.filter001', timestamp: 1795514400 },
      { email: 'a@example.org', event: 'delivered', delivery_id: 'd1', sg_message_id: 'MSG1.filter001', timestamp: 1795514401, response: '250 OK a@example.org' },
      { email: 'b@example.org', event: 'deferred', delivery_id: 'd2', attempt: '1', response: '451 try later' },
      { email: 'c@example.org', event: 'bounce', type: 'bounce', bounce_classification: 'Invalid Address', delivery_id: 'd3', reason: '550 no such user c@example.org' },
      { email: 'd@example.org', event: 'bounce', type: 'blocked', delivery_id: 'd4' },
      { email: 'e@example.org', event: 'dropped', reason: 'Bounced Address', delivery_id: 'd5' },
      { email: 'f@example.org', event: 'dropped', reason: 'Unsubscribed Address', delivery_id: 'd6' },
      { email: 'g@example.org', event: 'dropped', reason: 'Something new', delivery_id: 'd7' },
      { email: 'h@example.org', event: 'spamreport', delivery_id: 'd8' },
      { email: 'i@example.org', event: 'open', delivery_id: 'd9' },
      { email: 'j@example.org', event: 'some_future_event', delivery_id: 'd10' },
      'not an event',
    ];
    const updates = mapSendGridEvents(events);
    expect(updates.map((u) => [u.deliveryId, u.status, u.reason])).toEqual([
      ['d1', 'accepted', null],
      ['d1', 'delivered', null],
      ['d2', 'deferred', 'deferred'],
      ['d3', 'failed', 'bounced_invalid_address'],
      ['d4', 'failed', 'blocked'],
      ['d5', 'failed', 'suppressed_bounce'],
      ['d6', 'failed', 'suppressed_unsubscribe'],
      ['d7', 'failed', 'dropped'],
      ['d8', 'engaged', 'spam_report'],
      ['d9', 'engaged', 'opened'],
    ]);
    expect(updates[1]).toEqual({ deliveryId: 'd1', providerMessageId: 'MSG1', status: 'delivered', reason: null, event: 'delivered', occurredAt: new Date(1795514401_000) });
    expect(JSON.stringify(updates)).not.toMatch(/@example\.org/);
    expect(mapSendGridEvents({ not: 'an array' })).toEqual([]);
  });
});

describe('Twilio X-Twilio-Signature (HMAC-SHA1 of URL + sorted params)', () => {
  const token = 'test_auth_token_0123456789abcdef';
  const url = 'https://hooks.example.org/webhooks/twilio/status?delivery_id=d-42';
  const params = { MessageSid: 'SM0123', MessageStatus: 'delivered', To: '+4915123456789', From: '+15557650000', AccountSid: 'AC1', ApiVersion: '2010-04-01' };
  const signature = twilio.getExpectedTwilioSignature(token, url, params);

  it('computes the same signature as the twilio SDK, including repeated fields', () => {
    expect(twilioSignature(token, url, params)).toBe(signature);
    const repeated = { ...params, MediaUrl: ['https://m/2', 'https://m/1', 'https://m/2'] };
    expect(twilioSignature(token, url, repeated)).toBe(twilio.getExpectedTwilioSignature(token, url, repeated));
  });

  it('accepts a genuine callback, also when the URL is given with its default port', () => {
    expect(verifyTwilioWebhook({ authToken: token, signature, url, params })).toEqual({ ok: true });
    expect(verifyTwilioWebhook({ authToken: token, signature, url: url.replace('.org/', '.org:443/'), params })).toEqual({ ok: true });
    expect(twilio.validateRequest(token, signature, url, params)).toBe(true);
  });

  it.each([
    ['a tampered status', { params: { ...params, MessageStatus: 'failed' } }],
    ['an added field', { params: { ...params, ErrorCode: '30003' } }],
    ['a different query string', { url: url.replace('d-42', 'd-43') }],
    ['another auth token (forged)', { signature: twilio.getExpectedTwilioSignature('someone-else', url, params) }],
    ['a truncated signature', { signature: signature.slice(0, 10) }],
  ])('rejects %s', (_name, overrides) => {
    expect(verifyTwilioWebhook({ authToken: token, signature, url, params, ...overrides })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a callback without a signature', () => {
    expect(verifyTwilioWebhook({ authToken: token, signature: undefined, url, params })).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it.each([
    ['queued', undefined, 'accepted', null],
    ['sent', undefined, 'accepted', null],
    ['delivered', undefined, 'delivered', null],
    ['read', undefined, 'engaged', 'read'],
    ['undelivered', '30003', 'failed', 'unreachable'],
    ['undelivered', '30005', 'failed', 'unknown_number'],
    ['failed', '30007', 'failed', 'carrier_filtered'],
    ['failed', '21610', 'failed', 'unsubscribed'],
    ['failed', '30034', 'config', 'invalid_sender'],
    ['failed', '39999', 'failed', 'failed'],
    ['canceled', undefined, 'failed', 'canceled'],
  ])('status %s (ErrorCode %s) → %s / %s', (status, errorCode, expected, reason) => {
    const update = mapTwilioStatus({ ...params, MessageStatus: status, ...(errorCode ? { ErrorCode: errorCode } : {}) }, url);
    expect(update).toEqual({ deliveryId: 'd-42', providerMessageId: 'SM0123', status: expected, reason, event: status, occurredAt: null });
  });

  it('ignores callbacks with an unknown or missing status', () => {
    expect(mapTwilioStatus({ MessageSid: 'SM1', MessageStatus: 'teleported' })).toBeNull();
    expect(mapTwilioStatus({ MessageSid: 'SM1' })).toBeNull();
  });
});
