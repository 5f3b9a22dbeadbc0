import { describe, expect, it } from '@jest/globals';
import { isE164PhoneNumber } from './phone.js';
import { canonicalLanguage, normaliseEmail, subjectFieldFor, validateSubjectRow, type SubjectField } from './subject-row.js';
import { reachableChannels, type ReachableSubject } from './reachability.js';

type Input = Partial<Record<SubjectField, unknown>>;

describe('validateSubjectRow', () => {
  it.each<[string, Input, Record<string, unknown>]>([
    ['trims and turns empty strings into null', { externalRef: '  R-1 ', name: '  ', email: '' }, { externalRef: 'R-1', name: null, email: null }],
    ['lower-cases only the e-mail domain', { externalRef: 'R', email: 'Jane.Doe@Example.COM' }, { email: 'Jane.Doe@example.com' }],
    ['keeps a valid E.164 number', { externalRef: 'R', phone: '+4915123456789' }, { phone: '+4915123456789' }],
    ['splits push tokens on |', { externalRef: 'R', pushTokens: ' a | b ||c' }, { pushTokens: ['a', 'b', 'c'] }],
    ['joins postal lines given with |', { externalRef: 'R', postalAddress: 'Main St 1 | 10115 Berlin ' }, { postalAddress: 'Main St 1\n10115 Berlin' }],
    ['joins postal lines given with real newlines', { externalRef: 'R', postalAddress: 'A\r\n\nB' }, { postalAddress: 'A\nB' }],
    ['upper-cases country and region', { externalRef: 'R', country: 'us', region: 'us-ca' }, { country: 'US', region: 'US-CA' }],
    ['takes the country from the region', { externalRef: 'R', region: 'DE-BY' }, { country: 'DE', region: 'DE-BY' }],
    ['canonicalises the language tag', { externalRef: 'R', language: 'EN-us' }, { language: 'en-US' }],
    ['reads yes as a minor', { externalRef: 'R', isMinor: 'Yes', guardianPhone: '+14155552671' }, { isMinor: true, guardianPhone: '+14155552671' }],
    ['reads an empty isMinor as false', { externalRef: 'R', isMinor: '' }, { isMinor: false }],
    ['reads 0 as false', { externalRef: 'R', isMinor: '0' }, { isMinor: false }],
    ['lower-cases and de-duplicates data categories', { externalRef: 'R', dataCategories: 'Contact|health|contact' }, { dataCategories: ['contact', 'health'] }],
  ])('%s', (_what, input, expected) => {
    const result = validateSubjectRow(input, 'csv');
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toMatchObject(expected);
  });

  it.each<[string, Input, string]>([
    ['a missing external reference', { name: 'x' }, 'externalRef'],
    ['a blank external reference', { externalRef: '   ' }, 'externalRef'],
    ['an external reference over 200 characters', { externalRef: 'r'.repeat(201) }, 'externalRef'],
    ['a name over 300 characters', { externalRef: 'R', name: 'n'.repeat(301) }, 'name'],
    ['a NUL byte', { externalRef: 'R', name: 'a\u0000b' }, 'name'],
    ['an e-mail without a domain', { externalRef: 'R', email: 'jane@' }, 'email'],
    ['an e-mail with a display name', { externalRef: 'R', email: 'Jane <jane@example.com>' }, 'email'],
    ['a national phone number', { externalRef: 'R', phone: '030123456' }, 'phone'],
    ['a phone number with spaces', { externalRef: 'R', phone: '+49 30 123456' }, 'phone'],
    ['a phone number that is not real', { externalRef: 'R', phone: '+4900000000' }, 'phone'],
    ['a push token with a space', { externalRef: 'R', pushTokens: 'a b' }, 'pushTokens'],
    ['a control character in the postal address', { externalRef: 'R', postalAddress: 'a\u0007' }, 'postalAddress'],
    ['an unknown country', { externalRef: 'R', country: 'QQ' }, 'country'],
    ['a country name', { externalRef: 'R', country: 'Germany' }, 'country'],
    ['a region without its country part', { externalRef: 'R', region: 'CA' }, 'region'],
    ['an unknown region', { externalRef: 'R', region: 'DE-XX' }, 'region'],
    ['a region of another country', { externalRef: 'R', country: 'FR', region: 'DE-BE' }, 'region'],
    ['a malformed language', { externalRef: 'R', language: 'english!' }, 'language'],
    ['an underscore language tag', { externalRef: 'R', language: 'en_US' }, 'language'],
    ['an unknown boolean word', { externalRef: 'R', isMinor: 'perhaps' }, 'isMinor'],
    ['a minor without guardian contact', { externalRef: 'R', isMinor: 'true', guardianName: 'Mum' }, 'isMinor'],
    ['a bad guardian e-mail', { externalRef: 'R', guardianEmail: 'mum' }, 'guardianEmail'],
    ['a bad guardian phone', { externalRef: 'R', guardianPhone: '+1' }, 'guardianPhone'],
    ['an unknown data category', { externalRef: 'R', dataCategories: 'contact|shoe_size' }, 'dataCategories'],
  ])('rejects %s, naming the field', (_what, input, field) => {
    const result = validateSubjectRow(input, 'csv');
    expect(result).toEqual({ ok: false, errors: [{ field, reason: expect.any(String) }] });
  });

  it('reports every bad field of a row, and never the value', () => {
    const result = validateSubjectRow({ externalRef: '', email: 'secret@@example.com', phone: '+1555', country: 'XX' }, 'csv');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.field)).toEqual(['externalRef', 'email', 'phone', 'country']);
      expect(JSON.stringify(result.errors)).not.toContain('secret');
    }
  });

  it.each<[string, Input, boolean, string]>([
    ['arrays in JSON', { externalRef: 'R', pushTokens: ['a', 'b'], dataCategories: ['health'] }, true, ''],
    ['postal address lines as an array', { externalRef: 'R', postalAddress: ['A', 'B'] }, true, ''],
    ['a boolean isMinor', { externalRef: 'R', isMinor: true, guardianEmail: 'g@example.com' }, true, ''],
    ['a number where a string belongs', { externalRef: 'R', phone: 4915123456789 }, false, 'phone'],
    ['a number as the external reference', { externalRef: 12 }, false, 'externalRef'],
    ['an array with a non-string', { externalRef: 'R', pushTokens: ['a', 1] }, false, 'pushTokens'],
    ['an object as data categories', { externalRef: 'R', dataCategories: { a: 1 } }, false, 'dataCategories'],
    ['a number as isMinor', { externalRef: 'R', isMinor: 1 }, false, 'isMinor'],
  ])('JSON rows: %s', (_what, input, ok, field) => {
    const result = validateSubjectRow(input, 'json');
    expect(result.ok).toBe(ok);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toEqual([field]);
  });
});

