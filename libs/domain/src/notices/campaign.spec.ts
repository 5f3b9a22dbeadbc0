import { describe, expect, it } from '@jest/globals';
import { campaignContentHash, type FrozenCampaign, isCampaignCancellable, isCampaignEditable, validateCampaignDraft } from './campaign.js';

const en = {
  subject: 'Security incident', whatHappened: 'a', measuresTaken: 'b', selfProtection: 'c', remedialMeasures: 'd', contactPoint: 'e',
};

function draft(over: Record<string, unknown> = {}) {
  return { audience: { kind: 'all' }, channelChain: ['email', 'letter'], defaultLanguage: 'en', content: { en }, substitutePolicy: null, ...over };
}

describe('campaign draft validation', () => {
  it('accepts a draft and returns it in canonical form', () => {
    const r = validateCampaignDraft(draft({
      defaultLanguage: 'EN-us', content: { 'en-us': en },
      audience: { kind: 'filter', jurisdictions: ['de', 'US-CA', 'DE'], dataCategories: ['Contact'] },
      substitutePolicy: { unreachableShare: 0.2, mode: 'draft_for_approval', durationDays: 30 },
    }));
    expect(r).toEqual({ ok: true, value: {
      audience: { kind: 'filter', jurisdictions: ['DE', 'US-CA'], dataCategories: ['contact'] },
      channelChain: ['email', 'letter'], defaultLanguage: 'en-US', content: { 'en-US': en },
      substitutePolicy: { unreachableShare: 0.2, mode: 'draft_for_approval', durationDays: 30 },
    } });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['an empty chain', { channelChain: [] }, ['channelChain']],
    ['an unknown channel', { channelChain: ['email', 'fax'] }, ['channelChain[1]']],
    ['a repeated channel', { channelChain: ['email', 'sms', 'email'] }, ['channelChain[2]']],
    ['an unknown audience kind', { audience: { kind: 'some' } }, ['audience.kind']],
    ['extra fields with kind all', { audience: { kind: 'all', jurisdictions: ['DE'] } }, ['audience.jurisdictions']],
    ['an empty filter', { audience: { kind: 'filter', jurisdictions: [], dataCategories: [] } }, ['audience']],
    ['a bad jurisdiction', { audience: { kind: 'filter', jurisdictions: ['XX'] } }, ['audience.jurisdictions[0]']],
    ['a bad data category', { audience: { kind: 'filter', dataCategories: ['shoe_size'] } }, ['audience.dataCategories[0]']],
    ['a bad default language', { defaultLanguage: 'english please' }, ['defaultLanguage']],
    ['a default language without content', { defaultLanguage: 'de' }, ['content.de']],
    ['a policy without threshold', { substitutePolicy: { mode: 'auto_publish', durationDays: 30 } }, ['substitutePolicy']],
    ['a policy with a share above 1', { substitutePolicy: { unreachableShare: 1.5, mode: 'auto_publish', durationDays: 30 } }, ['substitutePolicy.unreachableShare']],
    ['a policy with a bad mode and no duration', { substitutePolicy: { unreachableCount: 10, mode: 'publish' } }, ['substitutePolicy.mode', 'substitutePolicy.durationDays']],
    ['a policy with a count of 0', { substitutePolicy: { unreachableCount: 0, mode: 'auto_publish', durationDays: 30 } }, ['substitutePolicy.unreachableCount']],
  ])('refuses %s, naming the field', (_case, over, expected) => {
    const r = validateCampaignDraft(draft(over));
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.issues.map((i) => i.field)).toEqual(expected);
  });

  it('names every problem at once, across the draft', () => {
    const r = validateCampaignDraft(draft({ channelChain: ['pigeon'], content: { en: { ...en, selfProtection: '' }, fr: { subject: 'x' } } }));
    expect(r.ok ? [] : r.issues.map((i) => i.field)).toEqual([
      'channelChain[0]', 'content.en.selfProtection',
      'content.fr.whatHappened', 'content.fr.measuresTaken', 'content.fr.selfProtection', 'content.fr.remedialMeasures', 'content.fr.contactPoint',
    ]);
  });
});

describe('campaign content hash', () => {
  const frozen: FrozenCampaign = { audience: { kind: 'all' }, channelChain: ['email'], defaultLanguage: 'en', content: { en }, substitutePolicy: null, remediation: null };

  it('is a SHA-256 hex digest that ignores key order', () => {
    const h = campaignContentHash(frozen);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    const reordered = { remediation: null, substitutePolicy: null, content: { en: { ...en } }, defaultLanguage: 'en', channelChain: ['email'], audience: { kind: 'all' } } as FrozenCampaign;
    expect(campaignContentHash(reordered)).toBe(h);
  });

  it.each<[string, Partial<FrozenCampaign>]>([
    ['the audience', { audience: { kind: 'filter', jurisdictions: ['DE'], dataCategories: [] } }],
    ['the chain order', { channelChain: ['email', 'sms'] }],
    ['the default language', { defaultLanguage: 'de', content: { en, de: en } }],
    ['a language added', { content: { en, de: en } }],
    ['a text', { content: { en: { ...en, contactPoint: 'f' } } }],
    ['the policy', { substitutePolicy: { unreachableCount: 5, mode: 'auto_publish', durationDays: 30 } }],
    ['the remediation pulled in', { remediation: [{ kind: 'support', wording: 'x' }] }],
  ])('changes with %s', (_case, over) => {
    expect(campaignContentHash({ ...frozen, ...over })).not.toBe(campaignContentHash(frozen));
  });
});

describe('campaign status rules', () => {
  it.each([
    ['draft', true, true],
    ['approved', true, true],
    ['running', false, true],
    ['completed', false, false],
    ['cancelled', false, false],
  ] as const)('%s: editable %s, cancellable %s', (status, editable, cancellable) => {
    expect(isCampaignEditable(status)).toBe(editable);
    expect(isCampaignCancellable(status)).toBe(cancellable);
  });
});
