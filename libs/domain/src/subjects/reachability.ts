import type { NoticeChannel } from '../notices/notice-content.js';

/** The channels a subject can be reached on, and `none`. */
export const SUBJECT_CHANNELS = ['email', 'phone', 'push', 'postal'] as const;
export type SubjectChannel = (typeof SUBJECT_CHANNELS)[number];
export const CHANNEL_FILTERS = [...SUBJECT_CHANNELS, 'none'] as const;
export type ChannelFilter = (typeof CHANNEL_FILTERS)[number];

export interface ReachableSubject {
  email: string | null;
  phone: string | null;
  pushTokens: readonly string[];
  postalAddress: string | null;
  isMinor: boolean;
  guardianEmail: string | null;
  guardianPhone: string | null;
}

/**
 * Where a notice can reach a subject. A minor is notified through the guardian: e-mail and phone are the
 * guardian's, a letter goes to the (household) postal address, and the child's own devices (push) are not used.
 * The SQL in the subjects repository mirrors this rule set-wise; tests hold the two together.
 */
export function reachableChannels(s: ReachableSubject): SubjectChannel[] {
  const out: SubjectChannel[] = [];
  if (s.isMinor ? s.guardianEmail : s.email) out.push('email');
  if (s.isMinor ? s.guardianPhone : s.phone) out.push('phone');
  if (!s.isMinor && s.pushTokens.length > 0) out.push('push');
  if (s.postalAddress) out.push('postal');
  return out;
}

/** The subject channel each notice channel needs. */
const NEEDS: Record<NoticeChannel, SubjectChannel> = { email: 'email', sms: 'phone', push: 'push', letter: 'postal' };

/**
 * The step (1-based) of a campaign's channel chain after `afterStep` on which the subject can be reached, or null
 * when no later step reaches them: where a permanent failure moves a person. The SQL function
 * `next_reachable_step` is its twin (test/reachability.e2e-spec.ts holds the two together).
 */
export function nextReachableStep(chain: readonly NoticeChannel[], afterStep: number, s: ReachableSubject): number | null {
  const reachable = reachableChannels(s);
  for (let i = Math.max(0, afterStep); i < chain.length; i++) if (reachable.includes(NEEDS[chain[i]!])) return i + 1;
  return null;
}
