import { REASONS, type SendOutcome } from './channel.js';

/**
 * Retry-After as milliseconds from `nowMs`: delta-seconds ("120", "1.5") or an HTTP-date
 * ("Wed, 21 Oct 2026 07:28:00 GMT"). A date in the past gives 0; anything unparseable gives undefined.
 */
export function parseRetryAfter(value: unknown, nowMs = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' && typeof text !== 'number') return undefined;
  const trimmed = String(text).trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** An epoch-seconds reset header (SendGrid X-RateLimit-Reset) as milliseconds from now. */
export function parseRateLimitReset(value: unknown, nowMs = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' && typeof text !== 'number') return undefined;
  if (!/^\d+$/.test(String(text).trim())) return undefined;
  return Math.max(0, Number(text) * 1000 - nowMs);
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_HTTP2_STREAM_ERROR', 'ERR_HTTP2_SESSION_ERROR', 'ERR_HTTP2_GOAWAY_SESSION', 'UND_ERR_SOCKET']);
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

/** The error's code, looking through axios wrappers and `cause`. */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A transport failure (no HTTP response) → a retry reason, or undefined when it is not a network error. */
export function networkReason(error: unknown): string | undefined {
  const code = errorCode(error);
  if (code && TIMEOUT_CODES.has(code)) return REASONS.timeout;
  if (code && RESET_CODES.has(code)) return REASONS.connectionReset;
  if (code && CONNECT_CODES.has(code)) return REASONS.connectionFailed;
  const message = error instanceof Error ? error.message : '';
  if (/timeout/i.test(message)) return REASONS.timeout;
  if (/socket hang up|reset/i.test(message)) return REASONS.connectionReset;
  return code?.startsWith('E') || code?.startsWith('ERR_') ? REASONS.networkError : undefined;
}

export function retry(deliveryId: string, reason: string, retryAfterMs?: number, providerCode?: string): SendOutcome {
  const outcome: SendOutcome = { deliveryId, result: 'retry', reason };
  if (retryAfterMs !== undefined) outcome.retryAfterMs = retryAfterMs;
  if (providerCode !== undefined) outcome.providerCode = providerCode;
  return outcome;
}

export function permanent(deliveryId: string, reason: string, providerCode?: string): SendOutcome {
  return providerCode === undefined ? { deliveryId, result: 'permanent', reason } : { deliveryId, result: 'permanent', reason, providerCode };
}

export function configProblem(deliveryId: string, reason: string, providerCode?: string): SendOutcome {
  return providerCode === undefined ? { deliveryId, result: 'config', reason } : { deliveryId, result: 'config', reason, providerCode };
}

/** Cheap shape checks done before any I/O, so one malformed address never fails a whole provider request. */
export const E164 = /^\+[1-9]\d{6,14}$/;
export const EMAIL_SHAPE = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;

/** Rejects after `ms` with an ETIMEDOUT-coded error unless `work` settles first. */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`deadline of ${ms} ms exceeded`), { code: 'ETIMEDOUT' })), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Bounds how many tasks run at once across every caller of one provider instance, so concurrent
 * `send` calls from several batches still respect the provider's concurrency setting.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('concurrency must be a positive integer');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the finishing task hands its slot over
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
