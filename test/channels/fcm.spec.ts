import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FcmPushProvider, type PushMessage } from '#channels';
import { type FcmStub, startFcmStub } from '../stubs/fcm.stub.js';
import { captureLog, expectNoneLeaked, report, results, timed } from './support.js';

const TOKEN = 'stub-access-token';
let stub: FcmStub;
let h2: FcmPushProvider;
let h1: FcmPushProvider;
const captured = captureLog();

const push = (n: number, prefix = 'p'): PushMessage[] =>
  Array.from({ length: n }, (_, i) => ({ deliveryId: `${prefix}-${i}`, token: `tok-${prefix}-${i}-${'x'.repeat(40)}`, title: 'Security notice', body: 'Your data was involved', link: 'https://notice.example.org/n/abc' }));

beforeAll(async () => {
  stub = await startFcmStub({ accessToken: TOKEN });
  h2 = new FcmPushProvider({ projectId: 'demo-project', auth: { accessToken: TOKEN }, baseUrl: stub.url, timeoutMs: 1500, log: captured.log });
  h1 = new FcmPushProvider({ projectId: 'demo-project', auth: { accessToken: TOKEN }, baseUrl: stub.url, transport: 'http1', timeoutMs: 1500, log: captured.log });
});
afterAll(async () => {
  await h2?.close();
  await h1?.close();
  await stub?.stop();
});
beforeEach(() => stub.reset());

