import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { applyEmailSubstitutions, type EmailMessage, SendGridEmailProvider } from '#channels';
import { type SendGridFault, type SendGridStub, startSendGridStub } from '../stubs/sendgrid.stub.js';
import type { Fault } from '../stubs/stub-core.js';
import { captureLog, expectNoneLeaked, report, results, timed } from './support.js';

const KEY = 'SG.test-key';
let stub: SendGridStub;
let provider: SendGridEmailProvider;
const captured = captureLog();

const mail = (n: number, prefix = 'e'): EmailMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    deliveryId: `${prefix}-${i}`,
    to: `person.${prefix}.${i}@example.org`,
    subject: 'About your data',
    html: '<p>What happened, what we did, what you can do, what we offer.</p>',
    text: 'What happened, what we did, what you can do, what we offer.',
  }));

beforeAll(async () => {
  stub = await startSendGridStub({ apiKey: KEY });
  provider = new SendGridEmailProvider({ apiKey: KEY, from: { email: 'noreply@tocsin.example', name: 'Tocsin' }, baseUrl: stub.url, timeoutMs: 500, log: captured.log });
});
afterAll(async () => {
  await provider?.close();
  await stub?.stop();
});
beforeEach(() => stub.reset());

describe('SendGrid through @sendgrid/client', () => {
  it('posts one v3 mail/send request: bearer key, from, content, one personalization per recipient with delivery_id', async () => {
    const batch = mail(3);
    const outcomes = await provider.send(batch);
    expect(stub.requests.count).toBe(1);
    const request = stub.requests.recent[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v3/mail/send');
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(request.headers['user-agent']).toMatch(/^sendgrid\//);
    expect(request.body).toEqual({
      from: { email: 'noreply@tocsin.example', name: 'Tocsin' },
      subject: 'About your data',
      content: [
        { type: 'text/plain', value: batch[0]!.text },
        { type: 'text/html', value: batch[0]!.html },
      ],
      personalizations: batch.map((m) => ({ to: [{ email: m.to }], custom_args: { delivery_id: m.deliveryId } })),
    });
    const messageId = outcomes[0]!.result === 'sent' ? outcomes[0]!.providerMessageId : '';
    expect(messageId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(outcomes).toEqual(batch.map((m) => ({ deliveryId: m.deliveryId, result: 'sent', providerMessageId: messageId })));
    expect(stub.accepted()).toEqual(new Map(batch.map((m) => [m.deliveryId, 1])));
  });

  it('sends 1000 recipients as a single request', async () => {
    expect(provider.maxBatch).toBe(1000);
    const outcomes = await provider.send(mail(1000));
    expect(stub.requests.count).toBe(1);
    expect((stub.requests.bodies[0] as { personalizations: unknown[] }).personalizations).toHaveLength(1000);
    expect(outcomes.filter((o) => o.result === 'sent')).toHaveLength(1000);
    expect(stub.accepted().size).toBe(1000);
  });

  it('splits by content and keeps each address once per request; per-recipient subjects ride in the personalization', async () => {
    const [a, b, c, d] = mail(4);
    const batch = [a!, { ...b!, subject: 'Über Ihre Daten' }, { ...c!, html: '<p>other language</p>' }, { ...d!, to: a!.to }];
    const outcomes = await provider.send(batch);
    expect(results(outcomes)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(stub.requests.count).toBe(3);
    const first = stub.requests.bodies.find((body) => (body as { personalizations: unknown[] }).personalizations.length === 2) as { personalizations: Array<{ subject?: string }> };
    expect(first.personalizations[1]!.subject).toBe('Über Ihre Daten');
  });

  const seconds = (s: number) => new Date(Math.ceil(Date.now() / 1000) * 1000 + s * 1000).toUTCString();
  it.each<[string, Fault<SendGridFault>, Record<string, unknown>]>([
    ['429 with Retry-After in seconds', { kind: 'rate-limit', retryAfter: '7' }, { result: 'retry', reason: 'rate_limited', retryAfterMs: 7000, providerCode: '429' }],
    ['429 without Retry-After (X-RateLimit-Reset)', { kind: 'rate-limit' }, { result: 'retry', reason: 'rate_limited', retryAfterMs: expect.any(Number), providerCode: '429' }],
    ['503', { kind: 'unavailable' }, { result: 'retry', reason: 'provider_unavailable', providerCode: '503' }],
    ['connection reset', { kind: 'reset' }, { result: 'retry', reason: 'connection_reset' }],
    ['401 bad key', { kind: 'bad-key' }, { result: 'config', reason: 'bad_credentials', providerCode: '401' }],
    ['403 unverified sender', { kind: 'forbidden' }, { result: 'config', reason: 'forbidden', providerCode: '403' }],
  ])('%s applies to every message of the request', async (_name, fault, expected) => {
    stub.inject(fault);
    const batch = mail(3);
    const outcomes = await provider.send(batch);
    outcomes.forEach((o, i) => expect(o).toEqual({ deliveryId: batch[i]!.deliveryId, ...expected }));
    expect(stub.accepted().size).toBe(0);
  });

  it('honours a Retry-After HTTP-date', async () => {
    stub.inject({ kind: 'rate-limit', retryAfter: seconds(5) });
    const [outcome] = await provider.send(mail(1));
    expect(outcome).toEqual(expect.objectContaining({ result: 'retry', reason: 'rate_limited' }));
    const after = outcome!.result === 'retry' ? outcome!.retryAfterMs! : -1;
    expect(after).toBeGreaterThan(3500);
    expect(after).toBeLessThanOrEqual(6000);
  });

  it('a 400 naming one personalization fails that recipient only; the others are posted again in the same call', async () => {
    const batch = mail(5);
    stub.inject({ kind: 'invalid-email', match: batch[3]!.to });
    const outcomes = await provider.send(batch);
    expect(outcomes[3]).toEqual({ deliveryId: 'e-3', result: 'permanent', reason: 'invalid_email', providerCode: '400' });
    expect(results(outcomes)).toEqual(['sent', 'sent', 'sent', 'permanent', 'sent']);
    expect(stub.requests.count).toBe(2);
    expect((stub.requests.bodies[1] as { personalizations: unknown[] }).personalizations).toHaveLength(4);
    expect(stub.accepted()).toEqual(new Map([0, 1, 2, 4].map((i) => [`e-${i}`, 1])));
  });

  it('a 400 naming several personalizations fails each of them; the rest goes out in one more request', async () => {
    const batch = mail(6).map((m, i) => (i === 2 || i === 4 ? { ...m, to: `gone${i}@bounce.example.org` } : m));
    stub.inject({ kind: 'invalid-email', match: '@bounce.example.org' });
    const outcomes = await provider.send(batch);
    expect(results(outcomes)).toEqual(['sent', 'sent', 'permanent', 'sent', 'permanent', 'sent']);
    expect(outcomes[4]).toEqual({ deliveryId: 'e-4', result: 'permanent', reason: 'invalid_email', providerCode: '400' });
    expect(stub.requests.count).toBe(2);
  });

  it('resends at most twice in one call; after that the innocent rest goes back to the queue at once', async () => {
    for (let i = 0; i < 3; i++) stub.inject({ kind: 'invalid-email' }); // each request: its first personalization is refused
    const outcomes = await provider.send(mail(5));
    expect(stub.requests.count).toBe(3);
    expect(results(outcomes)).toEqual(['permanent', 'permanent', 'permanent', 'retry', 'retry']);
    expect(outcomes[4]).toEqual({ deliveryId: 'e-4', result: 'retry', reason: 'batch_rejected', retryAfterMs: 0, providerCode: '400' });
    expect(stub.accepted().size).toBe(0);
  });

  it('personal templates: a thousand recipients with their own substitutions share one request', async () => {
    const template = { subject: 'For %name%', html: '<p>Dear %name%, read <a href="%url%">%url%</a></p>', text: 'Dear %name%, read %url%' };
    const batch: EmailMessage[] = Array.from({ length: 1000 }, (_, i) => ({
      deliveryId: `t-${i}`, to: `t${i}@example.org`, ...template, substitutions: { '%name%': `Person ${i}`, '%url%': `https://n.example/n/${i}` },
    }));
    const outcomes = await provider.send(batch);
    expect(results(outcomes).every((r) => r === 'sent')).toBe(true);
    expect(stub.requests.count).toBe(1);
    const body = stub.requests.bodies[0] as { subject: string; content: Array<{ value: string }>; personalizations: Array<{ substitutions: Record<string, string>; subject?: string }> };
    expect(body.subject).toBe('For %name%');
    expect(body.content.map((c) => c.value)).toEqual([template.text, template.html]);
    expect(body.personalizations[999]!.substitutions).toEqual({ '%name%': 'Person 999', '%url%': 'https://n.example/n/999' });
    expect(body.personalizations[999]!.subject).toBeUndefined();
    expect(applyEmailSubstitutions(batch[7]!)).toEqual({
      deliveryId: 't-7', to: 't7@example.org', subject: 'For Person 7', html: '<p>Dear Person 7, read <a href="https://n.example/n/7">https://n.example/n/7</a></p>',
      text: 'Dear Person 7, read https://n.example/n/7',
    });
  });

  it('a value that contains a tag is not expanded again', () => {
    const message: EmailMessage = { deliveryId: 'x', to: 'x@example.org', subject: '%a%', html: '%a% %b%', text: '%b%', substitutions: { '%a%': '%b%', '%b%': '$& B' } };
    expect(applyEmailSubstitutions(message)).toEqual({ deliveryId: 'x', to: 'x@example.org', subject: '%b%', html: '%b% $& B', text: '$& B' });
  });


  it('refuses a malformed address before any request', async () => {
    const batch = [...mail(2), { ...mail(1, 'bad')[0]!, to: 'not-an-address' }];
    const outcomes = await provider.send(batch);
    expect(outcomes[2]).toEqual({ deliveryId: 'bad-0', result: 'permanent', reason: 'invalid_email' });
    expect(results(outcomes.slice(0, 2))).toEqual(['sent', 'sent']);
    expect((stub.requests.bodies[0] as { personalizations: unknown[] }).personalizations).toHaveLength(2);
  });

  it('a hung request becomes retry/timeout within the configured timeout', async () => {
    stub.inject({ kind: 'hang' });
    const { value: outcomes, ms } = await timed(() => provider.send(mail(2)));
    expect(outcomes.map((o) => o.result === 'retry' && o.reason)).toEqual(['timeout', 'timeout']);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(1200);
  });

  it('a wrong key is a config problem (the stub checks the real header)', async () => {
    const wrong = new SendGridEmailProvider({ apiKey: 'SG.wrong', from: { email: 'noreply@tocsin.example' }, baseUrl: stub.url });
    const outcomes = await wrong.send(mail(2));
    await wrong.close();
    expect(outcomes.map((o) => o.result === 'config' && o.reason)).toEqual(['bad_credentials', 'bad_credentials']);
  });

  it('an unreachable API is a retry', async () => {
    const nowhere = new SendGridEmailProvider({ apiKey: KEY, from: { email: 'noreply@tocsin.example' }, baseUrl: 'http://127.0.0.1:9/' });
    const [outcome] = await nowhere.send(mail(1));
    await nowhere.close();
    expect(outcome).toEqual({ deliveryId: 'e-0', result: 'retry', reason: 'connection_failed' });
  });

  it('never puts an address in an outcome or a log line', async () => {
    const batch = mail(4, 'leak');
    stub.inject({ kind: 'invalid-email', match: batch[0]!.to });
    const first = await provider.send(batch);
    stub.inject({ kind: 'rate-limit', retryAfter: '1' });
    const second = await provider.send(batch);
    const third = await provider.send([{ ...batch[0]!, to: 'broken@' }]);
    expect(captured.lines.length).toBeGreaterThan(0);
    expectNoneLeaked([first, second, third, captured.lines], [...batch.map((m) => m.to), 'broken@']);
  });
});

describe('SendGrid throughput through the stub', () => {
  it('20 requests of 1000 recipients, 4 in flight', async () => {
    await provider.send(mail(1000, 'warm'));
    stub.reset();
    const batches = Array.from({ length: 20 }, (_, b) => mail(1000, `b${b}`));
    const { value: all, ms } = await timed(async () => {
      const out = [];
      for (let i = 0; i < batches.length; i += 4) out.push(...(await Promise.all(batches.slice(i, i + 4).map((batch) => provider.send(batch)))).flat());
      return out;
    });
    expect(all.filter((o) => o.result === 'sent')).toHaveLength(20_000);
    expect(stub.requests.count).toBe(20);
    expect(stub.duplicates()).toBe(0);
    report(`sendgrid: 20 x 1000 recipients in ${ms.toFixed(0)} ms = ${Math.round(20 / (ms / 1000))} req/s, ${Math.round(20_000 / (ms / 1000))} recipients/s`);
  });
});
