import { E164, EMAIL_SHAPE } from './outcomes.js';
import { Secret } from './secret.js';

export interface SandboxChannelConfig {
  provider: 'sandbox';
  /** Why the sandbox was picked, for the startup log line. */
  because: 'no credentials' | 'CHANNELS_SANDBOX' | 'not configured';
}

export interface SendGridChannelConfig {
  provider: 'sendgrid';
  apiKey: Secret;
  from: { email: string; name?: string };
  baseUrl?: string;
  timeoutMs: number;
}

export interface TwilioChannelConfig {
  provider: 'twilio';
  accountSid: string;
  authToken: Secret;
  from?: string;
  messagingServiceSid?: string;
  baseUrl?: string;
  statusCallbackUrl?: string;
  concurrency: number;
  timeoutMs: number;
}

export interface FcmChannelConfig {
  provider: 'fcm';
  projectId?: string;
  serviceAccountPath?: string;
  /** Fixed bearer token for a stub; only accepted together with baseUrl. */
  accessToken?: Secret;
  baseUrl?: string;
  transport: 'http2' | 'http1';
  timeoutMs: number;
}

export interface PrintQueueChannelConfig {
  provider: 'print-queue';
}

export interface ChannelConfig {
  email: SendGridChannelConfig | SandboxChannelConfig;
  sms: TwilioChannelConfig | SandboxChannelConfig;
  push: FcmChannelConfig | SandboxChannelConfig;
  letter: PrintQueueChannelConfig | SandboxChannelConfig;
  webhooks: {
    /** SendGrid Event Webhook verification key (base64 SPKI or PEM); public, not a secret. */
    sendgridVerificationKey?: string;
    sendgridToleranceSeconds: number;
    /** Twilio signs callbacks with the account's auth token. */
    twilioAuthToken?: Secret;
  };
}

export interface ChannelConfigProblem {
  variable: string;
  reason: string;
}

