/** The result of checking a provider webhook's signature. Reasons name the check, never the content. */
export type WebhookVerdict =
  | { ok: true }
  | { ok: false; reason: 'missing_signature' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature' };

export const WEBHOOK_OK: WebhookVerdict = { ok: true };

export function rejected(reason: 'missing_signature' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature'): WebhookVerdict {
  return { ok: false, reason };
}

/** A value that is a string or the first string of an array (header and form values may be either). */
export function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}
