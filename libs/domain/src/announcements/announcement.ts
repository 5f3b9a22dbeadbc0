import { MAX_SUBSTITUTE_DAYS } from '../notices/campaign.js';
import { noticeLabels } from '../notices/labels.js';
import { canonicalLanguageTag, chooseNoticeLanguage } from '../notices/language.js';
import { type NoticeContent, type NoticeIssue, NOTICE_TEXT_LIMITS, validateNoticeContent } from '../notices/notice-content.js';
import { fillPlaceholders } from '../notices/placeholders.js';

export const ANNOUNCEMENT_STATUSES = ['draft', 'published', 'withdrawn'] as const;
export type AnnouncementStatus = (typeof ANNOUNCEMENT_STATUSES)[number];

/** A slug: lower-case letters and digits in groups joined by single hyphens, e.g. `inc-2026-0001-notice`. */
export const ANNOUNCEMENT_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_SLUG_LENGTH = 100;
export const MAX_ANNOUNCEMENT_TITLE = 300;
export const MAX_UPDATE_TEXT = NOTICE_TEXT_LIMITS.element;
const DAY_MS = 86_400_000;

export function isAnnouncementSlug(value: string): boolean {
  return value.length <= MAX_SLUG_LENGTH && ANNOUNCEMENT_SLUG.test(value);
}

