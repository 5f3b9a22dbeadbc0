import { describe, expect, it } from '@jest/globals';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import metadataJson from 'libphonenumber-js/max/metadata';
import examples from 'libphonenumber-js/mobile/examples';
import { confirmsValidE164, isE164PhoneNumber } from './phone.js';
import { seededRandom } from '../../../../test/support/seeded-random.js';

/** A deterministic generator: the same numbers on every run. */
describe('isE164PhoneNumber', () => {
  it('decides exactly as libphonenumber-js on real-looking and random numbers of every calling code', () => {
    const next = seededRandom(7);
    const digits = (n: number) => Array.from({ length: Math.max(n, 0) }, () => Math.floor(next() * 10)).join('');
    const numbers: string[] = [];
    // Each country's example mobile number with its tail replaced, sometimes one digit shorter or longer.
    for (const [country, example] of Object.entries(examples)) {
      const code = metadataJson.country_calling_codes && Object.entries(metadataJson.country_calling_codes).find(([, countries]) => (countries as string[]).includes(country))![0];
      for (let i = 0; i < 60; i++) {
        const keep = Math.floor(next() * example.length);
        const drift = next() < 0.2 ? (next() < 0.5 ? -1 : 1) : 0;
        numbers.push(`+${code}${example.slice(0, keep)}${digits(example.length - keep + drift)}`);
      }
    }
    // Random digits after every calling code, including the non-geographic ones.
    for (const code of Object.keys(metadataJson.country_calling_codes)) {
      for (let i = 0; i < 60; i++) numbers.push(`+${code}${digits(4 + Math.floor(next() * 11))}`);
    }
    const confirmedButInvalid = numbers.filter((p) => confirmsValidE164(p) && !isValidPhoneNumber(p));
    expect(confirmedButInvalid).toEqual([]);
    const differing = numbers.filter((p) => isE164PhoneNumber(p) !== (/^\+[1-9]\d{6,14}$/.test(p) && isValidPhoneNumber(p)));
    expect(differing).toEqual([]);
    // The fast path must carry most real numbers, or it is not worth having.
    const valid = numbers.filter((p) => isValidPhoneNumber(p));
    expect(valid.filter((p) => confirmsValidE164(p)).length / valid.length).toBeGreaterThan(0.95);
  });

  it.each([
    ['+4915123456789', true],
    ['+14155552671', true],
    ['+447400123456', true],
    ['+33612345678', true],
    ['+4900000000', false],
    ['+1555', false],
    ['+80012345678', isValidPhoneNumber('+80012345678')],
  ])('%s → %s', (phone, valid) => expect(isE164PhoneNumber(phone)).toBe(valid));
});
