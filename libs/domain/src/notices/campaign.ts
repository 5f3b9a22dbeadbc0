import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical-json.js';
import { isDataCategory } from '../vocabulary/data-category.js';
import { isJurisdiction } from '../vocabulary/jurisdiction.js';
import { canonicalLanguageTag } from './language.js';
import { canonicaliseNoticeLanguages, NOTICE_CHANNELS, type NoticeChannel, type NoticeContent, type NoticeIssue, type NoticeValidationOptions, validateNoticeContent } from './notice-content.js';
import type { RemediationBullet } from './remediation.js';

export const CAMPAIGN_STATUSES = ['draft', 'approved', 'running', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** Who a campaign reaches: every affected subject of the incident, or those matching a filter. */
export type CampaignAudience =
  | { kind: 'all' }
  | { kind: 'filter'; jurisdictions: string[]; dataCategories: string[] };

export const SUBSTITUTE_MODES = ['auto_publish', 'draft_for_approval'] as const;
export type SubstituteMode = (typeof SUBSTITUTE_MODES)[number];

/**
 * When individual notice fails for too many people, a public announcement replaces it: once the unreachable
 * subjects reach `unreachableCount` or `unreachableShare` (0–1) of the audience, whichever comes first. The
 * announcement is published at once (`auto_publish`) or drafted for an approver, and stays up `durationDays`.
 */
export interface SubstitutePolicy {
  unreachableCount?: number;
  unreachableShare?: number;
  mode: SubstituteMode;
  durationDays: number;
}

/** Everything approval freezes. */
export interface CampaignDraft {
  audience: CampaignAudience;
  channelChain: NoticeChannel[];
  defaultLanguage: string;
  content: NoticeContent;
  substitutePolicy: SubstitutePolicy | null;
}

export interface FrozenCampaign extends CampaignDraft {
  /** The remediation actions pulled into the notice, or null when the campaign does not ask for them. */
  remediation: RemediationBullet[] | null;
}

export type CampaignDraftResult = { ok: true; value: CampaignDraft } | { ok: false; issues: NoticeIssue[] };

export const MAX_SUBSTITUTE_DAYS = 3650;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function validateChannelChain(value: unknown, field = 'channelChain'): { value?: NoticeChannel[]; issues: NoticeIssue[] } {
  if (!Array.isArray(value) || value.length === 0) return { issues: [{ field, reason: `must be a non-empty list of channels from ${NOTICE_CHANNELS.join(', ')}, in the order to try them` }] };
  const issues: NoticeIssue[] = [];
  const seen = new Set<string>();
  value.forEach((c, i) => {
    if (typeof c !== 'string' || !(NOTICE_CHANNELS as readonly string[]).includes(c)) issues.push({ field: `${field}[${i}]`, reason: `must be one of ${NOTICE_CHANNELS.join(', ')}` });
    else if (seen.has(c)) issues.push({ field: `${field}[${i}]`, reason: `repeats ${c}: each channel may appear once` });
    else seen.add(c);
  });
  return issues.length ? { issues } : { value: value as NoticeChannel[], issues };
}

export function validateAudience(value: unknown, field = 'audience'): { value?: CampaignAudience; issues: NoticeIssue[] } {
  const shape = 'must be {"kind":"all"} or {"kind":"filter","jurisdictions":[…],"dataCategories":[…]}';
  if (!isPlainObject(value)) return { issues: [{ field, reason: shape }] };
  const issues: NoticeIssue[] = [];
  if (value.kind === 'all') {
    for (const key of Object.keys(value)) if (key !== 'kind') issues.push({ field: `${field}.${key}`, reason: 'is not allowed with kind "all"' });
    return issues.length ? { issues } : { value: { kind: 'all' }, issues };
  }
  if (value.kind !== 'filter') return { issues: [{ field: `${field}.kind`, reason: 'must be "all" or "filter"' }] };
  for (const key of Object.keys(value)) if (!['kind', 'jurisdictions', 'dataCategories'].includes(key)) issues.push({ field: `${field}.${key}`, reason: 'is not a field of an audience filter' });
  const list = (key: 'jurisdictions' | 'dataCategories', normalise: (s: string) => string, ok: (s: string) => boolean, reason: string): string[] => {
    const v = value[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      issues.push({ field: `${field}.${key}`, reason: 'must be an array of strings' });
      return [];
    }
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item !== 'string' || !ok(normalise(item.trim()))) issues.push({ field: `${field}.${key}[${i}]`, reason });
      else if (!out.includes(normalise(item.trim()))) out.push(normalise(item.trim()));
    });
    return out;
  };
  const jurisdictions = list('jurisdictions', (s) => s.toUpperCase(), isJurisdiction, 'must be an ISO 3166-1 country (DE) or 3166-2 subdivision (US-CA)');
  const dataCategories = list('dataCategories', (s) => s.toLowerCase(), isDataCategory, 'must be a data category from the vocabulary');
  if (!issues.length && jurisdictions.length === 0 && dataCategories.length === 0) {
    issues.push({ field, reason: 'a filter needs at least one jurisdiction or data category (use {"kind":"all"} for everyone)' });
  }
  return issues.length ? { issues } : { value: { kind: 'filter', jurisdictions, dataCategories }, issues };
}

