import { canonicalLanguageTag } from './language.js';
import { type NoticePlaceholder, type PlaceholderValues, fillPlaceholders, placeholderProblems, placeholdersIn } from './placeholders.js';
import { countSmsSegments } from './sms-segments.js';

/** The channels a campaign can use, in the order the campaign's chain names them. */
export const NOTICE_CHANNELS = ['email', 'sms', 'push', 'letter'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

/**
 * The elements every notice must carry in each of its languages: (1) what happened and its possible impact,
 * (2) the measures taken or to be taken, (3) advice to the person to prevent and reduce risk, (4) the remedial
 * measures offered, (5) a contact point.
 */
export const REQUIRED_NOTICE_ELEMENTS = ['whatHappened', 'measuresTaken', 'selfProtection', 'remedialMeasures', 'contactPoint'] as const;
export type NoticeElement = (typeof REQUIRED_NOTICE_ELEMENTS)[number];

/** One language of a notice. Texts are plain text (never HTML); a blank line separates paragraphs. */
export interface NoticeTexts {
  /** The e-mail subject, the letter's subject line and the page title. */
  subject: string;
  whatHappened: string;
  possibleImpact?: string;
  measuresTaken: string;
  selfProtection: string;
  remedialMeasures: string;
  contactPoint: string;
  /** A short SMS text; the link to the full notice is appended unless it uses {{noticeUrl}}. Default: the subject. */
  sms?: string;
  /** Push title and body. Default: the subject, and the start of whatHappened. */
  push?: { title: string; body: string };
}

/** Per language (BCP 47 tag → texts). */
export type NoticeContent = Record<string, NoticeTexts>;

export interface NoticeIssue {
  /** A path into the request, e.g. `content.fr.selfProtection`. */
  field: string;
  reason: string;
}

export const NOTICE_TEXT_LIMITS = {
  subject: 200,
  element: 20_000,
  sms: 1_000,
  pushTitle: 100,
  pushBody: 500,
} as const;

export const DEFAULT_MAX_SMS_SEGMENTS = 4;

export interface NoticeValidationOptions {
  /** The language that must have content (the campaign's default). */
  defaultLanguage?: string;
  /** Most segments one SMS (text plus link) may take. Default 4. */
  maxSmsSegments?: number;
  /** Characters reserved for the notice link in an SMS. Default 80. */
  noticeUrlLength?: number;
  /** Characters reserved for `{{name}}` in an SMS. Default 40. */
  nameAllowance?: number;
  /** Characters reserved for `{{incidentRef}}`. Default 16. */
  incidentRefLength?: number;
  /** Prefix of the field paths. Default `content`. */
  field?: string;
}

const OPTIONAL_FIELDS = ['possibleImpact', 'sms', 'push'] as const;
const KNOWN_FIELDS = new Set<string>(['subject', ...REQUIRED_NOTICE_ELEMENTS, ...OPTIONAL_FIELDS]);
const MISSING = 'required element missing';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** The SMS a language sends before placeholders are filled: its override or its subject, and the link. */
export function smsTemplate(texts: Pick<NoticeTexts, 'sms' | 'subject'>): { template: string; linkInline: boolean } {
  const template = texts.sms?.trim() ? texts.sms : texts.subject;
  return { template, linkInline: placeholdersIn(template).includes('noticeUrl') };
}

/**
 * Every problem of a campaign's notice content, each with its field path and reason: a language without
 * content, a missing or blank required element (`content.fr.selfProtection: required element missing`),
 * a wrong type, an unknown field or placeholder, a text too long, or an SMS that cannot fit with its link in
 * the configured number of segments (GSM-7 or UCS-2, counted exactly). An empty list means it may be stored.
 */
export function validateNoticeContent(content: unknown, chain: readonly NoticeChannel[], options: NoticeValidationOptions = {}): NoticeIssue[] {
  const root = options.field ?? 'content';
  const issues: NoticeIssue[] = [];
  if (!isPlainObject(content)) return [{ field: root, reason: 'must be an object with one entry per language, e.g. {"en": {…}}' }];
  const languages = Object.keys(content);
  if (languages.length === 0) issues.push({ field: root, reason: 'must have content in at least one language' });

  const seen = new Map<string, string>();
  for (const tag of languages) {
    const canonical = canonicalLanguageTag(tag);
    if (!canonical) {
      issues.push({ field: `${root}.${tag}`, reason: 'is not a BCP 47 language tag, e.g. en, de or pt-BR' });
      continue;
    }
    const twin = seen.get(canonical);
    if (twin !== undefined) issues.push({ field: `${root}.${tag}`, reason: `is the same language as ${twin}` });
    seen.set(canonical, tag);
    issues.push(...validateTexts(content[tag], `${root}.${tag}`, chain, options));
  }

  if (options.defaultLanguage !== undefined) {
    const wanted = canonicalLanguageTag(options.defaultLanguage);
    if (wanted && !seen.has(wanted)) {
      issues.push({ field: `${root}.${options.defaultLanguage}`, reason: 'required: the default language must have content' });
    }
  }
  return issues;
}

function validateTexts(value: unknown, at: string, chain: readonly NoticeChannel[], options: NoticeValidationOptions): NoticeIssue[] {
  const issues: NoticeIssue[] = [];
  const add = (field: string, reason: string) => issues.push({ field: `${at}.${field}`, reason });
  if (!isPlainObject(value)) {
    issues.push({ field: at, reason: `must be an object with subject, ${REQUIRED_NOTICE_ELEMENTS.join(', ')}` });
    return issues;
  }
  for (const key of Object.keys(value)) if (!KNOWN_FIELDS.has(key)) add(key, 'is not a field of a notice');

  const text = (field: string, max: number, required: boolean, missingReason: string, noSelf: NoticePlaceholder[] = []): boolean => {
    const v = value[field];
    if (isBlank(v)) {
      if (v !== undefined && v !== null && typeof v !== 'string') add(field, 'must be a string');
      else if (required) add(field, missingReason);
      return false;
    }
    if (typeof v !== 'string') {
      add(field, 'must be a string');
      return false;
    }
    if (v.length > max) add(field, `must be at most ${max} characters`);
    for (const p of placeholderProblems(v, noSelf)) add(field, p);
    return true;
  };

  const hasSubject = text('subject', NOTICE_TEXT_LIMITS.subject, true, 'is required: it is the e-mail subject and the letter heading');
  if (hasSubject && /[\r\n]/.test(value.subject as string)) add('subject', 'must be one line');
  for (const element of REQUIRED_NOTICE_ELEMENTS) {
    text(element, NOTICE_TEXT_LIMITS.element, true, MISSING, element === 'contactPoint' ? ['contactPoint'] : []);
  }
  text('possibleImpact', NOTICE_TEXT_LIMITS.element, false, '');
  const hasSms = value.sms !== undefined && value.sms !== null;
  if (hasSms) text('sms', NOTICE_TEXT_LIMITS.sms, true, 'must not be blank (leave it out to send the subject)');

  const push = value.push;
  if (push !== undefined && push !== null) {
    if (!isPlainObject(push)) add('push', 'must be an object {title, body}');
    else {
      for (const key of Object.keys(push)) if (key !== 'title' && key !== 'body') add(`push.${key}`, 'is not a field of a push notice');
      for (const [key, max] of [['title', NOTICE_TEXT_LIMITS.pushTitle], ['body', NOTICE_TEXT_LIMITS.pushBody]] as const) {
        const v = push[key];
        if (isBlank(v) && (v === undefined || v === null || typeof v === 'string')) add(`push.${key}`, 'is required');
        else if (typeof v !== 'string') add(`push.${key}`, 'must be a string');
        else {
          if (v.length > max) add(`push.${key}`, `must be at most ${max} characters`);
          for (const p of placeholderProblems(v)) add(`push.${key}`, p);
        }
      }
    }
  }

  // The SMS must fit with its link, whatever the recipient: placeholders count at their reserved length.
  const smsUsable = hasSms ? typeof value.sms === 'string' && value.sms.trim() !== '' : hasSubject;
  if (chain.includes('sms') && smsUsable && !issues.some((i) => i.field === `${at}.sms` || i.field === `${at}.subject`)) {
    const maxSegments = options.maxSmsSegments ?? DEFAULT_MAX_SMS_SEGMENTS;
    const texts = value as unknown as NoticeTexts;
    const { template, linkInline } = smsTemplate(texts);
    const reserved: PlaceholderValues = {
      name: 'x'.repeat(options.nameAllowance ?? 40),
      noticeUrl: 'x'.repeat(options.noticeUrlLength ?? 80),
      incidentRef: 'x'.repeat(options.incidentRefLength ?? 16),
      contactPoint: typeof texts.contactPoint === 'string' ? texts.contactPoint : '',
    };
    const sms = fillPlaceholders(template, reserved) + (linkInline ? '' : ' ' + reserved.noticeUrl);
    const count = countSmsSegments(sms);
    if (count.segments > maxSegments) {
      add(hasSms ? 'sms' : 'subject', `the SMS with its link needs ${count.segments} segments (${count.encoding}, ${count.units} ${count.encoding === 'GSM-7' ? 'septets' : 'UTF-16 units'}); at most ${maxSegments} are allowed — shorten it${hasSms ? '' : ' or give a shorter sms text'}`);
    }
  }
  return issues;
}

/** The content with every language key in canonical BCP 47 form (`en-us` → `en-US`). Run after validation. */
export function canonicaliseNoticeLanguages(content: NoticeContent): NoticeContent {
  const out: NoticeContent = {};
  for (const [tag, texts] of Object.entries(content)) out[canonicalLanguageTag(tag) ?? tag] = texts;
  return out;
}
