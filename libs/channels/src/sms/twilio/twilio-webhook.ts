import { createHmac, timingSafeEqual } from 'node:crypto';
import type { StatusUpdate } from '../../channel.js';
import { reveal, type Secret } from '../../secret.js';
import { firstString, rejected, WEBHOOK_OK, type WebhookVerdict } from '../../webhook-verdict.js';

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

export type TwilioParams = Record<string, string | string[] | undefined>;

/**
 * X-Twilio-Signature: base64(HMAC-SHA1(authToken, url + for each key in sorted order: key + value)),
 * array values de-duplicated, sorted and each appended as key + value (the SDK's getExpectedTwilioSignature).
 */
export function twilioSignature(authToken: string | Secret, url: string, params: TwilioParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of [...new Set(value)].sort()) data += key + item;
    else data += key + value;
  }
  return createHmac('sha1', reveal(authToken)).update(Buffer.from(data, 'utf8')).digest('base64');
}

export interface TwilioWebhookInput {
  authToken: string | Secret;
  signature: unknown;
  /** The public URL exactly as configured at Twilio, query string included (rebuild it behind a proxy). */
  url: string;
  /** Every POSTed form field. */
  params: TwilioParams;
}

/**
 * Checks X-Twilio-Signature, also accepting the URL with or without its default port as the SDK does.
 * Twilio signs no timestamp, so replays of a genuine callback cannot be detected here; status updates
 * must be idempotent (they are: a status only moves a delivery forward).
 */
export function verifyTwilioWebhook(input: TwilioWebhookInput): WebhookVerdict {
  const signature = firstString(input.signature);
  if (!signature) return rejected('missing_signature');
  const given = Buffer.from(signature, 'utf8');
  for (const url of new Set([input.url, withDefaultPort(input.url), withoutPort(input.url)])) {
    const expected = Buffer.from(twilioSignature(input.authToken, url, input.params), 'utf8');
    if (expected.length === given.length && timingSafeEqual(expected, given)) return WEBHOOK_OK;
  }
  return rejected('bad_signature');
}

function splitAuthority(url: string): { scheme: string; host: string; port: string; rest: string } | null {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/i.exec(url);
  if (!match) return null;
  const authority = match[2]!;
  const portAt = authority.indexOf(':', authority.lastIndexOf(']') + 1);
  return {
    scheme: match[1]!,
    host: portAt === -1 ? authority : authority.slice(0, portAt),
    port: portAt === -1 ? '' : authority.slice(portAt),
    rest: match[3]!,
  };
}

function withDefaultPort(url: string): string {
  const parts = splitAuthority(url);
  if (!parts || parts.port) return url;
  return parts.scheme + parts.host + (parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80') + parts.rest;
}

function withoutPort(url: string): string {
  const parts = splitAuthority(url);
  return parts ? parts.scheme + parts.host + parts.rest : url;
}

/** Twilio ErrorCode on undelivered/failed callbacks → [status, reason]. */
const CALLBACK_ERRORS: Record<string, [StatusUpdate['status'], string]> = {
  '30003': ['failed', 'unreachable'],
  '30004': ['failed', 'blocked'],
  '30005': ['failed', 'unknown_number'],
  '30006': ['failed', 'landline_or_unreachable_carrier'],
  '30007': ['failed', 'carrier_filtered'],
  '30008': ['failed', 'unknown_error'],
  '30001': ['failed', 'queue_overflow'],
  '30010': ['failed', 'price_exceeds_max'],
  '21610': ['failed', 'unsubscribed'],
  '21211': ['failed', 'invalid_number'],
  '21614': ['failed', 'not_mobile'],
  '30002': ['config', 'account_suspended'],
  '30032': ['config', 'invalid_sender'],
  '30034': ['config', 'invalid_sender'],
};

const PROGRESS = new Set(['queued', 'accepted', 'scheduled', 'sending', 'sent']);

/**
 * A status callback → a status update, or null for a status we do not track. `url` is the callback URL
 * as received; its `delivery_id` query parameter (added when sending) correlates the delivery.
 */
export function mapTwilioStatus(params: TwilioParams, url?: string): StatusUpdate | null {
  const status = firstString(params.MessageStatus) ?? firstString(params.SmsStatus);
  if (!status) return null;
  let deliveryId: string | null = null;
  if (url) {
    try {
      deliveryId = new URL(url, 'https://callback.invalid').searchParams.get('delivery_id');
    } catch {
      deliveryId = null;
    }
  }
  const base = { deliveryId, providerMessageId: firstString(params.MessageSid) ?? firstString(params.SmsSid) ?? null, event: status, occurredAt: null };
  if (PROGRESS.has(status)) return { ...base, status: 'accepted', reason: null };
  if (status === 'delivered') return { ...base, status: 'delivered', reason: null };
  if (status === 'read') return { ...base, status: 'engaged', reason: 'read' };
  if (status === 'canceled') return { ...base, status: 'failed', reason: 'canceled' };
  if (status === 'undelivered' || status === 'failed') {
    const [mapped, reason] = CALLBACK_ERRORS[firstString(params.ErrorCode) ?? ''] ?? ['failed', status];
    return { ...base, status: mapped, reason };
  }
  return null;
}
