// Contact data must never reach a log line, whatever a developer passes to the logger.
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE = /\+\d[\d\s().-]{6,}\d|\b\d{9,15}\b/g;
const BEARER = /\b(tcn_[A-Za-z0-9_-]{8,})\b/g;

export const CONTACT_KEYS = [
  'email', 'phone', 'name', 'postalAddress', 'postal_address', 'address', 'pushTokens', 'push_tokens',
  'guardianEmail', 'guardianPhone', 'guardianName', 'guardian_email', 'guardian_phone', 'guardian_name',
  'contactEmail', 'contactPhone', 'contactName', 'contact_email', 'contact_phone', 'contact_name',
  'token', 'authorization', 'password',
];

export function redactText(text: string): string {
  return text.replace(EMAIL, '[email]').replace(BEARER, '[token]').replace(PHONE, '[phone]');
}

/** Deep copy with contact fields masked and contact-looking strings scrubbed. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[…]';
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = CONTACT_KEYS.includes(k) ? '[redacted]' : redactValue(v, depth + 1);
    }
    return out;
  }
  return value;
}
