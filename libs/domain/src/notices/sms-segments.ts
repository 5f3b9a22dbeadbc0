/**
 * SMS segment counting (3GPP TS 23.038 / 23.040).
 *
 * GSM-7: the default alphabet costs one septet a character, its extension table (`^{}\[~]|€` and form feed)
 * two (an escape and the character). One message holds 160 septets; a concatenated one holds 153 per segment
 * (the user-data header takes the rest), and an escape pair is never split across two segments.
 * UCS-2: used as soon as one character is outside GSM-7; 70 UTF-16 code units in one message, 67 per segment
 * when concatenated, and a surrogate pair (an emoji, say) is never split across two segments.
 */

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export const SMS_LIMITS = {
  'GSM-7': { single: 160, multipart: 153 },
  'UCS-2': { single: 70, multipart: 67 },
} as const satisfies Record<SmsEncoding, { single: number; multipart: number }>;

export interface SmsSegmentCount {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text needs. */
  units: number;
  segments: number;
}

/** Whether every character of `text` is in the GSM-7 default alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return false;
  return true;
}

/** The cost of each character in the encoding's units (septets or UTF-16 code units), in order. */
function unitCosts(text: string, encoding: SmsEncoding): number[] {
  const costs: number[] = [];
  for (const ch of text) costs.push(encoding === 'GSM-7' ? (EXTENSION.has(ch) ? 2 : 1) : ch.length);
  return costs;
}

/** Segments needed to send `text` as one (possibly concatenated) SMS. An empty text is one segment. */
export function countSmsSegments(text: string): SmsSegmentCount {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  const costs = unitCosts(text, encoding);
  const units = costs.reduce((a, b) => a + b, 0);
  const limits = SMS_LIMITS[encoding];
  if (units <= limits.single) return { encoding, units, segments: 1 };
  // Pack greedily: a character whose units do not fit in what is left of a segment starts the next one.
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > limits.multipart) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return { encoding, units, segments };
}

/**
 * The longest prefix of `text` (cut at a word boundary when one is near, then an ellipsis appended: `...` in
 * GSM-7, so that cutting never switches the message to UCS-2, `…` otherwise) such that
 * `prefix + suffix` fits in `maxSegments`. Returns `text` itself when it already fits.
 */
export function fitSms(text: string, suffix: string, maxSegments: number): string {
  if (countSmsSegments(text + suffix).segments <= maxSegments) return text;
  const ellipsis = isGsm7(text + suffix) ? '...' : '…';
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  // Binary search on the number of characters kept (segments grow monotonically with length).
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (countSmsSegments(chars.slice(0, mid).join('').trimEnd() + ellipsis + suffix).segments <= maxSegments) lo = mid;
    else hi = mid - 1;
  }
  let kept = chars.slice(0, lo).join('');
  const space = kept.lastIndexOf(' ');
  if (space > kept.length * 0.6) kept = kept.slice(0, space);
  return kept.trimEnd() + ellipsis;
}