export function validateSubstitutePolicy(value: unknown, field = 'substitutePolicy'): { value?: SubstitutePolicy | null; issues: NoticeIssue[] } {
  if (value === undefined || value === null) return { value: null, issues: [] };
  if (!isPlainObject(value)) return { issues: [{ field, reason: 'must be an object {unreachableCount?, unreachableShare?, mode, durationDays} or null' }] };
  const issues: NoticeIssue[] = [];
  for (const key of Object.keys(value)) {
    if (!['unreachableCount', 'unreachableShare', 'mode', 'durationDays'].includes(key)) issues.push({ field: `${field}.${key}`, reason: 'is not a field of a substitute-notice policy' });
  }
  const { unreachableCount: count, unreachableShare: share, mode, durationDays: days } = value;
  if (count !== undefined && !(Number.isSafeInteger(count) && (count as number) >= 1)) issues.push({ field: `${field}.unreachableCount`, reason: 'must be a whole number of at least 1' });
  if (share !== undefined && !(typeof share === 'number' && share > 0 && share <= 1)) issues.push({ field: `${field}.unreachableShare`, reason: 'must be a number greater than 0 and at most 1 (a share of the audience)' });
  if (count === undefined && share === undefined) issues.push({ field, reason: 'needs unreachableCount or unreachableShare (or both): the threshold that triggers the public notice' });
  if (typeof mode !== 'string' || !(SUBSTITUTE_MODES as readonly string[]).includes(mode)) issues.push({ field: `${field}.mode`, reason: `must be one of ${SUBSTITUTE_MODES.join(', ')}` });
  if (!(Number.isSafeInteger(days) && (days as number) >= 1 && (days as number) <= MAX_SUBSTITUTE_DAYS)) issues.push({ field: `${field}.durationDays`, reason: `must be a whole number of days from 1 to ${MAX_SUBSTITUTE_DAYS}` });
  if (issues.length) return { issues };
  const policy: SubstitutePolicy = { mode: mode as SubstituteMode, durationDays: days as number };
  if (count !== undefined) policy.unreachableCount = count as number;
  if (share !== undefined) policy.unreachableShare = share as number;
  return { value: policy, issues };
}

/**
 * Every problem of a campaign draft at once (audience, chain, default language, content, policy), or the
 * draft in canonical form (language tags canonical, jurisdictions upper case, categories lower case).
 */
export function validateCampaignDraft(
  input: { audience: unknown; channelChain: unknown; defaultLanguage: unknown; content: unknown; substitutePolicy?: unknown },
  options: Omit<NoticeValidationOptions, 'defaultLanguage' | 'field'> = {},
): CampaignDraftResult {
  const audience = validateAudience(input.audience);
  const chain = validateChannelChain(input.channelChain);
  const policy = validateSubstitutePolicy(input.substitutePolicy);
  const issues = [...audience.issues, ...chain.issues];
  let defaultLanguage: string | null = null;
  if (typeof input.defaultLanguage !== 'string' || !(defaultLanguage = canonicalLanguageTag(input.defaultLanguage))) {
    issues.push({ field: 'defaultLanguage', reason: 'must be a BCP 47 language tag, e.g. en, de or pt-BR' });
  }
  issues.push(...validateNoticeContent(input.content, chain.value ?? [], { ...options, defaultLanguage: defaultLanguage ?? undefined }));
  issues.push(...policy.issues);
  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    value: {
      audience: audience.value!,
      channelChain: chain.value!,
      defaultLanguage: defaultLanguage!,
      content: canonicaliseNoticeLanguages(input.content as NoticeContent),
      substitutePolicy: policy.value ?? null,
    },
  };
}

/**
 * SHA-256 (hex) of the canonical JSON of everything approval freezes: audience, channel chain, default
 * language and the list of languages, the content, the remediation pulled in, and the substitute policy.
 * The approver sends back the hash they saw; any later edit changes it.
 */
export function campaignContentHash(c: FrozenCampaign): string {
  const frozen = {
    audience: c.audience,
    channelChain: c.channelChain,
    defaultLanguage: c.defaultLanguage,
    languages: Object.keys(c.content).sort(),
    content: c.content,
    remediation: c.remediation,
    substitutePolicy: c.substitutePolicy,
  };
  return createHash('sha256').update(canonicalJson(frozen)).digest('hex');
}

/** Only a draft or an approved campaign may be edited (an approved one goes back to draft). */
export function isCampaignEditable(status: CampaignStatus): boolean {
  return status === 'draft' || status === 'approved';
}

/** Whether a campaign can be cancelled from this status (the notifier stops what is not yet sent). */
export function isCampaignCancellable(status: CampaignStatus): boolean {
  return status === 'draft' || status === 'approved' || status === 'running';
}
