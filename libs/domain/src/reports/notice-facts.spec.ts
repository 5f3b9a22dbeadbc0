import { describe, expect, it } from '@jest/globals';
import { noticeFactsFromCampaigns, noticesReachedBy } from './notice-facts.js';

describe('which individuals’ notices a campaign counts for', () => {
  it.each<[string, string[] | null, string[]]>([
    ['everyone', null, ['gdpr_individuals', 'uk_individuals', 'pipl_individuals', 'hipaa_individuals', 'ca_residents', 'ny_residents', 'tx_individuals']],
    ['no jurisdiction filter', [], ['gdpr_individuals', 'uk_individuals', 'pipl_individuals', 'hipaa_individuals', 'ca_residents', 'ny_residents', 'tx_individuals']],
    ['Californians', ['US-CA'], ['hipaa_individuals', 'ca_residents']],
    ['the whole US (includes every State)', ['US'], ['hipaa_individuals', 'ca_residents', 'ny_residents', 'tx_individuals']],
    ['an EU subdivision', ['DE-BY'], ['gdpr_individuals']],
    ['Norway (EEA)', ['NO'], ['gdpr_individuals']],
    ['Switzerland (neither)', ['CH'], []],
    ['China and the UK', ['CN', 'GB'], ['uk_individuals', 'pipl_individuals']],
  ])('%s', (_name, jurisdictions, expected) => {
    expect(noticesReachedBy(jurisdictions)).toEqual(expected);
  });

  it('gives one fact per reached notice, and none for a campaign that sent nothing yet', () => {
    const facts = noticeFactsFromCampaigns([
      { campaignId: 'a', jurisdictions: ['US-TX'], firstSentAt: '2026-11-20T10:00:00.000Z' },
      { campaignId: 'b', jurisdictions: null, firstSentAt: null },
    ]);
    expect(facts).toEqual([
      { obligationId: 'hipaa_individuals', sentAt: '2026-11-20T10:00:00.000Z', jurisdiction: null },
      { obligationId: 'tx_individuals', sentAt: '2026-11-20T10:00:00.000Z', jurisdiction: null },
    ]);
  });
});
