import type { SubstituteMode, SubstitutePolicy } from '../notices/campaign.js';

/** How long an announcement stays up when the policy names no duration (HIPAA's 90-day web posting). */
export const DEFAULT_ANNOUNCEMENT_DAYS = 90;

/** Why a public announcement replaces individual notice. */
export const SUBSTITUTE_GROUNDS = ['no_contact', 'unreachable_count', 'unreachable_share', 'all_unreachable'] as const;
export type SubstituteGround = (typeof SUBSTITUTE_GROUNDS)[number];

export interface SubstituteDecisionInput {
  /** The campaign's frozen policy; null when it has none. `durationDays` may be missing (default 90). */
  policy: (Omit<SubstitutePolicy, 'durationDays'> & { durationDays?: number }) | null | undefined;
  /** People in the audience so far (deliveries created); the whole audience once `expandedAll`. */
  audienceTotal: number;
  /** Of them, those who could not be reached on any channel of the chain (a final state). */
  unreachable: number;
  /** Whether the whole audience has been expanded: only then is a share judged. */
  expandedAll: boolean;
  /** Whether anyone in the whole audience has contact details usable on one of the campaign's channels. */
  anyContact: boolean;
}

export interface SubstituteDecision {
  trip: boolean;
  ground: SubstituteGround | null;
  /** In plain words, for the staff and the audit trail: the figures and the rule that decided. */
  reason: string;
  /** How the announcement starts: the policy's mode; without a policy, a draft for an approver. */
  mode: SubstituteMode;
  durationDays: number;
}

function people(n: number): string {
  return n === 1 ? '1 person' : `${n} people`;
}

function percent(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}

/**
 * Whether a campaign's public announcement (substitute notice) is due, and why. In order:
 * - nobody in the audience has usable contact details → at once (individual notice is impossible);
 * - unreachable ≥ the policy's `unreachableCount` (judged at any time: unreachable is a final state);
 * - unreachable / audience ≥ the policy's `unreachableShare`, only once the audience is fully expanded, so a
 *   share is never judged on a partial audience;
 * - the whole (expanded) audience is unreachable → even without a policy: people must be told somehow.
 * Without a policy nothing else trips, and what trips starts as a draft for an approver.
 */
export function substituteNoticeDecision(input: SubstituteDecisionInput): SubstituteDecision {
  const { policy, expandedAll, anyContact } = input;
  const total = Math.max(0, Math.floor(input.audienceTotal));
  const unreachable = Math.min(total, Math.max(0, Math.floor(input.unreachable)));
  const mode: SubstituteMode = policy?.mode ?? 'draft_for_approval';
  const durationDays = policy?.durationDays ?? DEFAULT_ANNOUNCEMENT_DAYS;
  const noPolicyNote = policy ? '' : ' The campaign has no substitute-notice policy, but people must be told somehow: the announcement is drafted for an approver.';
  const trip = (ground: SubstituteGround, reason: string): SubstituteDecision => ({ trip: true, ground, reason: reason + noPolicyNote, mode, durationDays });
  const hold = (reason: string): SubstituteDecision => ({ trip: false, ground: null, reason, mode, durationDays });

  if (total === 0) {
    return hold(expandedAll ? 'The audience is empty: there is nobody to tell.' : 'No one of the audience has been expanded yet.');
  }
  if (!anyContact) {
    return trip('no_contact', `Nobody in the audience${expandedAll ? ` (${people(total)})` : ''} has contact details usable on the campaign's channels: individual notice is impossible, so the public is told instead.`);
  }
  if (policy?.unreachableCount !== undefined && unreachable >= policy.unreachableCount) {
    return trip('unreachable_count', `${people(unreachable)} could not be reached${expandedAll ? ` out of ${total}` : ' so far'}: at or above the policy's threshold of ${people(policy.unreachableCount)}.`);
  }
  if (policy?.unreachableShare !== undefined && expandedAll && unreachable / total >= policy.unreachableShare) {
    return trip('unreachable_share', `${unreachable} of ${people(total)} (${percent(unreachable / total)}) could not be reached: at or above the policy's threshold of ${percent(policy.unreachableShare)} of the audience.`);
  }
  if (expandedAll && unreachable === total) {
    return trip('all_unreachable', `None of the ${people(total)} in the audience could be reached on any channel.`);
  }

  const figures = expandedAll ? `${unreachable} of ${people(total)} could not be reached` : `${people(unreachable)} could not be reached so far (${total} expanded)`;
  if (!policy) return hold(`${figures}. The campaign has no substitute-notice policy: a public announcement follows only if nobody can be reached.`);
  const thresholds = [
    policy.unreachableCount !== undefined ? `${people(policy.unreachableCount)}` : null,
    policy.unreachableShare !== undefined ? `${percent(policy.unreachableShare)} of the audience${expandedAll ? '' : ' (judged once the whole audience is expanded)'}` : null,
  ].filter((t): t is string => t !== null);
  return hold(`${figures}; the policy asks for a public announcement from ${thresholds.join(' or ')}.`);
}
