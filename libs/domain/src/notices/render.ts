import { escapedTextToHtml, escapeHtml } from './html.js';
import { noticeLabels, type NoticeLabels } from './labels.js';
import { chooseNoticeLanguage } from './language.js';
import { DEFAULT_MAX_SMS_SEGMENTS, type NoticeContent, type NoticeTexts, smsTemplate } from './notice-content.js';
import { fillPlaceholders, type PlaceholderValues } from './placeholders.js';
import type { RemediationBullet } from './remediation.js';
import { withRemediation } from './remediation.js';
import { countSmsSegments, fitSms, type SmsEncoding } from './sms-segments.js';

/** What rendering needs of an affected subject. No contact data: channels address the message themselves. */
export interface NoticeSubject {
  name: string | null;
  language: string | null;
  isMinor: boolean;
  guardianName: string | null;
  /** Lines joined by `\n`; only letters use it. */
  postalAddress: string | null;
}

/** What rendering needs of a campaign (its frozen content). */
export interface NoticeCampaign {
  defaultLanguage: string;
  content: NoticeContent;
  remediation?: readonly RemediationBullet[] | null;
}

export interface NoticeContext {
  /** The link to this recipient's full notice page. */
  noticeUrl: string;
  incidentRef: string;
}

/** One recipient's notice, language chosen and remediation merged; texts still hold their placeholders. */
export interface PreparedNotice {
  language: string;
  labels: NoticeLabels;
  /** A minor's notice goes to the guardian. */
  addressedTo: 'subject' | 'guardian';
  /** "Dear Ana," or "To the parent or guardian of Ana". */
  salutation: string;
  texts: NoticeTexts;
  values: PlaceholderValues;
  noticeUrl: string;
  incidentRef: string;
}

const ELEMENT_ORDER = ['whatHappened', 'possibleImpact', 'measuresTaken', 'selfProtection', 'remedialMeasures', 'contactPoint'] as const;

function label(template: string, name: string): string {
  return template.replace('{name}', () => name); // a function: `$&` in a name is text, not a replacement pattern
}

/**
 * Chooses the language (the subject's if the campaign has it, else its primary subtag, else the default;
 * `language` overrides when the campaign has it), merges the remediation bullets and fixes the placeholder
 * values and the salutation. A minor is addressed through the guardian.
 */
export function prepareNotice(campaign: NoticeCampaign, subject: NoticeSubject, context: NoticeContext, options: { language?: string } = {}): PreparedNotice {
  const available = Object.keys(campaign.content);
  const language = options.language && available.includes(options.language)
    ? options.language
    : chooseNoticeLanguage(subject.language, available, campaign.defaultLanguage);
  const base = campaign.content[language] ?? campaign.content[campaign.defaultLanguage];
  if (!base) throw new Error(`the campaign has no content in ${language} nor in its default language`);
  const texts = withRemediation(base, campaign.remediation);
  const labels = noticeLabels(language);
  const name = subject.name?.trim() || null;
  const partial = { name: name ?? labels.unnamedPerson, noticeUrl: context.noticeUrl, incidentRef: context.incidentRef, contactPoint: '' };
  const values: PlaceholderValues = { ...partial, contactPoint: fillPlaceholders(texts.contactPoint, partial).trim() };
  const salutation = subject.isMinor
    ? label(labels.toGuardianOf, name ?? labels.unnamedPerson)
    : name ? label(labels.greeting, name) : labels.greetingNoName;
  return { language, labels, addressedTo: subject.isMinor ? 'guardian' : 'subject', salutation, texts, values, noticeUrl: context.noticeUrl, incidentRef: context.incidentRef };
}

/** A text with its placeholders filled, as plain text. */
function plain(p: PreparedNotice, text: string): string {
  return fillPlaceholders(text, p.values).trim();
}

/** A text as HTML: the text is escaped, then each placeholder value is escaped as it is filled in. */
function html(p: PreparedNotice, text: string): string {
  return escapedTextToHtml(fillPlaceholders(escapeHtml(text), p.values, escapeHtml));
}

export interface NoticeSection {
  key: (typeof ELEMENT_ORDER)[number];
  heading: string;
  /** Plain text, placeholders filled. */
  text: string;
}

/** The sections of the notice in reading order, with their headings; possibleImpact only when written. */
export function noticeSections(p: PreparedNotice): NoticeSection[] {
  const out: NoticeSection[] = [];
  for (const key of ELEMENT_ORDER) {
    const text = p.texts[key];
    if (typeof text !== 'string' || text.trim() === '') continue;
    out.push({ key, heading: p.labels[key], text: key === 'contactPoint' ? p.values.contactPoint : plain(p, text) });
  }
  return out;
}

