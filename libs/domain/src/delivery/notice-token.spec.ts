import { randomBytes } from 'node:crypto';
import { NOTICE_TOKEN_LENGTH, noticeToken, noticeTokenDeliveryId, noticeTokens, noticeTokenValid } from './notice-token.js';

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);

describe('notice tokens', () => {
  it.each([1, 42, 2 ** 40 + 5, '9007199254740993'])('round-trips delivery id %p', (id) => {
    const token = noticeToken(key, id);
    expect(token).toHaveLength(NOTICE_TOKEN_LENGTH);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(noticeTokenDeliveryId(token)).toBe(String(id));
    expect(noticeTokenValid(key, token)).toBe(true);
  });

  it('makes a batch of tokens equal to one at a time', () => {
    const ids = [1, 2, 3, 2 ** 33, 77];
    expect(noticeTokens(key, ids)).toEqual(ids.map((id) => noticeToken(key, id)));
    expect(new Set(noticeTokens(key, ids)).size).toBe(ids.length);
    expect(noticeTokens(key, [])).toEqual([]);
  });

  it('is the same for the same delivery and key (a resend carries the same link)', () => {
    expect(noticeToken(key, 5)).toBe(noticeToken(key, 5));
    expect(noticeToken(key, 5)).not.toBe(noticeToken(key, 6));
    expect(noticeToken(key, 5)).not.toBe(noticeToken(otherKey, 5));
  });

  it.each([
    ['another key', () => noticeToken(otherKey, 5)],
    ['a flipped MAC bit', () => { const raw = Buffer.from(noticeToken(key, 5), 'base64url'); raw[20]! ^= 1; return raw.toString('base64url'); }],
    ['another id under the same MAC', () => { const raw = Buffer.from(noticeToken(key, 5), 'base64url'); raw[7] = 6; return raw.toString('base64url'); }],
    ['random bytes', () => randomBytes(24).toString('base64url')],
  ])('rejects %s', (_label, make) => {
    expect(noticeTokenValid(key, make())).toBe(false);
  });

  it.each([
    ['a legacy 64-hex token', 'ab'.repeat(32)],
    ['too short', 'AAAA'],
    ['not base64url', '!'.repeat(32)],
    ['empty', ''],
  ])('names no delivery for %s', (_label, token) => {
    expect(noticeTokenDeliveryId(token)).toBeNull();
    expect(noticeTokenValid(key, token)).toBe(false);
  });
});
