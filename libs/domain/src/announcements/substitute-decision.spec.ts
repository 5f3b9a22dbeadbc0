import { describe, expect, it } from '@jest/globals';
import { substituteNoticeDecision, type SubstituteDecisionInput, type SubstituteGround } from './substitute-decision.js';

const countPolicy = { unreachableCount: 10, mode: 'auto_publish', durationDays: 30 } as const;
const sharePolicy = { unreachableShare: 0.1, mode: 'draft_for_approval', durationDays: 90 } as const;
const bothPolicy = { unreachableCount: 100, unreachableShare: 0.5, mode: 'auto_publish', durationDays: 60 } as const;

type Row = [string, Partial<SubstituteDecisionInput>, SubstituteGround | null];

const base: SubstituteDecisionInput = { policy: null, audienceTotal: 1000, unreachable: 0, expandedAll: true, anyContact: true };

describe('substitute notice decision', () => {
  it.each<Row>([
    // count threshold: judged at any time (unreachable is final)
    ['count reached while expanding', { policy: countPolicy, audienceTotal: 200, unreachable: 10, expandedAll: false }, 'unreachable_count'],
    ['count exceeded', { policy: countPolicy, unreachable: 11 }, 'unreachable_count'],
    ['count one short', { policy: countPolicy, unreachable: 9 }, null],
    ['count one short while expanding', { policy: countPolicy, audienceTotal: 9, unreachable: 9, expandedAll: false }, null],
    // share threshold: only on the whole audience
    ['share reached exactly', { policy: sharePolicy, unreachable: 100 }, 'unreachable_share'],
    ['share just below', { policy: sharePolicy, unreachable: 99 }, null],
    ['share reached on a partial audience is not judged', { policy: sharePolicy, audienceTotal: 50, unreachable: 40, expandedAll: false }, null],
    ['share with awkward decimals (3 of 10 at 0.3)', { policy: { unreachableShare: 0.3, mode: 'auto_publish', durationDays: 30 }, audienceTotal: 10, unreachable: 3 }, 'unreachable_share'],
    ['share of 1 needs everyone', { policy: { unreachableShare: 1, mode: 'auto_publish', durationDays: 30 }, audienceTotal: 10, unreachable: 9 }, null],
    // both: whichever comes first
    ['both: count first', { policy: bothPolicy, unreachable: 100 }, 'unreachable_count'],
    ['both: share first', { policy: bothPolicy, audienceTotal: 150, unreachable: 80 }, 'unreachable_share'],
    ['both: neither', { policy: bothPolicy, unreachable: 99 }, null],
    // nobody has contact details: at once, policy or not, expanded or not
    ['no contact, no policy, partial audience', { anyContact: false, audienceTotal: 20, unreachable: 20, expandedAll: false }, 'no_contact'],
    ['no contact, with a policy not yet met', { policy: countPolicy, anyContact: false, audienceTotal: 5, unreachable: 5, expandedAll: false }, 'no_contact'],
    ['no contact but nobody expanded yet', { anyContact: false, audienceTotal: 0, unreachable: 0, expandedAll: false }, null],
    // an empty audience: nobody to tell
    ['empty audience', { policy: sharePolicy, anyContact: false, audienceTotal: 0, unreachable: 0 }, null],
    // no policy: never trips, except when everyone is unreachable
    ['no policy, many unreachable', { unreachable: 999 }, null],
    ['no policy, all unreachable', { unreachable: 1000 }, 'all_unreachable'],
    ['no policy, all unreachable so far but not expanded', { audienceTotal: 30, unreachable: 30, expandedAll: false }, null],
    ['policy not met by count, but all unreachable', { policy: countPolicy, audienceTotal: 5, unreachable: 5 }, 'all_unreachable'],
  ])('%s', (_name, over, ground) => {
    const d = substituteNoticeDecision({ ...base, ...over });
    expect(d.ground).toBe(ground);
    expect(d.trip).toBe(ground !== null);
    expect(d.reason.length).toBeGreaterThan(10);
  });

  it('says in plain words why, with the figures and the threshold', () => {
    expect(substituteNoticeDecision({ ...base, policy: countPolicy, unreachable: 12 }).reason)
      .toBe("12 people could not be reached out of 1000: at or above the policy's threshold of 10 people.");
    expect(substituteNoticeDecision({ ...base, policy: sharePolicy, unreachable: 125 }).reason)
      .toBe("125 of 1000 people (12.5%) could not be reached: at or above the policy's threshold of 10% of the audience.");
    expect(substituteNoticeDecision({ ...base, policy: sharePolicy, audienceTotal: 40, unreachable: 30, expandedAll: false }).reason)
      .toBe('30 people could not be reached so far (40 expanded); the policy asks for a public announcement from 10% of the audience (judged once the whole audience is expanded).');
    expect(substituteNoticeDecision({ ...base, anyContact: false, audienceTotal: 3, unreachable: 3 }).reason)
      .toMatch(/^Nobody in the audience \(3 people\) has contact details usable on the campaign's channels/);
  });

  it('an all-unreachable audience without a policy trips, says people must be told, and starts as a 90-day draft', () => {
    const d = substituteNoticeDecision({ ...base, audienceTotal: 4, unreachable: 4 });
    expect(d).toEqual({ trip: true, ground: 'all_unreachable', mode: 'draft_for_approval', durationDays: 90, reason: expect.stringContaining('people must be told somehow') });
    expect(d.reason).toMatch(/no substitute-notice policy/);
    const none = substituteNoticeDecision({ ...base, anyContact: false, audienceTotal: 4, unreachable: 4 });
    expect(none.reason).toMatch(/people must be told somehow/);
  });

  it.each([
    [countPolicy, 'auto_publish', 30],
    [sharePolicy, 'draft_for_approval', 90],
    [{ unreachableCount: 1, mode: 'auto_publish' } as const, 'auto_publish', 90],
    [null, 'draft_for_approval', 90],
  ])('policy %j → mode %s for %i days', (policy, mode, days) => {
    const d = substituteNoticeDecision({ ...base, policy, unreachable: 1000 });
    expect(d.mode).toBe(mode);
    expect(d.durationDays).toBe(days);
  });

  it('a policy without a threshold met holds and names the thresholds', () => {
    const d = substituteNoticeDecision({ ...base, policy: bothPolicy, unreachable: 3 });
    expect(d.trip).toBe(false);
    expect(d.reason).toBe('3 of 1000 people could not be reached; the policy asks for a public announcement from 100 people or 50% of the audience.');
  });
});
