import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type SmsMessage, TwilioSmsProvider } from '#channels';
import type { Fault } from '../stubs/stub-core.js';
import { startTwilioStub, type TwilioFault, type TwilioStub } from '../stubs/twilio.stub.js';
import { captureLog, expectNoneLeaked, report, results, timed } from './support.js';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH = 'test_auth_token_0123456789abcdef';
const CALLBACK = 'https://hooks.example.org/webhooks/twilio/status';
let stub: TwilioStub;
let provider: TwilioSmsProvider;
const captured = captureLog();

const sms = (n: number, prefix = 's'): SmsMessage[] =>
  Array.from({ length: n }, (_, i) => ({ deliveryId: `${prefix}-${i}`, to: `+4915${String(100000000 + i)}`, body: 'Security notice: see https://n.example.org/a' }));

const twilioProvider = (extra: Partial<ConstructorParameters<typeof TwilioSmsProvider>[0]> = {}) =>
  new TwilioSmsProvider({ accountSid: SID, authToken: AUTH, from: '+15557650000', baseUrl: stub.url, statusCallbackUrl: CALLBACK, concurrency: 4, timeoutMs: 500, log: captured.log, ...extra });

beforeAll(async () => {
  stub = await startTwilioStub({ accountSid: SID, authToken: AUTH });
  provider = twilioProvider();
});
afterAll(async () => {
  await provider?.close();
  await stub?.stop();
});
beforeEach(() => stub.reset());

