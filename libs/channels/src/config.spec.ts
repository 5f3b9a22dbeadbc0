import { inspect } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { ChannelConfigError, channelConfigFromEnv, describeChannelConfig } from './config.js';
import { closeChannelProviders, createChannelProviders } from './factory.js';
import { SendGridEmailProvider } from './email/sendgrid/sendgrid-email.provider.js';
import { PrintQueueLetterProvider } from './letter/print-queue/print-queue-letter.provider.js';
import { FcmPushProvider } from './push/fcm/fcm-push.provider.js';
import { SandboxProvider } from './sandbox/sandbox.provider.js';
import { TwilioSmsProvider } from './sms/twilio/twilio-sms.provider.js';

const SID = `AC${'a'.repeat(32)}`;
const FULL = {
  SENDGRID_API_KEY: 'SG.super-secret-key',
  SENDGRID_FROM: 'Tocsin Security <noreply@tocsin.example>',
  SENDGRID_BASE_URL: 'http://127.0.0.1:9401/',
  TWILIO_ACCOUNT_SID: SID,
  TWILIO_AUTH_TOKEN: 'twilio-secret-token',
  TWILIO_FROM: '+15557650000',
  TWILIO_BASE_URL: 'http://127.0.0.1:9402',
  TWILIO_CONCURRENCY: '32',
  FCM_ACCESS_TOKEN: 'fcm-secret-token',
  FCM_PROJECT_ID: 'demo-project',
  FCM_BASE_URL: 'http://127.0.0.1:9403',
  FCM_TRANSPORT: 'http1',
  LETTER_PROVIDER: 'print-queue',
  SENDGRID_WEBHOOK_PUBLIC_KEY: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE',
};

