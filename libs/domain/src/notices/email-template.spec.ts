import { describe, expect, it } from '@jest/globals';
import { chooseNoticeLanguage } from './language.js';
import type { NoticeTexts } from './notice-content.js';
import { EMAIL_SUBSTITUTION_TAGS, emailSubstitutions, escapingOf, isSubstitutable, renderEmailTemplate } from './email-template.js';
import { type NoticeCampaign, prepareNotice, renderEmail, type RenderedEmail } from './render.js';

function texts(lang: string, over: Partial<NoticeTexts> = {}): NoticeTexts {
  return {
    subject: `[${lang}] {{name}}: incident {{incidentRef}}`,
    whatHappened: `[${lang}] Dear {{name}}, a file with your address was exposed.\n\n{{name}} - see {{noticeUrl}}`,
    measuresTaken: `[${lang}] We closed the access.`,
    selfProtection: `[${lang}] • Watch out for phishing.\n• Change the password, {{name}}.`,
    remedialMeasures: `[${lang}] Free credit monitoring.`,
    contactPoint: `[${lang}] privacy@example.org (ref {{incidentRef}}, for {{name}})`,
    ...over,
  };
}
const campaign: NoticeCampaign = {
  defaultLanguage: 'en',
  content: { en: texts('en'), de: texts('de') },
  remediation: [{ kind: 'recovery', wording: 'We reset every password & <session>.' }],
};
const ref = 'INC-2026-0042';

/** What the provider does with a template and one personalization's substitutions. */
function substitute(template: RenderedEmail, substitutions: Record<string, string>): RenderedEmail {
  const fill = (text: string) => Object.entries(substitutions).reduce((t, [tag, value]) => t.split(tag).join(value), text);
  return { subject: fill(template.subject), html: fill(template.html), text: fill(template.text) };
}

function perRecipient(name: string | null, language: string | null, isMinor: boolean, url: string): RenderedEmail {
  return renderEmail(prepareNotice(campaign, { name, language, isMinor, guardianName: null, postalAddress: null }, { noticeUrl: url, incidentRef: ref }));
}

function viaTemplate(name: string | null, language: string | null, isMinor: boolean, url: string): RenderedEmail | null {
  const trimmed = name?.trim() || null;
  const chosen = chooseNoticeLanguage(language, Object.keys(campaign.content), campaign.defaultLanguage);
  const substitutions = emailSubstitutions(trimmed, url);
  if (!substitutions) return null;
  const template = renderEmailTemplate(campaign, { language: chosen, isMinor, named: trimmed !== null, ...escapingOf(substitutions) }, ref);
  return template && substitute(template, substitutions);
}

describe('e-mail templates with substitutions', () => {
  const url = 'https://notice.example/n/0123abcd?x=1&y=2';
  it.each<[string, string | null, string | null, boolean]>([
    ['a plain name', 'Ana Silva', 'en', false],
    ['HTML in the name', 'Ana <b>"O\'Brien"</b> & Co', 'en', false],
    ['replacement patterns in the name', 'A$&B $1 $$ $`', 'de', false],
    ['a name padded with spaces', '  Jo Lee  ', 'de-AT', false],
    ['no name', null, 'en', false],
    ['a blank name', '   ', null, false],
    ['a minor', 'Kid Name', 'de', true],
    ['a minor without a name', null, 'en', true],
    ['non-Latin script', 'Ελένη Παπαδοπούλου', 'fr', false],
    ['a hyphen inside the name', 'Anne-Marie', 'en', false],
  ])('%s: the substituted template is exactly the per-recipient e-mail', (_case, name, language, isMinor) => {
    const templated = viaTemplate(name, language, isMinor, url);
    expect(templated).not.toBeNull();
    expect(templated).toEqual(perRecipient(name, language, isMinor, url));
  });

  it.each<[string, string]>([
    ['a double space', 'Ana  Silva'],
    ['a newline', 'Ana\nSilva'],
    ['a tab', 'Ana\tSilva'],
    ['a leading list marker', '- Ana'],
    ['a leading bullet', '•Ana'],
    ['a leading asterisk', '*Ana'],
    ['a tag of ours', 'x%tocsin_url%'],
    ['a private-use stand-in', 'A\uE000'],
  ])('a name with %s is rendered per recipient (no substitutions)', (_case, name) => {
    expect(isSubstitutable(name)).toBe(false);
    expect(emailSubstitutions(name, url)).toBeNull();
  });

  it('a sweep of names built from awkward pieces: substitutable ones match the per-recipient e-mail', () => {
    const pieces = ['A', ' ', '  ', '-', '*', '•', '&', '<', '"', "'", '$&', '\n', 'é', '{', '}', '%'];
    let checked = 0;
    for (const a of pieces) for (const b of pieces) for (const c of pieces) {
      const name = `${a}${b}x${c}`;
      const trimmed = name.trim() || null;
      if (trimmed !== null && !isSubstitutable(trimmed)) continue;
      expect(viaTemplate(name, 'en', false, url)).toEqual(perRecipient(name, 'en', false, url));
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('puts the tags where names and links go; HTML-escaped forms only where escaping changes the value', () => {
    const tags = EMAIL_SUBSTITUTION_TAGS;
    const plain = renderEmailTemplate(campaign, { language: 'en', isMinor: false, named: true, ...escapingOf(emailSubstitutions('Ana', 'https://n.example/n/abc')!) }, ref)!;
    expect(plain.subject).toBe(`[en] ${tags.name}: incident ${ref}`);
    expect(plain.html).toContain(`<a href="${tags.url}">`);
    expect(plain.html).toContain(`Dear ${tags.name},`);
    expect(plain.html + plain.text).not.toMatch(/%tocsin_(name|url)_h%/);
    expect(emailSubstitutions('Ana', 'https://n.example/n/abc')).toEqual({ [tags.name]: 'Ana', [tags.url]: 'https://n.example/n/abc' });

    const escaping = renderEmailTemplate(campaign, { language: 'en', isMinor: false, named: true, ...escapingOf(emailSubstitutions('A&B', url)!) }, ref)!;
    expect(escaping.html).toContain(`<a href="${tags.urlHtml}">`);
    expect(escaping.html).toContain(`Dear ${tags.nameHtml},`);
    expect(escaping.text).toContain(`: ${tags.url}`);
    expect(escaping.text).not.toContain('_h%');
    expect(emailSubstitutions('A&B', url)).toEqual({
      [tags.nameHtml]: 'A&amp;B', [tags.name]: 'A&B', [tags.urlHtml]: 'https://notice.example/n/0123abcd?x=1&amp;y=2', [tags.url]: url,
    });
  });

  it('refuses to template a campaign whose own text contains a tag or a stand-in character', () => {
    const tagged = { ...campaign, content: { en: texts('en', { measuresTaken: 'Literally %tocsin_name%.' }) } };
    const marked = { ...campaign, content: { en: texts('en', { measuresTaken: 'Odd \uE000 char.' }) } };
    expect(renderEmailTemplate(tagged, { language: 'en', isMinor: false, named: true }, ref)).toBeNull();
    expect(renderEmailTemplate(marked, { language: 'en', isMinor: false, named: true }, ref)).toBeNull();
    expect(renderEmailTemplate(campaign, { language: 'en', isMinor: false, named: true }, ref)).not.toBeNull();
  });
});
