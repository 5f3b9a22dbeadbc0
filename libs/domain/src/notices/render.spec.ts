import { describe, expect, it } from '@jest/globals';
import type { NoticeTexts } from './notice-content.js';
import { letterModel, type NoticeCampaign, type NoticeSubject, prepareNotice, renderEmail, renderNoticePage, renderPush, renderSms } from './render.js';
import { countSmsSegments } from './sms-segments.js';

function texts(lang: string, over: Partial<NoticeTexts> = {}): NoticeTexts {
  return {
    subject: `[${lang}] Security incident {{incidentRef}}`,
    whatHappened: `[${lang}] Dear {{name}}, a file with your address was exposed.`,
    measuresTaken: `[${lang}] We closed the access.`,
    selfProtection: `[${lang}] Watch out for phishing.`,
    remedialMeasures: `[${lang}] Free credit monitoring.`,
    contactPoint: `[${lang}] privacy@example.org`,
    ...over,
  };
}

const campaign: NoticeCampaign = { defaultLanguage: 'en', content: { en: texts('en'), de: texts('de'), 'fr-CA': texts('fr-CA') } };
const ctx = { noticeUrl: 'https://notice.example/n/tok123', incidentRef: 'INC-2026-0007' };

function subject(over: Partial<NoticeSubject> = {}): NoticeSubject {
  return { name: 'Ana Silva', language: null, isMinor: false, guardianName: null, postalAddress: 'Ana Silva\nMain Street 1\n10115 Berlin', ...over };
}

describe('rendering: language', () => {
  it.each<[string | null, string]>([
    ['de-AT', 'de'],
    ['de', 'de'],
    ['fr-CA', 'fr-CA'],
    ['fr-FR', 'fr-CA'],
    ['it', 'en'],
    [null, 'en'],
  ])('a subject speaking %s reads %s', (language, chosen) => {
    const p = prepareNotice(campaign, subject({ language }), ctx);
    expect(p.language).toBe(chosen);
    expect(renderEmail(p).subject).toBe(`[${chosen}] Security incident INC-2026-0007`);
  });

  it('an explicit language wins when the campaign has it, and is ignored when it does not', () => {
    expect(prepareNotice(campaign, subject({ language: 'de' }), ctx, { language: 'fr-CA' }).language).toBe('fr-CA');
    expect(prepareNotice(campaign, subject({ language: 'de' }), ctx, { language: 'ja' }).language).toBe('de');
  });

  it('uses the headings of the notice language', () => {
    const email = renderEmail(prepareNotice(campaign, subject({ language: 'de' }), ctx));
    expect(email.html).toContain('<h2>Was ist passiert</h2>');
    expect(email.html).toContain('<html lang="de">');
    expect(email.text).toContain('Was Sie selbst tun können');
  });
});

describe('rendering: addressing', () => {
  it.each<[string, Partial<NoticeSubject>, string, 'subject' | 'guardian', string[]]>([
    ['an adult by name', {}, 'Dear Ana Silva,', 'subject', ['Ana Silva', 'Main Street 1', '10115 Berlin']],
    ['an adult without a name', { name: null, postalAddress: 'Main Street 1\n10115 Berlin' }, 'Dear Sir or Madam,', 'subject', ['Main Street 1', '10115 Berlin']],
    ['a minor, guardian named', { isMinor: true, guardianName: 'Rui Silva', postalAddress: 'Main Street 1\n10115 Berlin' }, 'To the parent or guardian of Ana Silva', 'guardian', ['Rui Silva', 'Main Street 1', '10115 Berlin']],
    ['a minor, guardian unnamed', { isMinor: true, postalAddress: 'Main Street 1\n10115 Berlin' }, 'To the parent or guardian of Ana Silva', 'guardian', ['To the parent or guardian of Ana Silva', 'Main Street 1', '10115 Berlin']],
  ])('%s', (_case, over, salutation, addressedTo, lines) => {
    const s = subject(over);
    const p = prepareNotice(campaign, s, ctx);
    expect(p.salutation).toBe(salutation);
    expect(p.addressedTo).toBe(addressedTo);
    expect(renderEmail(p).text.split('\n')[0]).toBe(salutation);
    expect(letterModel(p, s, { senderLine: 'Example GmbH · Hauptstr. 1 · 10115 Berlin', date: new Date('2026-11-24T10:00:00Z') }).recipientLines).toEqual(lines);
  });

  it('addresses a minor\'s guardian in the notice language', () => {
    const p = prepareNotice(campaign, subject({ isMinor: true, language: 'de' }), ctx);
    expect(p.salutation).toBe('An die Erziehungsberechtigten von Ana Silva');
  });

  it('dates the letter in its language', () => {
    const s = subject({ language: 'de' });
    const letter = letterModel(prepareNotice(campaign, s, ctx), s, { senderLine: 'x', date: new Date('2026-11-24T10:00:00Z') });
    expect(letter.date).toBe('24. November 2026');
    expect(letter.sections.map((x) => x.heading)).toEqual(['Was ist passiert', 'Was wir unternommen haben und unternehmen werden', 'Was Sie selbst tun können', 'Was wir Ihnen anbieten', 'Kontakt']);
  });
});

