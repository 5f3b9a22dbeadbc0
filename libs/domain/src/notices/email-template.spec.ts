import { describe, expect, it } from '@jest/globals';
import { chooseNoticeLanguage } from './language.js';
import type { NoticeTexts } from './notice-content.js';
import { EMAIL_SUBSTITUTION_TAGS, emailSubstitutions, isSubstitutable, renderEmailTemplate } from './email-template.js';
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
  const template = renderEmailTemplate(campaign, { language: chosen, isMinor, named: trimmed !== null }, ref);
  const substitutions = emailSubstitutions(trimmed, url);
  return template && substitutions ? substitute(template, substitutions) : null;
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
    ['a tag of ours', 'x%tocsin_url_text%'],
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

  it('puts the tags where names and links go, HTML-escaped where the HTML needs it', () => {
    const template = renderEmailTemplate(campaign, { language: 'en', isMinor: false, named: true }, ref)!;
    expect(template.subject).toBe(`[en] ${EMAIL_SUBSTITUTION_TAGS.nameText}: incident ${ref}`);
    expect(template.html).toContain(`<a href="${EMAIL_SUBSTITUTION_TAGS.urlHtml}">`);
    expect(template.html).toContain(`Dear ${EMAIL_SUBSTITUTION_TAGS.nameHtml},`);
    expect(template.text).toContain(`: ${EMAIL_SUBSTITUTION_TAGS.urlText}`);
    expect(template.html).not.toContain(EMAIL_SUBSTITUTION_TAGS.nameText);
    expect(template.text).not.toContain(EMAIL_SUBSTITUTION_TAGS.urlHtml);
    expect(emailSubstitutions('A&B', url)).toEqual({
      [EMAIL_SUBSTITUTION_TAGS.nameHtml]: 'A&amp;B', [EMAIL_SUBSTITUTION_TAGS.nameText]: 'A&B',
      [EMAIL_SUBSTITUTION_TAGS.urlHtml]: 'https://notice.example/n/0123abcd?x=1&amp;y=2', [EMAIL_SUBSTITUTION_TAGS.urlText]: url,
    });
  });

  it('refuses to template a campaign whose own text contains a tag or a stand-in character', () => {
    const tagged = { ...campaign, content: { en: texts('en', { measuresTaken: 'Literally %tocsin_name_text%.' }) } };
    const marked = { ...campaign, content: { en: texts('en', { measuresTaken: 'Odd \uE000 char.' }) } };
    expect(renderEmailTemplate(tagged, { language: 'en', isMinor: false, named: true }, ref)).toBeNull();
    expect(renderEmailTemplate(marked, { language: 'en', isMinor: false, named: true }, ref)).toBeNull();
    expect(renderEmailTemplate(campaign, { language: 'en', isMinor: false, named: true }, ref)).not.toBeNull();
  });
});
