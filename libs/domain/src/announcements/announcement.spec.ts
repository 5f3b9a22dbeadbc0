import { describe, expect, it } from '@jest/globals';
import {
  announcementSlugBase, announcementTitle, announcementVisibleUntil, checkWithdrawal, isAnnouncementCurrent, isAnnouncementSlug,
  negotiateLanguage, nextFreeSlug, normaliseUpdateBody, parseAcceptLanguage, publishRefusal, updateText, validateAnnouncementDraft,
} from './announcement.js';

const texts = {
  subject: 'Security incident {{incidentRef}}',
  whatHappened: 'Dear {{name}}, a bucket was public.',
  measuresTaken: 'Closed.',
  selfProtection: 'Be wary.',
  remedialMeasures: 'Monitoring.',
  contactPoint: 'dpo@example.org',
};

describe('slugs', () => {
  it.each([
    ['INC-2026-0001', [], 'inc-2026-0001-notice'],
    ['INC-2026-0001', ['inc-2026-0001-notice'], 'inc-2026-0001-notice-2'],
    ['INC-2026-0001', ['inc-2026-0001-notice', 'inc-2026-0001-notice-2', 'inc-2026-0001-notice-4'], 'inc-2026-0001-notice-3'],
    ['INC-2026-12345', ['inc-2026-0001-notice'], 'inc-2026-12345-notice'],
  ])('%s with %j taken → %s', (ref, taken, slug) => {
    expect(nextFreeSlug(announcementSlugBase(ref), taken)).toBe(slug);
    expect(isAnnouncementSlug(slug)).toBe(true);
  });

  it.each([['feed.atom', false], ['inc-2026-0001-notice', true], ['Inc-2026', false], ['a--b', false], ['-a', false], ['a'.repeat(101), false], ['<script>', false]])(
    '%s is a slug: %s', (value, ok) => expect(isAnnouncementSlug(value)).toBe(ok));
});

describe('posting period', () => {
  it.each([
    ['2026-11-24T10:00:00.000Z', 90, '2027-02-22T10:00:00.000Z'],
    ['2026-11-24T10:00:00.000Z', 30, '2026-12-24T10:00:00.000Z'],
    ['2026-03-01T00:00:00.000Z', 1, '2026-03-02T00:00:00.000Z'],
  ])('published %s for %i days → visible until %s', (at, days, until) => {
    expect(announcementVisibleUntil(new Date(at), days).toISOString()).toBe(until);
  });

  const until = new Date('2026-12-01T00:00:00Z');
  it.each([
    ['published, inside the period', 'published', until, '2026-11-30T23:59:59Z', true],
    ['published, period over', 'published', until, '2026-12-01T00:00:00Z', false],
    ['draft', 'draft', null, '2026-11-30T00:00:00Z', false],
    ['withdrawn', 'withdrawn', until, '2026-11-30T00:00:00Z', false],
  ] as const)('%s → current %s', (_n, status, visibleUntil, now, current) => {
    expect(isAnnouncementCurrent({ status, visibleUntil }, new Date(now))).toBe(current);
  });
});

describe('publishing and withdrawing', () => {
  it.each([
    ['a system draft, any approver', { status: 'draft', createdBy: null }, 'a1', null],
    ['a staff draft, another approver', { status: 'draft', createdBy: 'u1' }, 'a1', null],
    ['a staff draft, by its creator', { status: 'draft', createdBy: 'a1' }, 'a1', 'creator_cannot_publish'],
    ['already published', { status: 'published', createdBy: null }, 'a1', 'not_draft'],
    ['withdrawn', { status: 'withdrawn', createdBy: 'u1' }, 'a1', 'not_draft'],
  ] as const)('%s → %s', (_n, a, approver, refusal) => {
    expect(publishRefusal(a, approver)).toBe(refusal);
  });

  const until = new Date('2026-12-01T00:00:00Z');
  const before = new Date('2026-11-15T00:00:00Z');
  const after = new Date('2026-12-02T00:00:00Z');
  it.each([
    ['published, before the minimum, no force', { status: 'published', visibleUntil: until }, before, {}, { ok: false, refusal: 'before_minimum', visibleUntil: until }],
    ['published, before the minimum, force without reason', { status: 'published', visibleUntil: until }, before, { force: true, reason: '  ' }, { ok: false, refusal: 'reason_required' }],
    ['published, before the minimum, force with reason', { status: 'published', visibleUntil: until }, before, { force: true, reason: 'Ordered by the authority' }, { ok: true, forced: true }],
    ['published, after the minimum', { status: 'published', visibleUntil: until }, after, {}, { ok: true, forced: false }],
    ['published, after the minimum, force is not needed', { status: 'published', visibleUntil: until }, after, { force: true }, { ok: true, forced: false }],
    ['a draft, never public', { status: 'draft', visibleUntil: null }, before, {}, { ok: true, forced: false }],
  ] as const)('%s', (_n, a, now, request, expected) => {
    expect(checkWithdrawal(a, now, request)).toEqual(expected);
  });
});