describe('Twilio through the twilio SDK', () => {
  it('posts one form-encoded Messages.json call per message with Basic auth and a correlating StatusCallback', async () => {
    const batch = sms(2);
    const outcomes = await provider.send(batch);
    expect(outcomes).toEqual(batch.map((m) => ({ deliveryId: m.deliveryId, result: 'sent', providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/) })));
    expect(stub.requests.count).toBe(2);
    const request = stub.requests.recent.find((r) => (r.body as Record<string, string>).To === batch[0]!.to)!;
    expect(request.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${AUTH}`).toString('base64')}`);
    expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request.headers['user-agent']).toMatch(/^twilio-node\//);
    expect(request.body).toEqual({ To: batch[0]!.to, From: '+15557650000', Body: batch[0]!.body, StatusCallback: `${CALLBACK}?delivery_id=s-0` });
    expect(stub.accepted()).toEqual(new Map([['s-0', 1], ['s-1', 1]]));
  });

  it('puts delivery_id into a callback URL that has a query of its own, as URL.searchParams would', async () => {
    const callback = 'https://hooks.example.org/twilio?tenant=a%20b&delivery_id=old#frag';
    const withQuery = twilioProvider({ statusCallbackUrl: callback });
    try {
      await withQuery.send([{ deliveryId: 'x 1&2', to: '+4915100000001', body: 'notice' }]);
      const expected = new URL(callback);
      expected.searchParams.set('delivery_id', 'x 1&2');
      expect((stub.requests.recent[0]!.body as { StatusCallback: string }).StatusCallback).toBe(expected.href);
    } finally {
      await withQuery.close();
    }
  });

  it('uses a Messaging Service when configured', async () => {
    const viaService = twilioProvider({ from: undefined, messagingServiceSid: `MG${'ab'.repeat(16)}`, statusCallbackUrl: undefined });
    const [outcome] = await viaService.send(sms(1));
    await viaService.close();
    expect(outcome!.result).toBe('sent');
    expect(stub.requests.bodies[0]).toEqual({ To: '+4915100000000', MessagingServiceSid: `MG${'ab'.repeat(16)}`, Body: expect.any(String) });
  });

  it('keeps at most `concurrency` calls in flight, also across concurrent send() calls', async () => {
    const slow = await startTwilioStub({ latencyMs: 15 });
    const bounded = twilioProvider({ baseUrl: slow.url, concurrency: 4 });
    const outcomes = (await Promise.all([bounded.send(sms(20, 'a')), bounded.send(sms(20, 'b'))])).flat();
    await bounded.close();
    expect(outcomes.filter((o) => o.result === 'sent')).toHaveLength(40);
    expect(slow.requests.maxInFlight).toBe(4);
    expect(slow.requests.connections).toBeLessThanOrEqual(4);
    await slow.stop();
  });

  it.each<[string, Fault<TwilioFault>, Record<string, unknown>]>([
    ['429 with Retry-After seconds', { kind: 'rate-limit', retryAfter: '3' }, { result: 'retry', reason: 'rate_limited', retryAfterMs: 3000, providerCode: '20429' }],
    ['503', { kind: 'unavailable' }, { result: 'retry', reason: 'provider_unavailable', providerCode: '20503' }],
    ['connection reset', { kind: 'reset' }, { result: 'retry', reason: 'connection_reset' }],
    ['21211 invalid number', { kind: 'invalid-number' }, { result: 'permanent', reason: 'invalid_number', providerCode: '21211' }],
    ['21610 unsubscribed', { kind: 'unsubscribed' }, { result: 'permanent', reason: 'unsubscribed', providerCode: '21610' }],
    ['20003 authentication', { kind: 'auth' }, { result: 'config', reason: 'bad_credentials', providerCode: '20003' }],
  ])('%s fails the targeted message only', async (_name, fault, expected) => {
    const batch = sms(3);
    stub.inject({ ...fault, match: batch[1]!.to });
    const outcomes = await provider.send(batch);
    expect(outcomes[1]).toEqual({ deliveryId: 's-1', ...expected });
    expect(results([outcomes[0]!, outcomes[2]!])).toEqual(['sent', 'sent']);
    expect(stub.accepted().has('s-1')).toBe(false);
  });

  it('reads Retry-After per call, even with calls in flight together', async () => {
    const batch = sms(4);
    const date = new Date(Math.ceil(Date.now() / 1000) * 1000 + 6000).toUTCString();
    stub.inject({ kind: 'rate-limit', retryAfter: '2', match: batch[0]!.to });
    stub.inject({ kind: 'rate-limit', retryAfter: '9', match: batch[1]!.to });
    stub.inject({ kind: 'rate-limit', retryAfter: date, match: batch[2]!.to });
    const outcomes = await provider.send(batch);
    const after = outcomes.map((o) => (o.result === 'retry' ? o.retryAfterMs : undefined));
    expect(after.slice(0, 2)).toEqual([2000, 9000]);
    expect(after[2]).toBeGreaterThan(4500);
    expect(after[2]).toBeLessThanOrEqual(7000);
    expect(outcomes[3]!.result).toBe('sent');
  });

  it("maps Twilio's magic test numbers and refuses a non-E.164 number before any call", async () => {
    const outcomes = await provider.send([
      { deliveryId: 'm1', to: '+15005550001', body: 'x' },
      { deliveryId: 'm4', to: '+15005550004', body: 'x' },
      { deliveryId: 'local', to: '0151 2345678', body: 'x' },
    ]);
    expect(outcomes).toEqual([
      { deliveryId: 'm1', result: 'permanent', reason: 'invalid_number', providerCode: '21211' },
      { deliveryId: 'm4', result: 'permanent', reason: 'unsubscribed', providerCode: '21610' },
      { deliveryId: 'local', result: 'permanent', reason: 'invalid_number' },
    ]);
    expect(stub.requests.count).toBe(2);
  });

  it('a wrong auth token is a config problem', async () => {
    const wrong = twilioProvider({ authToken: 'not-the-token' });
    const [outcome] = await wrong.send(sms(1));
    await wrong.close();
    expect(outcome).toEqual({ deliveryId: 's-0', result: 'config', reason: 'bad_credentials', providerCode: '20003' });
  });

  it('a hung call becomes retry/timeout within the configured timeout', async () => {
    const batch = sms(2);
    stub.inject({ kind: 'hang', match: batch[0]!.to });
    const { value: outcomes, ms } = await timed(() => provider.send(batch));
    expect(outcomes[0]).toEqual({ deliveryId: 's-0', result: 'retry', reason: 'timeout' });
    expect(outcomes[1]!.result).toBe('sent');
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(1200);
  });

  it('never puts a phone number in an outcome or a log line (the stub quotes it in its error text)', async () => {
    const batch = sms(4, 'leak');
    stub.inject({ kind: 'invalid-number', match: batch[0]!.to });
    stub.inject({ kind: 'rate-limit', match: batch[1]!.to });
    stub.inject({ kind: 'reset', match: batch[2]!.to });
    const outcomes = await provider.send(batch);
    expect(captured.lines.length).toBeGreaterThan(0);
    expectNoneLeaked([outcomes, captured.lines], batch.map((m) => m.to).concat(batch.map((m) => m.to.slice(1))));
  });
});

describe('Twilio throughput through the stub', () => {
  it('2000 messages, 64 in flight', async () => {
    const fast = twilioProvider({ concurrency: 64, timeoutMs: 5000 });
    await fast.send(sms(200, 'warm'));
    stub.reset();
    const batch = sms(2000, 'tp');
    const { value: outcomes, ms } = await timed(async () => {
      const out = [];
      for (let i = 0; i < batch.length; i += fast.maxBatch) out.push(...(await fast.send(batch.slice(i, i + fast.maxBatch))));
      return out;
    });
    await fast.close();
    expect(outcomes.filter((o) => o.result === 'sent')).toHaveLength(2000);
    expect(stub.duplicates()).toBe(0);
    expect(stub.requests.maxInFlight).toBeLessThanOrEqual(64);
    report(`twilio: 2000 messages (concurrency 64, batches of ${fast.maxBatch}) in ${ms.toFixed(0)} ms = ${Math.round(2000 / (ms / 1000))} msgs/s`);
  });
});
