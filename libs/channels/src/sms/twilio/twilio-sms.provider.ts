import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import twilio from 'twilio';
import type RequestClientNs from 'twilio/lib/base/RequestClient.js';
import type * as TwilioHttp from 'twilio/lib/http/response.js';
import { type ChannelLog, REASONS, type SendOutcome, silentLog, type SmsMessage, type SmsProvider } from '../../channel.js';
import { E164, permanent, Semaphore } from '../../outcomes.js';
import { reveal, type Secret } from '../../secret.js';
import { classifyTwilioError } from './twilio-errors.js';

export interface TwilioOptions {
  accountSid: string;
  authToken: string | Secret;
  /** A sender number, or … */
  from?: string;
  /** … a Messaging Service (one of the two is required). */
  messagingServiceSid?: string;
  /** Default https://api.twilio.com; a stub otherwise. */
  baseUrl?: string;
  /** Public URL of our status webhook; `delivery_id=<id>` is appended so callbacks can be correlated. */
  statusCallbackUrl?: string;
  /** Messages in flight at once across all concurrent `send` calls (Twilio takes one message per call). */
  concurrency?: number;
  timeoutMs?: number;
  /** Largest batch the caller should pass; it is sent `concurrency` messages at a time. */
  maxBatch?: number;
  log?: ChannelLog;
}

/** Response headers of the current `messages.create` call, captured per call (not the shared lastResponse). */
const callHeaders = new AsyncLocalStorage<{ headers?: Record<string, unknown> }>();

/**
 * Twilio's RequestClient with a keep-alive agent sized to our concurrency, an optional base-URL
 * rewrite (stubs, benchmarks), and per-call response-header capture for Retry-After.
 */
class TwilioHttpClient extends twilio.RequestClient {
  private readonly base: string | undefined;
  readonly plainAgent: http.Agent | undefined;

  constructor(baseUrl: string | undefined, sockets: number, timeoutMs: number) {
    super({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, maxTotalSockets: Math.max(sockets, 100), timeout: timeoutMs });
    this.base = baseUrl?.replace(/\/+$/, '');
    if (this.base?.startsWith('http:')) {
      this.plainAgent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
      this.axios.defaults.httpAgent = this.plainAgent;
    }
  }

  override async request<TData>(options: RequestClientNs.RequestOptions<TData>): Promise<TwilioHttp.default<TData>> {
    if (this.base) options.uri = options.uri.replace(/^https:\/\/[^/]+/, this.base);
    const response = await super.request<TData>(options);
    const slot = callHeaders.getStore();
    if (slot) slot.headers = response.headers as Record<string, unknown>;
    return response;
  }
}

/**
 * SMS through Twilio Programmable Messaging, one `messages.create` per message, at most `concurrency`
 * in flight per provider instance. Twilio's own 429 auto-retry stays off: the notifier owns retries.
 */
export class TwilioSmsProvider implements SmsProvider {
  readonly kind = 'sms' as const;
  readonly name = 'twilio';
  readonly maxBatch: number;
  readonly concurrency: number;
  private readonly client: twilio.Twilio;
  private readonly http: TwilioHttpClient;
  private readonly slots: Semaphore;
  private readonly sender: { from: string } | { messagingServiceSid: string };
  private readonly statusCallbackUrl: string | undefined;
  private readonly log: ChannelLog;

  constructor(options: TwilioOptions) {
    if (!options.from && !options.messagingServiceSid) throw new Error('Twilio needs a sender: from or messagingServiceSid');
    this.concurrency = options.concurrency ?? 20;
    this.maxBatch = options.maxBatch ?? Math.max(100, this.concurrency * 4);
    this.slots = new Semaphore(this.concurrency);
    this.sender = options.messagingServiceSid ? { messagingServiceSid: options.messagingServiceSid } : { from: options.from! };
    this.statusCallbackUrl = options.statusCallbackUrl;
    this.log = options.log ?? silentLog;
    this.http = new TwilioHttpClient(options.baseUrl, this.concurrency, options.timeoutMs ?? 10_000);
    this.client = twilio(options.accountSid, reveal(options.authToken), { httpClient: this.http });
  }

  async send(batch: readonly SmsMessage[]): Promise<SendOutcome[]> {
    const outcomes = await Promise.all(batch.map((message) => this.slots.run(() => this.sendOne(message))));
    const failed = outcomes.filter((outcome) => outcome.result !== 'sent' && outcome.result !== 'permanent');
    if (failed.length > 0) {
      this.log('warn', 'twilio sends failed', { provider: this.name, messages: batch.length, failed: failed.length, reason: 'reason' in failed[0]! ? failed[0].reason : undefined });
    }
    return outcomes;
  }

  async close(): Promise<void> {
    this.http.plainAgent?.destroy();
    (this.http.axios.defaults.httpsAgent as http.Agent | undefined)?.destroy();
  }

  private async sendOne(message: SmsMessage): Promise<SendOutcome> {
    if (!message.to) return permanent(message.deliveryId, REASONS.missingAddress);
    if (!E164.test(message.to)) return permanent(message.deliveryId, REASONS.invalidNumber);
    const slot: { headers?: Record<string, unknown> } = {};
    try {
      const created = await callHeaders.run(slot, () =>
        this.client.messages.create({ to: message.to, body: message.body, ...this.sender, ...this.callback(message.deliveryId) }),
      );
      return { deliveryId: message.deliveryId, result: 'sent', providerMessageId: created.sid };
    } catch (error) {
      return classifyTwilioError(message.deliveryId, error, slot.headers);
    }
  }

  private callback(deliveryId: string): { statusCallback?: string } {
    if (!this.statusCallbackUrl) return {};
    const url = new URL(this.statusCallbackUrl);
    url.searchParams.set('delivery_id', deliveryId);
    return { statusCallback: url.href };
  }
}