describe('channelConfigFromEnv', () => {
  it('uses the sandbox for every remote channel and the local print queue for letters when nothing is configured', () => {
    const config = channelConfigFromEnv({});
    expect([config.email, config.sms, config.push, config.letter].map((c) => c.provider)).toEqual(['sandbox', 'sandbox', 'sandbox', 'print-queue']);
    expect(describeChannelConfig(config)).toEqual({ email: 'sandbox (no credentials)', sms: 'sandbox (no credentials)', push: 'sandbox (no credentials)', letter: 'print-queue' });
    expect(channelConfigFromEnv({ LETTER_PROVIDER: 'sandbox' }).letter.provider).toBe('sandbox');
  });

  it('reads every provider, with base URLs for stubs', () => {
    const config = channelConfigFromEnv(FULL);
    expect(config.email).toEqual(expect.objectContaining({ provider: 'sendgrid', from: { email: 'noreply@tocsin.example', name: 'Tocsin Security' }, baseUrl: 'http://127.0.0.1:9401/', timeoutMs: 10_000 }));
    expect(config.sms).toEqual(expect.objectContaining({ provider: 'twilio', accountSid: SID, from: '+15557650000', concurrency: 32 }));
    expect(config.push).toEqual(expect.objectContaining({ provider: 'fcm', projectId: 'demo-project', transport: 'http1', baseUrl: 'http://127.0.0.1:9403' }));
    expect(config.letter).toEqual({ provider: 'print-queue' });
    expect(describeChannelConfig(config)).toEqual({ email: 'sendgrid via 127.0.0.1:9401', sms: 'twilio via 127.0.0.1:9402, concurrency 32', push: 'fcm via 127.0.0.1:9403 (http1)', letter: 'print-queue' });
  });

  it('never shows a secret when the configuration is logged', () => {
    const config = channelConfigFromEnv(FULL);
    for (const text of [JSON.stringify(config), inspect(config, { depth: 10 }), `${config.sms.provider === 'twilio' ? config.sms.authToken : ''}`]) {
      expect(text).not.toContain('super-secret-key');
      expect(text).not.toContain('twilio-secret-token');
      expect(text).not.toContain('fcm-secret-token');
    }
    expect(config.email.provider === 'sendgrid' && config.email.apiKey.reveal()).toBe('SG.super-secret-key');
  });

  it.each<[string, Record<string, string>, string[]]>([
    ['SendGrid key without a sender', { SENDGRID_API_KEY: 'SG.x' }, ['SENDGRID_FROM']],
    ['SendGrid sender that is not an address', { SENDGRID_API_KEY: 'SG.x', SENDGRID_FROM: 'Tocsin' }, ['SENDGRID_FROM']],
    ['Twilio token without SID', { TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: '+15557650000' }, ['TWILIO_ACCOUNT_SID']],
    ['Twilio without a sender', { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 't' }, ['TWILIO_FROM']],
    ['Twilio malformed SID and service', { TWILIO_ACCOUNT_SID: 'XX1', TWILIO_AUTH_TOKEN: 't', TWILIO_MESSAGING_SERVICE_SID: 'MG1' }, ['TWILIO_ACCOUNT_SID', 'TWILIO_MESSAGING_SERVICE_SID']],
    ['FCM fixed token aimed at Google', { FCM_ACCESS_TOKEN: 't', FCM_PROJECT_ID: 'p' }, ['FCM_ACCESS_TOKEN']],
    ['FCM fixed token without project', { FCM_ACCESS_TOKEN: 't', FCM_BASE_URL: 'http://127.0.0.1:1' }, ['FCM_PROJECT_ID']],
    ['bad numbers, URLs and choices', { SENDGRID_API_KEY: 'SG.x', SENDGRID_FROM: 'a@b.cc', SENDGRID_TIMEOUT_MS: 'fast', SENDGRID_BASE_URL: 'ftp://x', FCM_TRANSPORT: 'http3', LETTER_PROVIDER: 'pigeon' }, ['SENDGRID_BASE_URL', 'SENDGRID_TIMEOUT_MS', 'FCM_TRANSPORT', 'LETTER_PROVIDER']],
  ])('refuses %s, naming the variables and no values', (_name, env, variables) => {
    let error: unknown;
    try {
      channelConfigFromEnv(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ChannelConfigError);
    expect((error as ChannelConfigError).problems.map((p) => p.variable).sort()).toEqual([...variables].sort());
    for (const value of Object.values(env)) if (value.length > 3) expect((error as Error).message).not.toContain(value);
  });

  it('CHANNELS_SANDBOX=1 keeps every channel in the sandbox even with credentials', () => {
    const config = channelConfigFromEnv({ ...FULL, CHANNELS_SANDBOX: '1' });
    expect(describeChannelConfig(config).email).toBe('sandbox (CHANNELS_SANDBOX)');
    expect([config.sms.provider, config.push.provider, config.letter.provider]).toEqual(['sandbox', 'sandbox', 'sandbox']);
  });
});

describe('createChannelProviders', () => {
  it('builds the configured provider per channel', async () => {
    const providers = createChannelProviders(channelConfigFromEnv(FULL), { letterQueue: async () => undefined });
    expect(providers.email).toBeInstanceOf(SendGridEmailProvider);
    expect(providers.sms).toBeInstanceOf(TwilioSmsProvider);
    expect(providers.push).toBeInstanceOf(FcmPushProvider);
    expect(providers.letter).toBeInstanceOf(PrintQueueLetterProvider);
    expect([providers.email.maxBatch, providers.push.maxBatch]).toEqual([1000, 500]);
    await closeChannelProviders(providers);
  });

  it('falls back to sandboxes that write through the given sink', async () => {
    const sunk: string[] = [];
    const providers = createChannelProviders(channelConfigFromEnv({ LETTER_PROVIDER: 'sandbox' }), { sandboxSink: async (records) => void sunk.push(...records.map((r) => `${r.kind}:${r.message.deliveryId}`)) });
    expect(providers.sms).toBeInstanceOf(SandboxProvider);
    const outcomes = await providers.sms.send([{ deliveryId: 'd1', to: '+4915123456789', body: 'hi' }]);
    expect(outcomes).toEqual([{ deliveryId: 'd1', result: 'sent', providerMessageId: 'sandbox-sms-1' }]);
    expect(sunk).toEqual(['sms:d1']);
  });

  it('refuses a print queue without a queue to write to', () => {
    expect(() => createChannelProviders(channelConfigFromEnv({ LETTER_PROVIDER: 'print-queue' }))).toThrow(/letter queue/);
  });
});
