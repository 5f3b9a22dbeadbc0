import { describe, expect, it } from '@jest/globals';
import { canonicalLanguageTag, chooseNoticeLanguage } from './language.js';

describe('notice language', () => {
  it.each<[string | null, string[], string, string]>([
    ['de-AT', ['en', 'de-AT', 'de'], 'en', 'de-AT'],
    ['de-AT', ['en', 'de'], 'en', 'de'],
    ['DE-at', ['en', 'de-AT'], 'en', 'de-AT'],
    ['de', ['en', 'de'], 'en', 'de'],
    ['fr-CA', ['en', 'de'], 'en', 'en'],
    ['pt-PT', ['en', 'pt-BR'], 'en', 'pt-BR'],
    ['zh-Hant-TW', ['en', 'zh-Hant-TW'], 'en', 'zh-Hant-TW'],
    [null, ['en', 'de'], 'de', 'de'],
    ['', ['en', 'de'], 'de', 'de'],
    ['not a tag!', ['en', 'de'], 'en', 'en'],
    ['es', ['es-ES', 'es-MX', 'en'], 'en', 'es-ES'],
  ])('subject %s, campaign %j (default %s) → %s', (subject, available, fallback, chosen) => {
    expect(chooseNoticeLanguage(subject, available, fallback)).toBe(chosen);
  });

  it.each([
    ['en-us', 'en-US'],
    ['DE', 'de'],
    ['zh-hant-tw', 'zh-Hant-TW'],
    ['not a tag!', null],
  ])('canonical form of %s is %s', (tag, canonical) => {
    expect(canonicalLanguageTag(tag)).toBe(canonical);
  });
});
