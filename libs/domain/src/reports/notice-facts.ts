import type { NoticeFact } from '../regimes/obligations.js';
import { countryOf } from '../vocabulary/jurisdiction.js';

/**
 * Which notices to individuals a campaign counts for. A campaign is sent to the people of some
 * jurisdictions (its audience filter, or everyone); the first message it sent is the first notice of every
 * individuals' obligation whose people it reached. The regimes' own scope rules live in
 * regimes/obligations.ts; this maps a campaign's jurisdictions to the individuals' notifications only.
 */

/** EU member states and the other EEA states (and EU territories with their own code), as in regimes/obligations.ts. */
const EEA = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL',
  'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO', 'AX', 'GF', 'GP', 'MQ', 'RE', 'YT', 'MF',
]);

/**
 * For each individuals' notification: whether an audience code (a country `US` or a subdivision `US-CA`)
 * can include people it protects. A country code includes its subdivisions (an audience `US` reaches
 * Californians).
 */
const INDIVIDUAL_NOTICES: Readonly<Record<string, (code: string) => boolean>> = {
  gdpr_individuals: (code) => EEA.has(countryOf(code)),
  uk_individuals: (code) => countryOf(code) === 'GB',
  pipl_individuals: (code) => countryOf(code) === 'CN',
  hipaa_individuals: (code) => countryOf(code) === 'US',
  ca_residents: (code) => code === 'US-CA' || code === 'US',
  ny_residents: (code) => code === 'US-NY' || code === 'US',
  tx_individuals: (code) => code === 'US-TX' || code === 'US',
};

export interface CampaignNotice {
  campaignId: string;
  /** `null`: the audience is everyone affected; otherwise the audience's jurisdiction codes (empty = no filter on them). */
  jurisdictions: readonly string[] | null;
  /** The first message the campaign sent, ISO 8601; null when nothing went out yet. */
  firstSentAt: string | null;
}

/** The individuals' notification ids a campaign with these jurisdictions reaches (null or empty = all). */
export function noticesReachedBy(jurisdictions: readonly string[] | null): string[] {
  const all = Object.keys(INDIVIDUAL_NOTICES);
  if (jurisdictions === null || jurisdictions.length === 0) return all;
  return all.filter((id) => jurisdictions.some((code) => INDIVIDUAL_NOTICES[id]!(code)));
}

/** The notice facts the deadline engine reads (`notice_sent:<id>` clocks, individuals' obligations met). */
export function noticeFactsFromCampaigns(campaigns: readonly CampaignNotice[]): NoticeFact[] {
  const facts: NoticeFact[] = [];
  for (const c of campaigns) {
    if (c.firstSentAt === null) continue;
    for (const obligationId of noticesReachedBy(c.jurisdictions)) facts.push({ obligationId, sentAt: c.firstSentAt, jurisdiction: null });
  }
  return facts;
}
