import http from 'node:http';
import https from 'node:https';
import { Client } from '@sendgrid/client';
import { type ChannelLog, type EmailMessage, type EmailProvider, REASONS, type SendOutcome, silentLog } from '../../channel.js';
import { configProblem, EMAIL_SHAPE, networkReason, parseRateLimitReset, parseRetryAfter, permanent, retry } from '../../outcomes.js';
import { reveal, type Secret } from '../../secret.js';

export const SENDGRID_MAX_PERSONALIZATIONS = 1000;
/** Resends, within one send() call, of the messages a 400 rejected only because of another personalization. */
const MAX_RESENDS = 2;

export interface SendGridOptions {
  apiKey: string | Secret;
  from: { email: string; name?: string };
  /** Default https://api.sendgrid.com/; a stub or the EU host otherwise. */
  baseUrl?: string;
  /** Per-request timeout (axios); a timeout becomes 'retry' for every message of that request. */
  timeoutMs?: number;
  /** At most 1000 (SendGrid's personalizations per request). */
  maxBatch?: number;
  /** Keep-alive sockets to the API host. */
  maxSockets?: number;
  categories?: string[];
  log?: ChannelLog;
}

interface Personalization {
  to: [{ email: string }];
  custom_args: { delivery_id: string };
  subject?: string;
  substitutions?: Readonly<Record<string, string>>;
}

/** Messages that can share one /v3/mail/send request: same html and text, each address once. */
interface RequestGroup {
  indexes: number[];
  addresses: Set<string>;
  subject: string;
  html: string;
  text: string;
}

interface SendGridErrorShape {
  code?: unknown;
  response?: { headers?: Record<string, unknown>; body?: unknown };
}

/**
 * E-mail through SendGrid v3 /mail/send, driven by `@sendgrid/client` with a prebuilt snake_case body:
 * one request per batch (per distinct content), one personalization per recipient carrying
 * `custom_args.delivery_id` so Event Webhook posts can be correlated, and the recipient's `substitutions`
 * (name, notice link) when the message is a shared template: a thousand personal notices in one request. The Mail helper is skipped on
 * purpose (providers.md: 6x slower for 1000-personalization requests).
 *
 * A failure of the whole request applies to every message in it, except a 400 whose errors all name
 * personalizations: those messages are 'permanent' and their siblings are posted again without them
 * (up to MAX_RESENDS times; after that 'retry' with reason 'batch_rejected' and retryAfterMs 0).
 */
export class SendGridEmailProvider implements EmailProvider {
  readonly kind = 'email' as const;
  readonly name = 'sendgrid';
  readonly maxBatch: number;
  private readonly client: Client;
  private readonly agent: http.Agent;
  private readonly from: { email: string; name?: string };
  private readonly categories: string[] | undefined;
  private readonly log: ChannelLog;

