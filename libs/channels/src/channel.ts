/**
 * The sending contract every channel adapter implements. One interface per channel kind, one small
 * class per provider behind it (libs/channels/src/<kind>/<provider>/), so a new provider touches one folder.
 */
export type ChannelKind = 'email' | 'sms' | 'push' | 'letter';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['email', 'sms', 'push', 'letter'];

interface MessageBase {
  /** Our delivery row id; travels with the message so provider callbacks can be correlated. */
  deliveryId: string;
}

export interface EmailMessage extends MessageBase {
  to: string;
  subject: string;
  html: string;
  text: string;
  /**
   * Tags in subject, html and text to replace for this recipient (SendGrid substitutions). Messages that share
   * their template then travel in one provider request; providers without substitutions apply them first
   * (applyEmailSubstitutions).
   */
  substitutions?: Readonly<Record<string, string>>;
}

export interface SmsMessage extends MessageBase {
  /** E.164, e.g. +4915123456789. */
  to: string;
  body: string;
}

export interface PushMessage extends MessageBase {
  /** FCM registration token. */
  token: string;
  title: string;
  body: string;
  /** Link to the full notice page (opened when the notification is tapped). */
  link?: string;
}

export interface LetterMessage extends MessageBase {
  postalAddress: string;
  /** Opaque reference to the rendered pages (e.g. a document id); the print batch resolves it. */
  documentRef: string;
}

export interface OutboundByKind {
  email: EmailMessage;
  sms: SmsMessage;
  push: PushMessage;
  letter: LetterMessage;
}
export type OutboundMessage = OutboundByKind[ChannelKind];

/**
 * What happened to one message. Reasons are short codes (see REASONS) and never contain the address,
 * the token or provider prose (which often quotes the address). `providerCode` is the provider's own
 * code (HTTP status, Twilio error number, `messaging/…`) for diagnosis; it never holds contact data.
 */
export type SendOutcome =
  | { deliveryId: string; result: 'sent'; providerMessageId: string }
  | { deliveryId: string; result: 'retry'; reason: string; retryAfterMs?: number; providerCode?: string }
  | { deliveryId: string; result: 'permanent'; reason: string; providerCode?: string }
  | { deliveryId: string; result: 'config'; reason: string; providerCode?: string };
export type SendResult = SendOutcome['result'];

/** Reason codes used by the adapters. Notifier code may switch on them. */
export const REASONS = {
  // retry
  rateLimited: 'rate_limited',
  providerUnavailable: 'provider_unavailable',
  timeout: 'timeout',
  connectionReset: 'connection_reset',
  connectionFailed: 'connection_failed',
  networkError: 'network_error',
  /** The request failed because of another message in the same batch; resend without it. */
  batchRejected: 'batch_rejected',
  queueUnavailable: 'queue_unavailable',
  providerError: 'provider_error',
  // permanent
  invalidEmail: 'invalid_email',
  invalidNumber: 'invalid_number',
  unsubscribed: 'unsubscribed',
  notMobile: 'not_mobile',
  unroutable: 'unroutable',
  regionNotEnabled: 'region_not_enabled',
  unregisteredToken: 'unregistered_token',
  invalidToken: 'invalid_token',
  invalidArgument: 'invalid_argument',
  invalidPersonalization: 'invalid_personalization',
  payloadTooLarge: 'payload_too_large',
  missingAddress: 'missing_address',
  missingDocument: 'missing_document',
  rejected: 'rejected',
  // config
  badCredentials: 'bad_credentials',
  forbidden: 'forbidden',
  accountSuspended: 'account_suspended',
  invalidSender: 'invalid_sender',
  requestRejected: 'request_rejected',
  mismatchedCredential: 'mismatched_credential',
} as const;

export interface ChannelProvider<K extends ChannelKind = ChannelKind> {
  readonly kind: K;
  /** 'sendgrid', 'twilio', 'fcm', 'print-queue', 'sandbox'. */
  readonly name: string;
  /** The caller passes batches of at most this many messages. */
  readonly maxBatch: number;
  /** One outcome per message, in the same order. Never rejects: every failure becomes an outcome. */
  send(batch: readonly OutboundByKind[K][]): Promise<SendOutcome[]>;
  /** Releases sockets, SDK apps and timers. */
  close?(): Promise<void>;
}

export type EmailProvider = ChannelProvider<'email'>;
export type SmsProvider = ChannelProvider<'sms'>;
export type PushProvider = ChannelProvider<'push'>;
export type LetterProvider = ChannelProvider<'letter'>;

/**
 * Where adapters report batch-level trouble. Fields are counts and codes only: adapters never pass an
 * address, token, message body or provider prose here.
 */
export type ChannelLog = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, string | number | boolean | undefined>) => void;
export const silentLog: ChannelLog = () => undefined;

/** A status reported later by a provider webhook, normalized across providers. */
export type DeliveryStatus =
  /** The provider has it (processed, queued, sent to carrier). Nothing to do. */
  | 'accepted'
  /** The recipient's server or handset received it. */
  | 'delivered'
  /** Temporary trouble; the provider keeps trying. */
  | 'deferred'
  /** Will not arrive: move on to the next channel in the chain. */
  | 'failed'
  /** Will not arrive because of our account or sender setup: alert an operator as well. */
  | 'config'
  /** Opened, clicked, unsubscribed, reported spam: after delivery, informative only. */
  | 'engaged';

export interface StatusUpdate {
  deliveryId: string | null;
  providerMessageId: string | null;
  status: DeliveryStatus;
  /** Reason code for failed/deferred/config/engaged (never prose or contact data). */
  reason: string | null;
  /** The provider's raw event/status name, e.g. 'bounce', 'undelivered'. */
  event: string;
  occurredAt: Date | null;
}