describe('helpers', () => {
  it.each([
    ['externalRef', 'externalRef'],
    ['external_ref', 'externalRef'],
    [' guardian_phone ', 'guardianPhone'],
    ['dataCategories', 'dataCategories'],
    ['ExternalRef', undefined],
    ['shoe_size', undefined],
  ])('header %j names %j', (header, field) => expect(subjectFieldFor(header)).toBe(field));

  it.each([
    ['+4915123456789', true],
    ['+14155552671', true],
    ['+447911123456', true],
    ['4915123456789', false],
    ['+49 151 23456789', false],
    ['+12', false],
    ['+1555000000', false],
  ])('%s is an E.164 number: %s', (phone, ok) => expect(isE164PhoneNumber(phone)).toBe(ok));

  it.each([
    ['de', 'de'],
    ['pt-br', 'pt-BR'],
    ['ZH-hant-tw', 'zh-Hant-TW'],
    ['en_US', null],
    ['', null],
  ])('language %j is canonically %j', (tag, canonical) => expect(canonicalLanguage(tag)).toBe(canonical));

  it('lower-cases only the part after the last @', () => expect(normaliseEmail('"A@B"@EXAMPLE.org')).toBe('"A@B"@example.org'));
});

describe('reachableChannels', () => {
  const none: ReachableSubject = { email: null, phone: null, pushTokens: [], postalAddress: null, isMinor: false, guardianEmail: null, guardianPhone: null };
  it.each<[string, Partial<ReachableSubject>, string[]]>([
    ['nothing', {}, []],
    ['an adult with every channel', { email: 'a@x.io', phone: '+1', pushTokens: ['t'], postalAddress: 'A' }, ['email', 'phone', 'push', 'postal']],
    ['a minor through the guardian', { isMinor: true, email: 'kid@x.io', phone: '+1', pushTokens: ['t'], guardianEmail: 'g@x.io' }, ['email']],
    ['a minor with a guardian phone and a home address', { isMinor: true, guardianPhone: '+1', postalAddress: 'A' }, ['phone', 'postal']],
    ['guardian contacts of an adult do not count', { guardianEmail: 'g@x.io', guardianPhone: '+1' }, []],
  ])('%s', (_what, subject, channels) => expect(reachableChannels({ ...none, ...subject })).toEqual(channels));
});
