import { escapeHtml } from './html.js';
import { type NoticeCampaign, prepareNotice, renderEmail, type RenderedEmail } from './render.js';

/**
 * Per-recipient e-mail as one shared template plus a few substitutions, so that one provider request can carry
 * a thousand recipients (SendGrid `personalizations[].substitutions`) instead of one request per person.
 * The tags are filled by the provider; `applyEmailSubstitutions` is the same operation for providers without it.
 */
export const EMAIL_SUBSTITUTION_TAGS = {
  name: '%tocsin_name%',
  /** The name HTML-escaped, in the HTML part; only in templates for names that escaping changes. */
  nameHtml: '%tocsin_name_h%',
  url: '%tocsin_url%',
  /** Likewise for the link (a public URL with `&` in it). */
  urlHtml: '%tocsin_url_h%',
} as const;
const TAG_PREFIX = '%tocsin_';

// Private-use code points: stand-ins that HTML escaping, trimming and block splitting leave alone.
const NAME = '\uE000name\uE001';
const URL_MARK = '\uE000url\uE001';
const MARK = /[\uE000\uE001]/;

/** Recipients who read the same template: same language, same salutation form, same escaping needs. */
export interface EmailTemplateShape {
  /** The notice language already chosen for the recipient (see chooseNoticeLanguage). */
  language: string;
  isMinor: boolean;
  /** Whether the recipient has a (non-blank) name. */
  named: boolean;
  /** Whether HTML escaping changes the name / the link: then the HTML part has tags of its own for them. */
  nameEscapes?: boolean;
  urlEscapes?: boolean;
}

/** The template shape's escaping flags that go with one recipient's substitutions (see emailSubstitutions). */
export function escapingOf(substitutions: Readonly<Record<string, string>>): { nameEscapes: boolean; urlEscapes: boolean } {
  return { nameEscapes: EMAIL_SUBSTITUTION_TAGS.nameHtml in substitutions, urlEscapes: EMAIL_SUBSTITUTION_TAGS.urlHtml in substitutions };
}

/**
 * The e-mail every recipient of `shape` gets, with tags where their name and notice link go; null when the
 * campaign's own texts contain a tag or a stand-in character (then render per recipient).
 */
export function renderEmailTemplate(campaign: NoticeCampaign, shape: EmailTemplateShape, incidentRef: string): RenderedEmail | null {
  const own = JSON.stringify([campaign.content, campaign.remediation ?? null, incidentRef]);
  if (own.includes(TAG_PREFIX) || MARK.test(own)) return null;
  const prepared = prepareNotice(
    campaign,
    { name: shape.named ? NAME : null, language: shape.language, isMinor: shape.isMinor, guardianName: null, postalAddress: null },
    { noticeUrl: URL_MARK, incidentRef },
    { language: shape.language },
  );
  const email = renderEmail(prepared);
  const tags = EMAIL_SUBSTITUTION_TAGS;
  const tag = (text: string, html: boolean) =>
    text.replaceAll(NAME, html && shape.nameEscapes ? tags.nameHtml : tags.name).replaceAll(URL_MARK, html && shape.urlEscapes ? tags.urlHtml : tags.url);
  const template = { subject: tag(email.subject, false), html: tag(email.html, true), text: tag(email.text, false) };
  if (MARK.test(template.subject + template.html + template.text)) return null;
  return template;
}

/**
 * Whether a value can be substituted into a template and read exactly as a per-recipient rendering would:
 * rendering collapses whitespace runs in the subject, splits paragraphs on blank lines and reads a line
 * starting with `•`, `-` or `*` as a list item, so such values are rendered per recipient instead.
 */
export function isSubstitutable(value: string): boolean {
  return !/[^\S ]| {2}|^ | $|[\uE000\uE001]/.test(value) && !/^[•\-*]/.test(value) && !value.includes(TAG_PREFIX);
}

/**
 * The substitutions for one recipient of a template: `name` as prepared (trimmed, null when blank) and the
 * link to their notice; the HTML-escaped forms only where escaping changes them (see escapingOf), which keeps
 * a thousand-recipient request small. Null when a value is not substitutable (render that e-mail in full).
 */
export function emailSubstitutions(name: string | null, noticeUrl: string): Record<string, string> | null {
  if (!isSubstitutable(noticeUrl) || (name !== null && !isSubstitutable(name))) return null;
  const tags = EMAIL_SUBSTITUTION_TAGS;
  const out: Record<string, string> = { [tags.url]: noticeUrl };
  const url = escapeHtml(noticeUrl);
  if (url !== noticeUrl) out[tags.urlHtml] = url;
  if (name !== null) {
    out[tags.name] = name;
    const html = escapeHtml(name);
    if (html !== name) out[tags.nameHtml] = html;
  }
  return out;
}
