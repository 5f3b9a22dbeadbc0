/** How long to wait before the next attempt on the same channel, and when to give up on it. */
export interface RetryPolicy {
  /** Attempts on one channel before its failure counts as permanent ("retries exhausted"). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 2_000, maxDelayMs: 10 * 60_000 };

/**
 * After a configuration error (bad credentials) the channel is paused and its people wait queued; this is how
 * long before one of them is tried again on the same channel once it is resumed. The attempt does not count.
 */
export const CONFIG_ERROR_PAUSE_MS = 60_000;

/**
 * Exponential backoff with full jitter (a random delay up to the exponential bound), so retries of a
 * throttled batch spread out instead of arriving together. A provider's Retry-After is a floor.
 * `attempt` is the number of attempts already made (1 after the first failure); `random` in [0, 1).
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, retryAfterMs: number | undefined, random: number): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(bound / 2 + (random * bound) / 2);
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, policy.maxDelayMs * 6));
}

export function retriesExhausted(attempt: number, policy: RetryPolicy): boolean {
  return attempt >= policy.maxAttempts;
}