describe('timeline bodies', () => {
  it.each([
    ['a text goes under the default language', '  Call centre open until 20:00. ', { en: 'Call centre open until 20:00.' }],
    ['per language, tags made canonical', { EN: 'Open.', 'de-at': 'Offen.' }, { en: 'Open.', 'de-AT': 'Offen.' }],
  ])('%s', (_n, body, value) => {
    expect(normaliseUpdateBody(body, 'en')).toEqual({ value, issues: [] });
  });

  it.each([
    ['blank', '  ', ['body']],
    ['a number', 42, ['body']],
    ['an empty object', {}, ['body']],
    ['a bad tag and a blank text', { 'not a tag!': 'x', de: '' }, ['body.not a tag!', 'body.de']],
    ['twice the same language', { en: 'a', EN: 'b' }, ['body.EN']],
    ['too long', 'x'.repeat(20_001), ['body']],
  ])('refuses %s', (_n, body, fields) => {
    const r = normaliseUpdateBody(body, 'en');
    expect(r.value).toBeUndefined();
    expect(r.issues.map((i) => i.field)).toEqual(fields);
  });

  it.each([
    [{ en: 'E', de: 'D' }, 'de-AT', 'de', 'D'],
    [{ en: 'E', de: 'D' }, 'fr', 'en', 'E'],
    [{ de: 'D' }, 'fr', 'de', 'D'],
  ])('%j read in %s → %s', (body, lang, got, text) => {
    expect(updateText(body, lang, 'en')).toEqual({ language: got, text });
  });
});

describe('language negotiation', () => {
  it.each([
    ['fr-CH;q=0.9, de;q=0.8, en;q=0.5', ['fr-CH', 'de', 'en']],
    ['de;q=0.2, en', ['en', 'de']],
    ['*, es;q=0, it', ['it']],
    ['', []],
  ])('Accept-Language %s → %j', (header, ranges) => {
    expect(parseAcceptLanguage(header)).toEqual(ranges);
  });

  it.each([
    [{ query: 'de' }, 'de'],
    [{ query: 'de-AT' }, 'de'],
    [{ query: 'xx', acceptLanguage: 'fr, de;q=0.5' }, 'de'],
    [{ acceptLanguage: 'pt-PT' }, 'pt-BR'],
    [{ acceptLanguage: 'ja, zh' }, 'en'],
    [{ query: 'not a tag!' }, 'en'],
    [{}, 'en'],
  ])('%j → %s', (requested, language) => {
    expect(negotiateLanguage(['en', 'de', 'pt-BR'], 'en', requested)).toBe(language);
  });
});

describe('announcement content', () => {
  it('the title is the default subject with the reference filled', () => {
    expect(announcementTitle({ en: texts, de: { ...texts, subject: 'Sicherheitsvorfall {{incidentRef}}' } }, 'de', 'INC-2026-0007')).toBe('Sicherheitsvorfall INC-2026-0007');
  });

  it('a hand-made announcement needs every notice element and a known language', () => {
    const ok = validateAnnouncementDraft({ defaultLanguage: 'EN', content: { en: texts }, reason: ' Addresses out of date ' });
    expect(ok).toEqual({ value: { title: null, defaultLanguage: 'en', content: { en: texts }, durationDays: 90, reason: 'Addresses out of date' }, issues: [] });
    const bad = validateAnnouncementDraft({ title: 'a\nb', defaultLanguage: 'de', content: { en: { ...texts, selfProtection: '' } }, durationDays: 0 }, { requireReason: true });
    expect(bad.issues.map((i) => i.field).sort()).toEqual(['content.de', 'content.en.selfProtection', 'durationDays', 'reason', 'title']);
  });
});