describe('rendering: HTML escaping', () => {
  const hostile = subject({ name: '<script>alert(1)</script> & "Bob"' });
  const c: NoticeCampaign = { defaultLanguage: 'en', content: { en: texts('en', { selfProtection: 'Use <b>strong</b> passwords & 2FA.\n\n- one\n- two' }) } };

  it.each([
    ['e-mail', (p: ReturnType<typeof prepareNotice>) => renderEmail(p).html],
    ['notice page', renderNoticePage],
  ])('%s escapes placeholder values and the author\'s text', (_case, render) => {
    const out = render(prepareNotice(c, hostile, { ...ctx, noticeUrl: 'https://n.example/x?a=1&b="2"' }));
    expect(out).not.toContain('<script>');
    expect(out).toContain('Dear &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Bob&quot;, a file');
    expect(out).toContain('Use &lt;b&gt;strong&lt;/b&gt; passwords &amp; 2FA.');
    expect(out).toContain('<ul><li>one</li><li>two</li></ul>');
  });

  it('escapes the link in the href', () => {
    const html = renderEmail(prepareNotice(c, hostile, { ...ctx, noticeUrl: 'https://n.example/x?a=1&b="2"' })).html;
    expect(html).toContain('<a href="https://n.example/x?a=1&amp;b=&quot;2&quot;">');
  });

  it('the plain text keeps the values as they are', () => {
    expect(renderEmail(prepareNotice(c, hostile, ctx)).text).toContain('Dear <script>alert(1)</script> & "Bob", a file');
  });
});

describe('rendering: channels', () => {
  it('the e-mail carries the five elements under headings, and the link', () => {
    const email = renderEmail(prepareNotice(campaign, subject(), ctx));
    for (const heading of ['What happened', 'What we have done and will do', 'What you can do to protect yourself', 'What we offer you', 'Contact']) {
      expect(email.html).toContain(`<h2>${heading}</h2>`);
      expect(email.text).toContain(`${heading}\n${'-'.repeat(heading.length)}`);
    }
    expect(email.html).toContain('href="https://notice.example/n/tok123"');
    expect(email.text).toContain('Read the full notice: https://notice.example/n/tok123');
  });

  it('the SMS is the short text and the link (68 characters; [ and ] cost two septets each)', () => {
    const sms = renderSms(prepareNotice(campaign, subject(), ctx));
    expect(sms).toEqual({ text: '[en] Security incident INC-2026-0007 https://notice.example/n/tok123', encoding: 'GSM-7', units: 70, segments: 1 });
  });

  it('the SMS uses the override and does not repeat an inline link', () => {
    const c: NoticeCampaign = { defaultLanguage: 'en', content: { en: texts('en', { sms: 'Read {{noticeUrl}} now' }) } };
    expect(renderSms(prepareNotice(c, subject(), ctx)).text).toBe('Read https://notice.example/n/tok123 now');
  });

  it('a long name never pushes the SMS past the maximum nor cuts the link', () => {
    const c: NoticeCampaign = { defaultLanguage: 'en', content: { en: texts('en', { sms: '{{name}}: ' + 'Your data was exposed. '.repeat(20) }) } };
    const sms = renderSms(prepareNotice(c, subject({ name: 'Ž'.repeat(150) }), ctx), { maxSegments: 4 });
    expect(sms.segments).toBeLessThanOrEqual(4);
    expect(sms.text.endsWith(' https://notice.example/n/tok123')).toBe(true);
    expect(countSmsSegments(sms.text).segments).toBe(sms.segments);
  });

  it('push: the override, or the subject and the start of what happened', () => {
    const long = texts('en', { whatHappened: 'word '.repeat(100) });
    expect(renderPush(prepareNotice({ defaultLanguage: 'en', content: { en: long } }, subject(), ctx))).toEqual({
      title: '[en] Security incident INC-2026-0007', body: expect.stringMatching(/^word word .*…$/), link: ctx.noticeUrl,
    });
    expect(renderPush(prepareNotice({ defaultLanguage: 'en', content: { en: long } }, subject(), ctx)).body.length).toBeLessThanOrEqual(240);
    const override = texts('en', { push: { title: 'Hi {{name}}', body: 'Open the notice' } });
    expect(renderPush(prepareNotice({ defaultLanguage: 'en', content: { en: override } }, subject(), ctx))).toEqual({ title: 'Hi Ana Silva', body: 'Open the notice', link: ctx.noticeUrl });
  });

  it('remediation bullets: support under remedial measures, the rest under measures taken', () => {
    const c: NoticeCampaign = { ...campaign, remediation: [
      { kind: 'containment', wording: 'We made the bucket private.' },
      { kind: 'support', wording: 'A helpline is open 24/7.' },
      { kind: 'prevention', wording: 'We added automated checks.' },
    ] };
    const p = prepareNotice(c, subject(), ctx);
    expect(p.texts.measuresTaken).toBe('[en] We closed the access.\n\n• We made the bucket private.\n• We added automated checks.');
    expect(p.texts.remedialMeasures).toBe('[en] Free credit monitoring.\n\n• A helpline is open 24/7.');
    expect(renderEmail(p).html).toContain('<ul><li>We made the bucket private.</li><li>We added automated checks.</li></ul>');
  });

  it('{{contactPoint}} in other texts is the filled contact point', () => {
    const c: NoticeCampaign = { defaultLanguage: 'en', content: { en: texts('en', { selfProtection: 'Questions? {{contactPoint}}', contactPoint: 'Ref {{incidentRef}}: dpo@example.org' }) } };
    expect(renderEmail(prepareNotice(c, subject(), ctx)).text).toContain('Questions? Ref INC-2026-0007: dpo@example.org');
  });
});
