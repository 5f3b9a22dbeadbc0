import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { StatusUpdate } from '../../channel.js';
import { firstString, rejected, WEBHOOK_OK, type WebhookVerdict } from '../../webhook-verdict.js';

export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/** The Event Webhook verification key as shown in SendGrid's settings (base64 DER SPKI) or as PEM. */
export function sendGridVerificationKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.includes('BEGIN PUBLIC KEY')) return createPublicKey(trimmed);
  return createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
}

export interface SendGridWebhookInput {
  publicKey: KeyObject | string;
  /** The request body exactly as received (SendGrid signs the bytes, including its trailing CRLFs). */
  rawBody: Buffer | string;
  signature: unknown;
  timestamp: unknown;
  /** Reject timestamps further than this from now, in either direction (replay protection). */
  toleranceSeconds?: number;
  nowMs?: number;
}

/**
 * ECDSA P-256 / SHA-256 over `timestamp + rawBody`, DER signature in base64 (what @sendgrid/eventwebhook
 * checks, with node:crypto: ≈0.07 ms instead of ≈3.6 ms), plus a staleness check the library lacks.
 */
export function verifySendGridWebhook(input: SendGridWebhookInput): WebhookVerdict {
  const signature = firstString(input.signature);
  const timestamp = firstString(input.timestamp);
  if (!signature || !timestamp) return rejected('missing_signature');
  if (!/^\d{1,12}$/.test(timestamp)) return rejected('bad_timestamp');
  const tolerance = input.toleranceSeconds ?? 300;
  if (Math.abs((input.nowMs ?? Date.now()) / 1000 - Number(timestamp)) > tolerance) return rejected('stale_timestamp');
  try {
    const key = typeof input.publicKey === 'string' ? sendGridVerificationKey(input.publicKey) : input.publicKey;
    const body = typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody;
    const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), body]);
    return verify('sha256', signed, key, Buffer.from(signature, 'base64')) ? WEBHOOK_OK : rejected('bad_signature');
  } catch {
    return rejected('bad_signature'); // malformed DER or key
  }
}

const BOUNCE_CLASSES: Record<string, string> = {
  'Invalid Address': 'bounced_invalid_address',
  'Mailbox Unavailable': 'bounced_mailbox_unavailable',
  Technical: 'bounced_technical',
  Content: 'bounced_content',
  Reputation: 'bounced_reputation',
  'Frequency or Volume Too High': 'bounced_volume',
};

/** SendGrid's `dropped` reasons (fixed strings) → our codes. */
const DROP_REASONS: Record<string, [StatusUpdate['status'], string]> = {
  'Bounced Address': ['failed', 'suppressed_bounce'],
  'Unsubscribed Address': ['failed', 'suppressed_unsubscribe'],
  'Spam Reporting Address': ['failed', 'suppressed_spam_report'],
  Invalid: ['failed', 'invalid_email'],
  'Invalid SMTPAPI header': ['config', 'request_rejected'],
  'Spam Content (if spam checker app enabled)': ['config', 'spam_content'],
  'Recipient List over Package Quota': ['config', 'quota_exceeded'],
};

const ENGAGEMENT: Record<string, string> = {
  open: 'opened',
  machine_opened: 'opened',
  click: 'clicked',
  spamreport: 'spam_report',
  unsubscribe: 'unsubscribed',
  group_unsubscribe: 'unsubscribed',
  group_resubscribe: 'resubscribed',
};

/**
 * An Event Webhook post (a JSON array) → status updates. Correlation: `delivery_id` is the custom_arg we
 * send with every personalization; `providerMessageId` is the X-Message-Id part of `sg_message_id`.
 * Unknown events are skipped. No address, SMTP response or provider prose is copied.
 */
export function mapSendGridEvents(payload: unknown): StatusUpdate[] {
  if (!Array.isArray(payload)) return [];
  const updates: StatusUpdate[] = [];
  for (const raw of payload) {
    if (!raw || typeof raw !== 'object') continue;
    const event = raw as Record<string, unknown>;
    const name = firstString(event.event);
    if (!name) continue;
    const verdict = classify(name, event);
    if (!verdict) continue;
    const messageId = firstString(event.sg_message_id);
    updates.push({
      deliveryId: firstString(event.delivery_id) ?? null,
      providerMessageId: messageId ? messageId.split('.')[0]! : null,
      status: verdict[0],
      reason: verdict[1],
      event: name,
      occurredAt: typeof event.timestamp === 'number' ? new Date(event.timestamp * 1000) : null,
    });
  }
  return updates;
}

function classify(name: string, event: Record<string, unknown>): [StatusUpdate['status'], string | null] | undefined {
  switch (name) {
    case 'processed':
      return ['accepted', null];
    case 'delivered':
      return ['delivered', null];
    case 'deferred':
      return ['deferred', 'deferred'];
    case 'bounce':
      if (event.type === 'blocked') return ['failed', 'blocked'];
      return ['failed', BOUNCE_CLASSES[firstString(event.bounce_classification) ?? ''] ?? 'bounced'];
    case 'dropped':
      return DROP_REASONS[firstString(event.reason) ?? ''] ?? ['failed', 'dropped'];
    default:
      return ENGAGEMENT[name] ? ['engaged', ENGAGEMENT[name]] : undefined;
  }
}