/** Bad channel configuration: lists every variable at fault and why, never the values. */
export class ChannelConfigError extends Error {
  constructor(readonly problems: ChannelConfigProblem[]) {
    super(`channel configuration: ${problems.map((p) => `${p.variable} ${p.reason}`).join('; ')}`);
    this.name = 'ChannelConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads provider settings from the environment. A channel without credentials uses the sandbox
 * (messages are recorded, nothing leaves). Partial or malformed settings throw ChannelConfigError,
 * so a typo fails the boot instead of silently sending nothing. Secrets are wrapped in `Secret`, so
 * logging the returned object (or JSON.stringify) never shows them.
 *
 * SENDGRID_API_KEY, SENDGRID_FROM ("Name <a@b.c>" or "a@b.c"), SENDGRID_BASE_URL, SENDGRID_TIMEOUT_MS,
 * SENDGRID_WEBHOOK_PUBLIC_KEY, SENDGRID_WEBHOOK_TOLERANCE_S;
 * TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID, TWILIO_BASE_URL,
 * TWILIO_STATUS_CALLBACK_URL, TWILIO_CONCURRENCY, TWILIO_TIMEOUT_MS;
 * FCM_SERVICE_ACCOUNT_PATH or (FCM_ACCESS_TOKEN with FCM_BASE_URL, for stubs), FCM_PROJECT_ID,
 * FCM_BASE_URL, FCM_TRANSPORT (http2|http1), FCM_TIMEOUT_MS;
 * LETTER_PROVIDER (print-queue|sandbox, default sandbox); CHANNELS_SANDBOX=1 forces the sandbox everywhere.
 */
export function channelConfigFromEnv(env: Env = process.env): ChannelConfig {
  const problems: ChannelConfigProblem[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const url = (name: string): string | undefined => {
    const value = read(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return value;
    } catch {
      // fall through
    }
    problems.push({ variable: name, reason: 'must be an http(s) URL' });
    return undefined;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const value = read(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (Number.isInteger(parsed) && parsed >= min && parsed <= max) return parsed;
    problems.push({ variable: name, reason: `must be an integer from ${min} to ${max}` });
    return fallback;
  };
  const forced = ['1', 'true', 'yes'].includes((read('CHANNELS_SANDBOX') ?? '').toLowerCase());
  const sandbox = (because: SandboxChannelConfig['because']): SandboxChannelConfig => ({ provider: 'sandbox', because: forced ? 'CHANNELS_SANDBOX' : because });

  // E-mail: SendGrid
  let email: ChannelConfig['email'] = sandbox('no credentials');
  const sendgridKey = read('SENDGRID_API_KEY');
  if (sendgridKey) {
    const from = parseFrom(read('SENDGRID_FROM'));
    if (!from) problems.push({ variable: 'SENDGRID_FROM', reason: 'is required with SENDGRID_API_KEY ("Name <address>" or an address)' });
    const baseUrl = url('SENDGRID_BASE_URL');
    const timeoutMs = int('SENDGRID_TIMEOUT_MS', 10_000, 100, 120_000);
    if (from && !forced) email = { provider: 'sendgrid', apiKey: new Secret(sendgridKey), from, timeoutMs, ...(baseUrl ? { baseUrl } : {}) };
  }

  // SMS: Twilio
  let sms: ChannelConfig['sms'] = sandbox('no credentials');
  const accountSid = read('TWILIO_ACCOUNT_SID');
  const authToken = read('TWILIO_AUTH_TOKEN');
  if (accountSid || authToken) {
    if (!accountSid) problems.push({ variable: 'TWILIO_ACCOUNT_SID', reason: 'is required with TWILIO_AUTH_TOKEN' });
    else if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) problems.push({ variable: 'TWILIO_ACCOUNT_SID', reason: 'must be AC followed by 32 hex digits' });
    if (!authToken) problems.push({ variable: 'TWILIO_AUTH_TOKEN', reason: 'is required with TWILIO_ACCOUNT_SID' });
    const from = read('TWILIO_FROM');
    const messagingServiceSid = read('TWILIO_MESSAGING_SERVICE_SID');
    if (!from && !messagingServiceSid) problems.push({ variable: 'TWILIO_FROM', reason: 'or TWILIO_MESSAGING_SERVICE_SID is required' });
    if (from && !E164.test(from) && !/^[A-Za-z0-9 ]{1,11}$/.test(from)) problems.push({ variable: 'TWILIO_FROM', reason: 'must be an E.164 number or an alphanumeric sender ID' });
    if (messagingServiceSid && !/^MG[0-9a-fA-F]{32}$/.test(messagingServiceSid)) problems.push({ variable: 'TWILIO_MESSAGING_SERVICE_SID', reason: 'must be MG followed by 32 hex digits' });
    const baseUrl = url('TWILIO_BASE_URL');
    const statusCallbackUrl = url('TWILIO_STATUS_CALLBACK_URL');
    const concurrency = int('TWILIO_CONCURRENCY', 20, 1, 1000);
    const timeoutMs = int('TWILIO_TIMEOUT_MS', 10_000, 100, 120_000);
    if (accountSid && authToken && !forced) {
      sms = {
        provider: 'twilio', accountSid, authToken: new Secret(authToken), concurrency, timeoutMs,
        ...(from ? { from } : {}), ...(messagingServiceSid ? { messagingServiceSid } : {}),
        ...(baseUrl ? { baseUrl } : {}), ...(statusCallbackUrl ? { statusCallbackUrl } : {}),
      };
    }
  }

  // Push: FCM
  let push: ChannelConfig['push'] = sandbox('no credentials');
  const serviceAccountPath = read('FCM_SERVICE_ACCOUNT_PATH');
  const accessToken = read('FCM_ACCESS_TOKEN');
  const fcmBaseUrl = url('FCM_BASE_URL');
  const projectId = read('FCM_PROJECT_ID');
  const transport = read('FCM_TRANSPORT') ?? 'http2';
  if (transport !== 'http2' && transport !== 'http1') problems.push({ variable: 'FCM_TRANSPORT', reason: 'must be http2 or http1' });
  const fcmTimeoutMs = int('FCM_TIMEOUT_MS', 20_000, 100, 300_000);
  if (serviceAccountPath || accessToken) {
    if (accessToken && !serviceAccountPath && !read('FCM_BASE_URL')) problems.push({ variable: 'FCM_ACCESS_TOKEN', reason: 'is only accepted with FCM_BASE_URL (a stub); use FCM_SERVICE_ACCOUNT_PATH for Google' });
    if (!serviceAccountPath && !projectId) problems.push({ variable: 'FCM_PROJECT_ID', reason: 'is required with FCM_ACCESS_TOKEN' });
    if (!forced) {
      push = {
        provider: 'fcm', transport: transport === 'http1' ? 'http1' : 'http2', timeoutMs: fcmTimeoutMs,
        ...(serviceAccountPath ? { serviceAccountPath } : { accessToken: new Secret(accessToken!) }),
        ...(projectId ? { projectId } : {}), ...(fcmBaseUrl ? { baseUrl: fcmBaseUrl } : {}),
      };
    }
  }

  // Letter: print queue (no external credentials; opt in)
  // Letters need no credentials: the print queue (the notifier's delivery rows) is the default.
  const letterProvider = read('LETTER_PROVIDER') ?? 'print-queue';
  if (letterProvider !== 'print-queue' && letterProvider !== 'sandbox') problems.push({ variable: 'LETTER_PROVIDER', reason: 'must be print-queue or sandbox' });
  const letter: ChannelConfig['letter'] = letterProvider === 'print-queue' && !forced ? { provider: 'print-queue' } : sandbox('not configured');

  const twilioWebhookToken = authToken ? new Secret(authToken) : undefined;
  const verificationKey = read('SENDGRID_WEBHOOK_PUBLIC_KEY');
  const webhooks: ChannelConfig['webhooks'] = {
    sendgridToleranceSeconds: int('SENDGRID_WEBHOOK_TOLERANCE_S', 300, 1, 86_400),
    ...(verificationKey ? { sendgridVerificationKey: verificationKey } : {}),
    ...(twilioWebhookToken ? { twilioAuthToken: twilioWebhookToken } : {}),
  };

  if (problems.length > 0) throw new ChannelConfigError(problems);
  return { email, sms, push, letter, webhooks };
}

/** "Tocsin <noreply@example.org>" or "noreply@example.org". */
function parseFrom(value: string | undefined): { email: string; name?: string } | undefined {
  if (!value) return undefined;
  const named = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+)>\s*$/.exec(value);
  const email = named ? named[2]! : value.trim();
  if (!EMAIL_SHAPE.test(email)) return undefined;
  const name = named?.[1]?.trim();
  return name ? { email, name } : { email };
}

/** One line per channel for the startup log: provider names and hosts, never credentials. */
export function describeChannelConfig(config: ChannelConfig): Record<string, string> {
  const host = (base: string | undefined, fallback: string) => (base ? new URL(base).host : fallback);
  const line = (channel: ChannelConfig[keyof Omit<ChannelConfig, 'webhooks'>]): string => {
    switch (channel.provider) {
      case 'sandbox':
        return `sandbox (${channel.because})`;
      case 'sendgrid':
        return `sendgrid via ${host(channel.baseUrl, 'api.sendgrid.com')}`;
      case 'twilio':
        return `twilio via ${host(channel.baseUrl, 'api.twilio.com')}, concurrency ${channel.concurrency}`;
      case 'fcm':
        return `fcm via ${host(channel.baseUrl, 'fcm.googleapis.com')} (${channel.transport})`;
      case 'print-queue':
        return 'print-queue';
    }
  };
  return { email: line(config.email), sms: line(config.sms), push: line(config.push), letter: line(config.letter) };
}
