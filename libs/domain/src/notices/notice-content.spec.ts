import { describe, expect, it } from '@jest/globals';
import { type NoticeTexts, REQUIRED_NOTICE_ELEMENTS, validateNoticeContent } from './notice-content.js';

function texts(over: Record<string, unknown> = {}): NoticeTexts {
  return {
    subject: 'Your data was exposed ({{incidentRef}})',
    whatHappened: 'On 20 November a storage bucket with your e-mail address was public for 3 hours.',
    measuresTaken: 'We closed access and rotated every key.',
    selfProtection: 'Be wary of e-mails asking for your password.',
    remedialMeasures: 'We offer 12 months of free identity monitoring.',
    contactPoint: 'Data protection officer, dpo@example.org, +49 30 1234567',
    ...over,
  } as NoticeTexts;
}

const fields = (issues: { field: string }[]) => issues.map((i) => i.field);

describe('notice content: required elements', () => {
  it('accepts a complete notice in two languages', () => {
    expect(validateNoticeContent({ en: texts(), 'de-AT': texts() }, ['email', 'sms', 'push', 'letter'], { defaultLanguage: 'en' })).toEqual([]);
  });

  it.each(REQUIRED_NOTICE_ELEMENTS.flatMap((e): [string, string, string | undefined][] => [
    [e, 'missing', undefined],
    [e, 'empty', ''],
    [e, 'blank', '  \n\t '],
  ]))('names %s when %s, in the language where it is', (element, _how, value) => {
    const broken = texts({ [element]: value });
    if (value === undefined) delete (broken as unknown as Record<string, unknown>)[element];
    const issues = validateNoticeContent({ en: texts(), fr: broken }, ['email']);
    expect(issues).toEqual([{ field: `content.fr.${element}`, reason: 'required element missing' }]);
  });

  it('names every missing element of every language at once', () => {
    const issues = validateNoticeContent({ en: { subject: 'x', whatHappened: 'y' }, fr: texts({ selfProtection: '' }) }, ['email']);
    expect(fields(issues).sort()).toEqual([
      'content.en.contactPoint', 'content.en.measuresTaken', 'content.en.remedialMeasures', 'content.en.selfProtection', 'content.fr.selfProtection',
    ]);
    expect(issues.every((i) => i.reason === 'required element missing')).toBe(true);
  });

  it.each<[string, unknown, string[]]>([
    ['not an object', 'hello', ['content']],
    ['no language', {}, ['content']],
    ['a bad language tag', { 'not a tag!': texts() }, ['content.not a tag!']],
    ['the same language twice', { 'en-us': texts(), 'en-US': texts() }, ['content.en-US']],
    ['a language that is not an object', { en: 'text' }, ['content.en']],
    ['an unknown field', { en: texts({ footer: 'x' }) }, ['content.en.footer']],
    ['a non-string element', { en: texts({ measuresTaken: 42 }) }, ['content.en.measuresTaken']],
    ['a missing subject', { en: texts({ subject: '' }) }, ['content.en.subject']],
    ['a subject on two lines', { en: texts({ subject: 'a\nb' }) }, ['content.en.subject']],
    ['a subject too long', { en: texts({ subject: 'x'.repeat(201) }) }, ['content.en.subject']],
    ['a blank sms override', { en: texts({ sms: ' ' }) }, ['content.en.sms']],
    ['a push override without body', { en: texts({ push: { title: 'x' } }) }, ['content.en.push.body']],
    ['a push override with an unknown field', { en: texts({ push: { title: 'x', body: 'y', icon: 'z' } }) }, ['content.en.push.icon']],
    ['an unknown placeholder', { en: texts({ selfProtection: 'Hi {{firstName}}' }) }, ['content.en.selfProtection']],
    ['contactPoint referring to itself', { en: texts({ contactPoint: 'See {{contactPoint}}' }) }, ['content.en.contactPoint']],
    ['an unclosed placeholder in the subject', { en: texts({ subject: 'Hi {{name' }) }, ['content.en.subject']],
  ])('refuses %s', (_case, content, expected) => {
    expect(fields(validateNoticeContent(content, ['email']))).toEqual(expected);
  });

  it('requires content in the default language', () => {
    expect(validateNoticeContent({ en: texts() }, ['email'], { defaultLanguage: 'de' })).toEqual([
      { field: 'content.de', reason: 'required: the default language must have content' },
    ]);
    expect(validateNoticeContent({ 'de-AT': texts() }, ['email'], { defaultLanguage: 'DE-at' })).toEqual([]);
  });
});

describe('notice content: SMS fits with its link', () => {
  // 80 characters reserved for the link plus a space: a GSM-7 text of up to 612 - 81 = 531 septets fits 4 segments.
  it.each<[string, Record<string, unknown>, string[]]>([
    ['GSM-7 override that fits exactly', { sms: 'a'.repeat(531) }, []],
    ['GSM-7 override one septet too long', { sms: 'a'.repeat(532) }, ['content.en.sms']],
    ['UCS-2 override that fits (4 × 67 = 268 units)', { sms: 'ж'.repeat(187) }, []],
    ['UCS-2 override too long', { sms: 'ж'.repeat(188) }, ['content.en.sms']],
    ['no override: the subject is the SMS text', { subject: 'Ж'.repeat(187) }, []],
    ['no override: a subject too long for an SMS is named', { subject: 'Ж'.repeat(188) }, ['content.en.subject']],
    ['{{name}} counts at its reserved 40 characters', { sms: '{{name}} ' + 'a'.repeat(531 - 41) }, []],
    ['{{name}} pushing it over', { sms: '{{name}} ' + 'a'.repeat(531 - 40) }, ['content.en.sms']],
    ['an inline link is not appended again', { sms: 'a'.repeat(532) + '{{noticeUrl}}' }, []],
  ])('%s', (_case, over, expected) => {
    const issues = validateNoticeContent({ en: texts(over) }, ['sms', 'letter']);
    expect(fields(issues)).toEqual(expected);
    if (expected.length) expect(issues[0]!.reason).toMatch(/needs 5 segments \((GSM-7|UCS-2), \d+ (septets|UTF-16 units)\); at most 4 are allowed/);
  });

  it('does not check the SMS when the chain has no sms channel', () => {
    expect(validateNoticeContent({ en: texts({ sms: 'a'.repeat(900) }) }, ['email', 'letter'])).toEqual([]);
  });

  it('honours the configured maximum', () => {
    expect(fields(validateNoticeContent({ en: texts({ sms: 'a'.repeat(100) }) }, ['sms'], { maxSmsSegments: 1 }))).toEqual(['content.en.sms']);
  });
});
