import { describe, expect, it } from '@jest/globals';
import { networkReason, parseRateLimitReset, parseRetryAfter, Semaphore, withDeadline } from './outcomes.js';

const NOW = Date.UTC(2026, 10, 24, 10, 0, 0);

describe('parseRetryAfter', () => {
  it.each<[unknown, number | undefined]>([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1500],
    [' 7 ', 7000],
    [['3', '9'], 3000],
    [7, 7000],
    ['Tue, 24 Nov 2026 10:00:30 GMT', 30_000],
    ['Tue, 24 Nov 2026 09:59:00 GMT', 0],
    ['-5', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
    [{}, undefined],
  ])('%j → %s', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('parseRateLimitReset', () => {
  it.each<[unknown, number | undefined]>([
    [String(NOW / 1000 + 12), 12_000],
    [String(NOW / 1000 - 12), 0],
    ['later', undefined],
    [undefined, undefined],
  ])('%j → %s', (value, expected) => {
    expect(parseRateLimitReset(value, NOW)).toBe(expected);
  });
});

describe('networkReason', () => {
  it.each<[unknown, string | undefined]>([
    [{ code: 'ECONNABORTED', message: 'timeout of 500ms exceeded' }, 'timeout'],
    [{ code: 'ETIMEDOUT' }, 'timeout'],
    [{ code: 'ECONNRESET' }, 'connection_reset'],
    [{ code: 'ERR_HTTP2_STREAM_ERROR' }, 'connection_reset'],
    [{ code: 'ECONNREFUSED' }, 'connection_failed'],
    [{ code: 'ENOTFOUND' }, 'connection_failed'],
    [{ cause: { code: 'ECONNRESET' } }, 'connection_reset'],
    [Object.assign(new Error('socket hang up'), {}), 'connection_reset'],
    [{ code: 'EWHATEVER' }, 'network_error'],
    [new Error('something else'), undefined],
    [null, undefined],
  ])('%j → %s', (error, expected) => {
    expect(networkReason(error)).toBe(expected);
  });
});

describe('Semaphore', () => {
  it('never runs more than its limit at once, and runs everything', async () => {
    const slots = new Semaphore(3);
    let active = 0;
    let peak = 0;
    const done = await Promise.all(Array.from({ length: 25 }, (_, i) => slots.run(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, i % 3));
      active--;
      return i;
    })));
    expect(done).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(peak).toBe(3);
  });

  it('frees the slot when a task throws', async () => {
    const slots = new Semaphore(1);
    await expect(slots.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await expect(slots.run(async () => 'next')).resolves.toBe('next');
  });

  it('refuses a non-positive limit', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe('withDeadline', () => {
  it('passes a fast result through and turns a slow one into ETIMEDOUT', async () => {
    await expect(withDeadline(Promise.resolve(1), 50)).resolves.toBe(1);
    await expect(withDeadline(new Promise(() => undefined), 20)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });
});