  constructor(options: SendGridOptions) {
    this.maxBatch = Math.min(options.maxBatch ?? SENDGRID_MAX_PERSONALIZATIONS, SENDGRID_MAX_PERSONALIZATIONS);
    this.from = options.from;
    this.categories = options.categories;
    this.log = options.log ?? silentLog;
    this.client = new Client();
    // setApiKey resets baseUrl to the region host, so the override must come after it.
    this.client.setApiKey(reveal(options.apiKey));
    const baseUrl = new URL(options.baseUrl ?? 'https://api.sendgrid.com/');
    this.client.setDefaultRequest('baseUrl', baseUrl.href.endsWith('/') ? baseUrl.href : `${baseUrl.href}/`);
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16, maxFreeSockets: options.maxSockets ?? 16 };
    this.agent = baseUrl.protocol === 'http:' ? new http.Agent(agentOptions) : new https.Agent(agentOptions);
    // Both keys are passed through to axios; the SDK's typings only list httpsAgent.
    const transport = { [baseUrl.protocol === 'http:' ? 'httpAgent' : 'httpsAgent']: this.agent, timeout: options.timeoutMs ?? 10_000 };
    this.client.setDefaultRequest(transport as unknown as Parameters<Client['setDefaultRequest']>[0]);
  }

  async send(batch: readonly EmailMessage[]): Promise<SendOutcome[]> {
    const outcomes: SendOutcome[] = new Array(batch.length);
    const groups: RequestGroup[] = [];
    const open = new Map<string, Map<string, RequestGroup>>();
    batch.forEach((message, index) => {
      if (!message.to || !EMAIL_SHAPE.test(message.to)) {
        outcomes[index] = permanent(message.deliveryId, message.to ? REASONS.invalidEmail : REASONS.missingAddress);
        return;
      }
      if (!message.html && !message.text) {
        outcomes[index] = permanent(message.deliveryId, REASONS.invalidArgument);
        return;
      }
      const address = message.to.toLowerCase();
      const byText = open.get(message.html) ?? new Map<string, RequestGroup>();
      open.set(message.html, byText);
      let group = byText.get(message.text);
      if (!group || group.addresses.has(address) || group.indexes.length >= SENDGRID_MAX_PERSONALIZATIONS) {
        group = { indexes: [], addresses: new Set(), subject: message.subject, html: message.html, text: message.text };
        byText.set(message.text, group);
        groups.push(group);
      }
      group.indexes.push(index);
      group.addresses.add(address);
    });
    await Promise.all(groups.map((group) => this.post(group, batch, outcomes)));
    return outcomes;
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private body(group: RequestGroup, batch: readonly EmailMessage[]): Record<string, unknown> {
    const personalizations = group.indexes.map((index) => {
      const message = batch[index]!;
      const personalization: Personalization = { to: [{ email: message.to }], custom_args: { delivery_id: message.deliveryId } };
      if (message.subject !== group.subject) personalization.subject = message.subject;
      if (message.substitutions) personalization.substitutions = message.substitutions;
      return personalization;
    });
    const content: Array<{ type: string; value: string }> = [];
    if (group.text) content.push({ type: 'text/plain', value: group.text }); // text/plain must come first
    if (group.html) content.push({ type: 'text/html', value: group.html });
    const body: Record<string, unknown> = { personalizations, from: this.from, subject: group.subject, content };
    if (this.categories?.length) body.categories = this.categories;
    return body;
  }

  private async post(group: RequestGroup, batch: readonly EmailMessage[], outcomes: SendOutcome[], resends = 0): Promise<void> {
    try {
      const [response] = await this.client.request({ method: 'POST', url: '/v3/mail/send', body: this.body(group, batch) });
      const messageId = String((response.headers as Record<string, unknown>)['x-message-id'] ?? '');
      for (const index of group.indexes) {
        outcomes[index] = { deliveryId: batch[index]!.deliveryId, result: 'sent', providerMessageId: messageId };
      }
    } catch (error) {
      const innocent = this.fail(error, group, batch, outcomes);
      // One bad address must not cost the other 999 a round trip through the queue: resend them now.
      if (innocent.length > 0 && resends < MAX_RESENDS) await this.post({ ...group, indexes: innocent }, batch, outcomes, resends + 1);
    }
  }

  /** Records the failure of a request; returns the messages it failed only because of another one. */
  private fail(error: unknown, group: RequestGroup, batch: readonly EmailMessage[], outcomes: SendOutcome[]): number[] {
    const { code, response } = (error ?? {}) as SendGridErrorShape;
    const status = typeof code === 'number' && response ? code : undefined;
    const ids = group.indexes.map((index) => batch[index]!.deliveryId);
    const all = (make: (deliveryId: string) => SendOutcome) => group.indexes.forEach((index, i) => (outcomes[index] = make(ids[i]!)));

    if (status === undefined) {
      const reason = networkReason(error) ?? REASONS.providerError;
      this.log('warn', 'sendgrid request failed without a response', { provider: this.name, reason, messages: ids.length });
      all((id) => retry(id, reason));
      return [];
    }
    const headers = response?.headers ?? {};
    const providerCode = String(status);
    this.log('warn', 'sendgrid request rejected', { provider: this.name, status, messages: ids.length });
    if (status === 429) {
      const after = parseRetryAfter(headers['retry-after']) ?? parseRateLimitReset(headers['x-ratelimit-reset']);
      all((id) => retry(id, REASONS.rateLimited, after, providerCode));
    } else if (status >= 500) {
      all((id) => retry(id, REASONS.providerUnavailable, parseRetryAfter(headers['retry-after']), providerCode));
    } else if (status === 401) {
      all((id) => configProblem(id, REASONS.badCredentials, providerCode));
    } else if (status === 403) {
      all((id) => configProblem(id, REASONS.forbidden, providerCode));
    } else if (status === 413) {
      all((id) => configProblem(id, REASONS.payloadTooLarge, providerCode));
    } else if (status === 400) {
      const innocent = this.attribute(response?.body, group, batch, outcomes);
      if (innocent) return innocent;
      all((id) => configProblem(id, REASONS.requestRejected, providerCode));
    } else {
      all((id) => configProblem(id, REASONS.requestRejected, providerCode));
    }
    return [];
  }

  /**
   * A 400 whose every error names a personalization: those messages fail, the others are marked for an
   * immediate resend (returned); undefined when the errors do not all name a personalization.
   */
  private attribute(body: unknown, group: RequestGroup, batch: readonly EmailMessage[], outcomes: SendOutcome[]): number[] | undefined {
    const errors = (body as { errors?: Array<{ field?: unknown }> } | undefined)?.errors;
    if (!Array.isArray(errors) || errors.length === 0) return undefined;
    const culprits = new Map<number, string>();
    for (const entry of errors) {
      const match = typeof entry?.field === 'string' ? /^personalizations\.(\d+)(?:\.([a-z_]+))?/.exec(entry.field) : null;
      if (!match || Number(match[1]) >= group.indexes.length) return undefined;
      culprits.set(Number(match[1]), match[2] === 'to' ? REASONS.invalidEmail : REASONS.invalidPersonalization);
    }
    const innocent: number[] = [];
    group.indexes.forEach((index, position) => {
      const deliveryId = batch[index]!.deliveryId;
      const reason = culprits.get(position);
      outcomes[index] = reason ? permanent(deliveryId, reason, '400') : retry(deliveryId, REASONS.batchRejected, 0, '400');
      if (!reason) innocent.push(index);
    });
    return innocent;
  }
}
