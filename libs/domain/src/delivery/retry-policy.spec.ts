import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RETRY_POLICY, retriesExhausted, retryDelayMs } from './retry-policy.js';

const policy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 };

describe('retry policy', () => {
  it.each([
    // attempt, retryAfter, random, expected
    [1, undefined, 0, 500],
    [1, undefined, 0.999, 999],
    [2, undefined, 0, 1000],
    [3, undefined, 0.5, 3000],
    [10, undefined, 0, 30_000],
    [10, undefined, 0.999, 59_970],
    [1, 5000, 0, 5000],
    [3, 2000, 0.5, 3000],
    [1, 10 * 60 * 60_000, 0, 360_000],
  ])('attempt %i, Retry-After %s ms, random %f → %i ms', (attempt, retryAfter, random, expected) => {
    expect(retryDelayMs(attempt, policy, retryAfter, random)).toBe(expected);
  });

  it('never waits less than half the exponential bound nor more than its cap', () => {
    for (let attempt = 1; attempt < 20; attempt++) {
      for (const r of [0, 0.25, 0.5, 0.75, 0.9999]) {
        const d = retryDelayMs(attempt, DEFAULT_RETRY_POLICY, undefined, r);
        expect(d).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxDelayMs);
        expect(d).toBeGreaterThanOrEqual(Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** (attempt - 1)) / 2);
      }
    }
  });

  it.each([[4, false], [5, true], [6, true]])('after %i attempts exhausted: %s', (attempt, exhausted) => {
    expect(retriesExhausted(attempt, policy)).toBe(exhausted);
  });
});
