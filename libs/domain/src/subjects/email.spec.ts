import { describe, expect, it } from '@jest/globals';
import validator from 'validator';
import { confirmsPlainEmail, isEmailAddress } from './email.js';
import { seededRandom } from '../../../../test/support/seeded-random.js';

/** A deterministic generator: the same addresses on every run. */
// Letters and digits weigh most, so that about half the generated addresses are valid.
const LOCAL_CHARS = "abcdefghijXYZ0123456789abcdefghij.!#$%&'*+/=?^_`{|}~-";
const DOMAIN_CHARS = 'abcdefghijklmnopqrstuvwXYZ0123456789-._';
// Characters that break the plain shape somewhere: quotes, spaces, brackets, UTF-8, full-width, controls.
const ODD_CHARS = ['"', ' ', '(', ')', ',', ':', ';', '<', '>', '[', ']', '\\', '@', '.', '-', '_', 'é', 'ü', '\u00a0', '\uff01', '\u0000', '\t', '中', '\ud83d\ude00'];
const TLDS = ['com', 'de', 'org', 'CO', 'x', 'c0m', '123', 'xn--p1ai', 'museum', 'a'.repeat(63), 'a'.repeat(64), 'com-', 'co_m', 'рф'];

describe('isEmailAddress', () => {
  it('decides exactly as validator.isEmail on plain, mutated and random addresses', () => {
    const next = seededRandom(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const run = (chars: string, min: number, max: number) => {
      let s = '';
      const n = min + Math.floor(next() * (max - min + 1));
      for (let i = 0; i < n; i++) s += chars[Math.floor(next() * chars.length)];
      return s;
    };
    const addresses: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      const local = next() < 0.05 ? run(LOCAL_CHARS, 55, 70) : run(LOCAL_CHARS, 0, 20);
      const labels = Array.from({ length: 1 + Math.floor(next() * 3) }, () => (next() < 0.03 ? run(DOMAIN_CHARS, 60, 66) : run(DOMAIN_CHARS, 0, 12)));
      let address = `${local}@${labels.join('.')}.${pick(TLDS)}`;
      if (next() < 0.02) address = `${run(LOCAL_CHARS, 60, 64)}@${Array.from({ length: 4 }, () => run('abc', 60, 63)).join('.')}.com`; // near 254
      if (next() < 0.3) {
        const at = Math.floor(next() * (address.length + 1));
        address = address.slice(0, at) + pick(ODD_CHARS) + address.slice(at + (next() < 0.5 ? 1 : 0));
      }
      addresses.push(address);
    }
    addresses.push('"quoted"@example.com', 'a@b.co', 'a@b.c', '@example.com', 'a@', 'a@@b.com', 'a..b@example.com', '.a@example.com', 'a.@example.com',
      'a@-b.com', 'a@b-.com', 'a@b..com', 'a@b.com.', 'a@[127.0.0.1]', 'a@127.0.0.1', 'jane@xn--80ak6aa92e.com', 'jane@example.xn--p1ai', 'ü@example.com');

    const confirmedButRefused = addresses.filter((a) => confirmsPlainEmail(a) && !validator.isEmail(a));
    expect(confirmedButRefused).toEqual([]);
    const differing = addresses.filter((a) => isEmailAddress(a) !== validator.isEmail(a));
    expect(differing).toEqual([]);
    // The generator must exercise both answers and the fast path, or the comparison proves little.
    const accepted = addresses.filter((a) => validator.isEmail(a));
    expect(accepted.length).toBeGreaterThan(5_000);
    expect(addresses.length - accepted.length).toBeGreaterThan(5_000);
    expect(accepted.filter((a) => confirmsPlainEmail(a)).length / accepted.length).toBeGreaterThan(0.6);
  });

  it.each([
    ['jane.doe@example.com', true, true],
    ['Jane.Doe+tag@Mail.Example.ORG', true, true],
    ["o'brien@example.ie", true, true],
    ['a@b.co', true, true],
    ['x'.repeat(64) + '@example.com', true, true],
    ['x'.repeat(65) + '@example.com', false, false],
    ['a@' + 'b'.repeat(63) + '.com', true, true],
    ['a@' + 'b'.repeat(64) + '.com', false, false],
    ['a@b.c', false, false],
    ['a@b.123', false, false],
    ['a..b@example.com', false, false],
    ['a@example_host.com', false, false],
    ['"quoted local"@example.com', false, true],
    ['jürgen@example.de', false, true],
    ['jane@example.xn--p1ai', false, true],
    ['Jane <jane@example.com>', false, false],
  ])('%s → fast path %s, valid %s', (address, fast, valid) => {
    expect(confirmsPlainEmail(address)).toBe(fast);
    expect(isEmailAddress(address)).toBe(valid);
    expect(validator.isEmail(address)).toBe(valid);
  });
});