describe('FCM through firebase-admin sendEach (HTTP/2 by default)', () => {
  it('sends what FCM v1 expects: bearer token, project path, message with token, notification and delivery id', async () => {
    const batch = push(3);
    const outcomes = await h2.send(batch);
    expect(results(outcomes)).toEqual(['sent', 'sent', 'sent']);
    expect(outcomes[0]).toEqual({ deliveryId: 'p-0', result: 'sent', providerMessageId: expect.stringMatching(/^projects\/demo-project\/messages\//) });
    expect(stub.requests.count).toBe(3);
    const first = stub.requests.recent[0]!;
    expect(first.protocol).toBe('h2');
    expect(first.path).toBe('/v1/projects/demo-project/messages:send');
    expect(first.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(first.headers['x-firebase-client']).toMatch(/^fire-admin-node\//);
    expect(stub.requests.bodies).toContainEqual({
      message: expect.objectContaining({
        token: batch[1]!.token,
        notification: { title: 'Security notice', body: 'Your data was involved' },
        data: { delivery_id: 'p-1', link: 'https://notice.example.org/n/abc' },
      }),
    });
    expect(stub.accepted()).toEqual(new Map([['p-0', 1], ['p-1', 1], ['p-2', 1]]));
  });

  it('splits a batch into sendEach calls of at most 500 (one HTTP/2 session each)', async () => {
    expect(h2.maxBatch).toBe(500);
    const outcomes = await h2.send(push(1200));
    expect(outcomes.every((o) => o.result === 'sent')).toBe(true);
    expect(stub.requests.count).toBe(1200);
    expect(stub.requests.connections).toBe(3);
    expect(stub.accepted().size).toBe(1200);
  });

  it.each([
    ['unregistered token', { kind: 'unregistered' as const }, { result: 'permanent', reason: 'unregistered_token', providerCode: 'messaging/registration-token-not-registered' }],
    ['invalid argument', { kind: 'invalid-argument' as const }, { result: 'permanent', reason: 'invalid_argument', providerCode: 'messaging/invalid-argument' }],
    ['401 unauthenticated', { kind: 'unauthenticated' as const }, { result: 'config', reason: 'bad_credentials', providerCode: 'messaging/third-party-auth-error' }],
    ['sender id mismatch', { kind: 'sender-mismatch' as const }, { result: 'config', reason: 'mismatched_credential' }],
    ['429 quota exceeded', { kind: 'rate-limit' as const, retryAfter: '30' }, { result: 'retry', reason: 'rate_limited', providerCode: 'messaging/message-rate-exceeded' }],
    ['503 with a Retry-After beyond the SDK limit', { kind: 'unavailable' as const, retryAfter: '120' }, { result: 'retry', reason: 'provider_unavailable' }],
    ['stream reset', { kind: 'reset' as const }, { result: 'retry', reason: 'connection_reset' }],
  ])('%s for one token fails that message only', async (_name, fault, expected) => {
    const batch = push(4);
    stub.inject({ ...fault, match: batch[2]!.token });
    const outcomes = await h2.send(batch);
    expect(outcomes[2]).toEqual(expect.objectContaining({ deliveryId: 'p-2', ...expected }));
    expect(results(outcomes)).toEqual(['sent', 'sent', expected.result, 'sent']);
    expect(stub.accepted().has('p-2')).toBe(false);
  });

  it('a 503 once is retried by firebase-admin itself: sent, two hits, accepted once', async () => {
    const batch = push(2);
    stub.inject({ kind: 'unavailable', match: batch[0]!.token });
    const outcomes = await h2.send(batch);
    expect(results(outcomes)).toEqual(['sent', 'sent']);
    expect(stub.requests.count).toBe(3);
    expect(stub.accepted().get('p-0')).toBe(1);
  });

  it('a hung request turns the whole sendEach batch into retry/timeout within the deadline', async () => {
    const batch = push(5);
    stub.inject({ kind: 'hang', match: batch[1]!.token });
    const { value: outcomes, ms } = await timed(() => h2.send(batch));
    expect(outcomes.every((o) => o.result === 'retry' && o.reason === 'timeout')).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(2500);
  });

  it('a TCP reset of the HTTP/2 connection never settles sendEach; the deadline turns the batch into retry/timeout', async () => {
    // Node closes the streams with RST CANCEL and no 'error' event; firebase-admin waits for one forever.
    stub.inject({ kind: 'reset' });
    const batch = push(3);
    const { value: outcomes, ms } = await timed(() => h2.send(batch));
    expect(outcomes.map((o) => o.result === 'retry' && o.reason)).toEqual(['timeout', 'timeout', 'timeout']);
    expect(ms).toBeLessThan(2500);
    // The stub may have answered the other streams before the reset cut them off: resending them is a
    // duplicate, bounded by the batch and visible in the stub's counts.
    const acceptedBefore = stub.accepted().size;
    expect(acceptedBefore).toBeLessThan(3);
    expect(results(await h2.send(batch))).toEqual(['sent', 'sent', 'sent']);
    expect(stub.duplicates()).toBe(acceptedBefore);
  });

  it('never puts a token in an outcome or a log line', async () => {
    const batch = push(6, 'leak');
    stub.inject({ kind: 'unregistered', match: batch[0]!.token });
    stub.inject({ kind: 'invalid-argument', match: batch[1]!.token });
    stub.inject({ kind: 'rate-limit', match: batch[2]!.token });
    const outcomes = await h2.send([...batch, { ...batch[5]!, deliveryId: 'empty', token: '' }]);
    expect(outcomes[6]).toEqual({ deliveryId: 'empty', result: 'permanent', reason: 'missing_address' });
    expect(captured.lines.length).toBeGreaterThan(0);
    expectNoneLeaked([outcomes, captured.lines], batch.map((m) => m.token));
  });
});

describe('FCM over the legacy HTTP/1.1 transport', () => {
  it('speaks HTTP/1.1 through the redirecting agent', async () => {
    const outcomes = await h1.send(push(3));
    expect(results(outcomes)).toEqual(['sent', 'sent', 'sent']);
    expect(stub.requests.recent.map((r) => r.protocol)).toEqual(['http/1.1', 'http/1.1', 'http/1.1']);
    expect(stub.requests.recent[0]!.headers.host).toBe('fcm.googleapis.com');
  });

  it('a connection reset is retried by firebase-admin (ECONNRESET): sent and accepted once', async () => {
    const batch = push(2);
    stub.inject({ kind: 'reset', match: batch[0]!.token });
    const outcomes = await h1.send(batch);
    expect(results(outcomes)).toEqual(['sent', 'sent']);
    expect(stub.accepted().get('p-0')).toBe(1);
  });
});

describe('FCM throughput through the stub', () => {
  it.each([['http2'], ['http1']])('%s: 5000 pushes in sendEach calls of 500', async (transport) => {
    const provider = transport === 'http2' ? h2 : h1;
    await provider.send(push(500, 'warm'));
    stub.reset();
    const batch = push(5000, transport);
    const { value: outcomes, ms } = await timed(async () => {
      const all = [];
      for (let i = 0; i < batch.length; i += 500) all.push(...(await provider.send(batch.slice(i, i + 500))));
      return all;
    });
    expect(outcomes.filter((o) => o.result === 'sent')).toHaveLength(5000);
    expect(stub.duplicates()).toBe(0);
    report(`fcm ${transport}: 5000 pushes in ${ms.toFixed(0)} ms = ${Math.round(5000 / (ms / 1000))} msgs/s`);
  });
});