/** The human slug of an incident's announcement: `INC-2026-0001` → `inc-2026-0001-notice`. */
export function announcementSlugBase(incidentRef: string): string {
  const base = incidentRef.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${base || 'announcement'}-notice`;
}

/** The first free slug from `base`: `base`, then `base-2`, `base-3`, … */
export function nextFreeSlug(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** The end of the required posting period: `durationDays` whole days (of 24 h) after publication. */
export function announcementVisibleUntil(publishedAt: Date, durationDays: number): Date {
  return new Date(publishedAt.getTime() + durationDays * DAY_MS);
}

/** Whether the public sees it as current: published and still inside its posting period. */
export function isAnnouncementCurrent(a: { status: AnnouncementStatus; visibleUntil: Date | null }, now: Date): boolean {
  return a.status === 'published' && a.visibleUntil !== null && now < a.visibleUntil;
}

/**
 * The headline of an announcement made from notice content: the default language's subject with
 * `{{incidentRef}}` filled (other placeholders get the generic public values), on one line.
 */
export function announcementTitle(content: NoticeContent, defaultLanguage: string, incidentRef: string, pageUrl = ''): string {
  const texts = content[defaultLanguage] ?? Object.values(content)[0];
  const labels = noticeLabels(defaultLanguage);
  const values = { name: labels.unnamedPerson, noticeUrl: pageUrl, incidentRef, contactPoint: '' };
  values.contactPoint = texts ? fillPlaceholders(texts.contactPoint ?? '', values).trim() : '';
  const title = texts ? fillPlaceholders(texts.subject ?? '', values).replace(/\s+/g, ' ').trim() : '';
  return (title || incidentRef).slice(0, MAX_ANNOUNCEMENT_TITLE);
}

/** Why an approver may not publish this announcement, or null when they may. */
export function publishRefusal(a: { status: AnnouncementStatus; createdBy: string | null }, approverId: string): 'not_draft' | 'creator_cannot_publish' | null {
  if (a.createdBy !== null && a.createdBy === approverId) return 'creator_cannot_publish';
  if (a.status !== 'draft') return 'not_draft';
  return null;
}

export type WithdrawalCheck =
  | { ok: true; forced: boolean }
  | { ok: false; refusal: 'before_minimum'; visibleUntil: Date }
  | { ok: false; refusal: 'reason_required' };

/**
 * A published announcement stays up until `visibleUntil` (a legal minimum must not be cut short silently):
 * before then it is withdrawn only with `force` and a reason. A draft was never public and may go at any time.
 */
export function checkWithdrawal(a: { status: AnnouncementStatus; visibleUntil: Date | null }, now: Date, request: { force?: boolean; reason?: string | null }): WithdrawalCheck {
  const early = a.status === 'published' && a.visibleUntil !== null && now < a.visibleUntil;
  if (!early) return { ok: true, forced: false };
  if (request.force !== true) return { ok: false, refusal: 'before_minimum', visibleUntil: a.visibleUntil! };
  if (!request.reason || request.reason.trim() === '') return { ok: false, refusal: 'reason_required' };
  return { ok: true, forced: true };
}

/** Timeline text per language (canonical BCP 47 tag → plain text). */
export type AnnouncementUpdateBody = Record<string, string>;

/**
 * A timeline entry's body: plain text (it is in the announcement's default language) or an object per
 * language. Returns the per-language form, or every problem with its field path.
 */
export function normaliseUpdateBody(body: unknown, defaultLanguage: string, field = 'body'): { value?: AnnouncementUpdateBody; issues: NoticeIssue[] } {
  const check = (text: unknown, at: string, issues: NoticeIssue[]): text is string => {
    if (typeof text !== 'string') issues.push({ field: at, reason: 'must be a string' });
    else if (text.trim() === '') issues.push({ field: at, reason: 'must not be blank' });
    else if (text.length > MAX_UPDATE_TEXT) issues.push({ field: at, reason: `must be at most ${MAX_UPDATE_TEXT} characters` });
    else return true;
    return false;
  };
  const issues: NoticeIssue[] = [];
  if (typeof body === 'string') return check(body, field, issues) ? { value: { [defaultLanguage]: body.trim() }, issues } : { issues };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { issues: [{ field, reason: 'must be a text, or an object with one text per language, e.g. {"en": "…", "de": "…"}' }] };
  }
  const out: AnnouncementUpdateBody = {};
  for (const [tag, text] of Object.entries(body)) {
    const canonical = canonicalLanguageTag(tag);
    if (!canonical) issues.push({ field: `${field}.${tag}`, reason: 'is not a BCP 47 language tag, e.g. en, de or pt-BR' });
    else if (canonical in out) issues.push({ field: `${field}.${tag}`, reason: `is the same language as another entry (${canonical})` });
    else if (check(text, `${field}.${tag}`, issues)) out[canonical] = text.trim();
  }
  if (Object.keys(out).length === 0 && issues.length === 0) issues.push({ field, reason: 'must have a text in at least one language' });
  return issues.length ? { issues } : { value: out, issues };
}

/** The text of a timeline entry in `language`: that language, else the default, else any. */
export function updateText(body: AnnouncementUpdateBody, language: string, defaultLanguage: string): { language: string; text: string } {
  const tag = chooseNoticeLanguage(language, Object.keys(body), body[defaultLanguage] !== undefined ? defaultLanguage : Object.keys(body)[0]!);
  return { language: tag, text: body[tag] ?? '' };
}

export interface AnnouncementDraftInput {
  title?: unknown;
  defaultLanguage: unknown;
  content: unknown;
  durationDays?: unknown;
  reason?: unknown;
}

export interface AnnouncementDraft {
  title: string | null;
  defaultLanguage: string;
  content: NoticeContent;
  durationDays: number;
  reason: string | null;
}

/**
 * A hand-made announcement's fields, each problem named: the content has the campaign shape and must carry
 * every required element in each language (it is the notice the public reads instead).
 */
export function validateAnnouncementDraft(input: AnnouncementDraftInput, options: { requireReason?: boolean } = {}): { value?: AnnouncementDraft; issues: NoticeIssue[] } {
  const issues: NoticeIssue[] = [];
  let title: string | null = null;
  if (input.title !== undefined && input.title !== null) {
    if (typeof input.title !== 'string') issues.push({ field: 'title', reason: 'must be a string' });
    else if (input.title.trim() === '') issues.push({ field: 'title', reason: 'must not be blank' });
    else if (input.title.length > MAX_ANNOUNCEMENT_TITLE) issues.push({ field: 'title', reason: `must be at most ${MAX_ANNOUNCEMENT_TITLE} characters` });
    else if (/[\r\n]/.test(input.title)) issues.push({ field: 'title', reason: 'must be one line' });
    else title = input.title.trim();
  }
  let defaultLanguage: string | null = null;
  if (typeof input.defaultLanguage !== 'string' || !(defaultLanguage = canonicalLanguageTag(input.defaultLanguage))) {
    issues.push({ field: 'defaultLanguage', reason: 'must be a BCP 47 language tag, e.g. en, de or pt-BR' });
  }
  issues.push(...validateNoticeContent(input.content, [], { defaultLanguage: defaultLanguage ?? undefined }));
  let durationDays = 90;
  if (input.durationDays !== undefined) {
    const d = input.durationDays;
    if (!(Number.isSafeInteger(d) && (d as number) >= 1 && (d as number) <= MAX_SUBSTITUTE_DAYS)) issues.push({ field: 'durationDays', reason: `must be a whole number of days from 1 to ${MAX_SUBSTITUTE_DAYS}` });
    else durationDays = d as number;
  }
  let reason: string | null = null;
  if (input.reason !== undefined && input.reason !== null) {
    if (typeof input.reason !== 'string') issues.push({ field: 'reason', reason: 'must be a string' });
    else if (input.reason.length > 2000) issues.push({ field: 'reason', reason: 'must be at most 2000 characters' });
    else if (input.reason.trim() !== '') reason = input.reason.trim();
  }
  if (options.requireReason && reason === null && !issues.some((i) => i.field === 'reason')) issues.push({ field: 'reason', reason: 'is required: say why the public is told' });
  if (issues.length) return { issues };
  const canonicalContent: NoticeContent = {};
  for (const [tag, texts] of Object.entries(input.content as NoticeContent)) canonicalContent[canonicalLanguageTag(tag) ?? tag] = texts;
  return { value: { title, defaultLanguage: defaultLanguage!, content: canonicalContent, durationDays, reason }, issues };
}

/** A language asked for in `?lang=` or `Accept-Language` that the announcement has, else its default. */
export function negotiateLanguage(available: readonly string[], defaultLanguage: string, requested: { query?: string | null; acceptLanguage?: string | null }): string {
  const match = (wanted: string): string | null => {
    const tag = chooseNoticeLanguage(wanted, available, '');
    return tag === '' ? null : tag;
  };
  if (requested.query) {
    const m = match(requested.query);
    if (m) return m;
  }
  for (const wanted of parseAcceptLanguage(requested.acceptLanguage ?? '')) {
    const m = match(wanted);
    if (m) return m;
  }
  return defaultLanguage;
}

/** The language ranges of an Accept-Language header, by preference (q descending, then order); q=0 and `*` dropped. */
export function parseAcceptLanguage(header: string): string[] {
  return header
    .split(',')
    .slice(0, 50)
    .map((part, index) => {
      const [range, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p)).find((m) => m !== null);
      const weight = q ? Number(q[1]) : 1;
      return { range: (range ?? '').trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.range !== '' && r.range !== '*' && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((r) => r.range);
}