function htmlSections(p: PreparedNotice, headingTag: 'h2'): string {
  return ELEMENT_ORDER.filter((key) => (p.texts[key] ?? '').trim() !== '')
    .map((key) => `<section class="${key}">\n<${headingTag}>${escapeHtml(p.labels[key])}</${headingTag}>\n${html(p, p.texts[key]!)}\n</section>`)
    .join('\n');
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** The e-mail: subject line, HTML with the five elements under headings, and the plain-text alternative. */
export function renderEmail(p: PreparedNotice): RenderedEmail {
  const subject = plain(p, p.texts.subject).replace(/\s+/g, ' ');
  const link = escapeHtml(p.noticeUrl);
  const body = [
    `<p class="salutation">${escapeHtml(p.salutation)}</p>`,
    htmlSections(p, 'h2'),
    `<p class="full-notice"><a href="${link}">${escapeHtml(p.labels.readFullNotice)}</a>: ${link}</p>`,
    `<p class="reference">${escapeHtml(p.labels.reference)}: ${escapeHtml(p.incidentRef)}</p>`,
  ].join('\n');
  const htmlDoc = `<!DOCTYPE html>
<html lang="${escapeHtml(p.language)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; line-height: 1.5; max-width: 40em;">
${body}
</body>
</html>
`;
  const text = [
    p.salutation,
    '',
    ...noticeSections(p).flatMap((s) => [s.heading, '-'.repeat(s.heading.length), s.text, '']),
    `${p.labels.readFullNotice}: ${p.noticeUrl}`,
    `${p.labels.reference}: ${p.incidentRef}`,
    '',
  ].join('\n');
  return { subject, html: htmlDoc, text };
}

export interface RenderedSms {
  text: string;
  encoding: SmsEncoding;
  segments: number;
  units: number;
}

/**
 * The SMS: the short text (the `sms` override, else the subject) and the link to the full notice. Should a
 * long name push it past `maxSegments`, the short text is cut (never the link).
 */
export function renderSms(p: PreparedNotice, options: { maxSegments?: number } = {}): RenderedSms {
  const max = options.maxSegments ?? DEFAULT_MAX_SMS_SEGMENTS;
  const { template, linkInline } = smsTemplate(p.texts);
  let text: string;
  const full = plain(p, template).replace(/\s+/g, ' ') + (linkInline ? '' : ' ' + p.noticeUrl);
  if (countSmsSegments(full).segments <= max) text = full;
  else {
    const short = plain(p, template.replace(/\{\{\s*noticeUrl\s*\}\}/g, '')).replace(/\s+/g, ' ').trim();
    text = fitSms(short, ' ' + p.noticeUrl, max) + ' ' + p.noticeUrl;
  }
  return { text, ...countSmsSegments(text) };
}

export interface RenderedPush {
  title: string;
  body: string;
  link: string;
}

const PUSH_BODY_DEFAULT = 240;

/** The push notification: the `push` override, else the subject and the start of whatHappened; and the link. */
export function renderPush(p: PreparedNotice): RenderedPush {
  const title = plain(p, p.texts.push?.title ?? p.texts.subject).replace(/\s+/g, ' ');
  let body = plain(p, p.texts.push?.body ?? p.texts.whatHappened).replace(/\s+/g, ' ');
  if (!p.texts.push && body.length > PUSH_BODY_DEFAULT) {
    const cut = body.slice(0, PUSH_BODY_DEFAULT - 1);
    const space = cut.lastIndexOf(' ');
    body = (space > PUSH_BODY_DEFAULT * 0.6 ? cut.slice(0, space) : cut).trimEnd() + '…';
  }
  return { title, body, link: p.noticeUrl };
}

/** The full notice page (served later by the public notice page): a complete HTML document. */
export function renderNoticePage(p: PreparedNotice): string {
  const subject = escapeHtml(plain(p, p.texts.subject));
  return `<!DOCTYPE html>
<html lang="${escapeHtml(p.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${subject}</title>
<style>body{font-family:system-ui,Arial,sans-serif;line-height:1.55;max-width:46em;margin:2em auto;padding:0 1em;color:#1a1a1a}h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em}.reference{color:#555}</style>
</head>
<body>
<main>
<h1>${subject}</h1>
<p class="salutation">${escapeHtml(p.salutation)}</p>
${htmlSections(p, 'h2')}
<p class="reference">${escapeHtml(p.labels.reference)}: ${escapeHtml(p.incidentRef)}</p>
</main>
</body>
</html>
`;
}

/** Everything a letter shows, laid out by libs/documents (A4, DIN 5008 window envelope). */
export interface LetterModel {
  language: string;
  /** The return-address line printed small above the recipient, inside the window. */
  senderLine: string;
  /** The address block: the addressee (the guardian for a minor), then the postal address lines. */
  recipientLines: string[];
  dateLabel: string;
  date: string;
  referenceLabel: string;
  reference: string;
  subject: string;
  salutation: string;
  sections: { heading: string; text: string }[];
  /** "Read the full notice: https://…" */
  fullNoticeLine: string;
}

/**
 * The letter of one recipient. `date` is formatted in the notice language (`timeZone` default UTC).
 * A minor's letter is addressed to the guardian by name when known, else "To the parent or guardian of …".
 */
export function letterModel(p: PreparedNotice, subject: NoticeSubject, options: { senderLine: string; date: Date; timeZone?: string }): LetterModel {
  const name = subject.name?.trim() || null;
  const addressee = subject.isMinor
    ? subject.guardianName?.trim() || label(p.labels.toGuardianOf, name ?? p.labels.unnamedPerson)
    : name;
  const address = (subject.postalAddress ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (addressee && address[0]?.toLowerCase() === addressee.toLowerCase()) address.shift();
  let date: string;
  try {
    date = new Intl.DateTimeFormat(p.language, { dateStyle: 'long', timeZone: options.timeZone ?? 'UTC' }).format(options.date);
  } catch {
    date = options.date.toISOString().slice(0, 10);
  }
  return {
    language: p.language,
    senderLine: options.senderLine,
    recipientLines: [...(addressee ? [addressee] : []), ...address],
    dateLabel: p.labels.date,
    date,
    referenceLabel: p.labels.reference,
    reference: p.incidentRef,
    subject: plain(p, p.texts.subject).replace(/\s+/g, ' '),
    salutation: p.salutation,
    sections: noticeSections(p).map(({ heading, text }) => ({ heading, text })),
    fullNoticeLine: `${p.labels.readFullNotice}: ${p.noticeUrl}`,
  };
}
