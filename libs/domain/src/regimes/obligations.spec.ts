import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { cacGrade, deriveObligations, diffObligations, type Obligation, type ObligationFacts, type OrganisationFacts } from './obligations.js';
import { REGIME_CATALOG } from './regime-catalog.js';
import type { CnGrade, RegimeId } from './regime-types.js';

const AWARE = '2026-03-02T08:00:00Z'; // Monday 09:00 in Berlin

function facts(over: Partial<ObligationFacts> = {}, org: Partial<OrganisationFacts> = {}): ObligationFacts {
  return {
    awareAt: AWARE,
    assessment: { riskLevel: 'risk', dataCategories: ['contact'], dataUnintelligible: false, approxSubjects: null },
    subjectCounts: {},
    ...over,
    organisation: { timeZone: 'Europe/Berlin', ...org, ...over.organisation },
  };
}

function derive(f: ObligationFacts, now?: string): Obligation[] {
  return deriveObligations(f, REGIME_CATALOG, now);
}

function row(rows: Obligation[], obligationId: string, phase = 'initial', jurisdiction: string | null = null): Obligation {
  const found = rows.filter((r) => r.obligationId === obligationId && r.phase === phase && (jurisdiction === null || r.jurisdiction === jurisdiction));
  if (found.length !== 1) throw new Error(`expected one ${obligationId}/${phase}, found ${found.length}: ${rows.map((r) => `${r.obligationId}/${r.phase}`).join(', ')}`);
  return found[0]!;
}

function regimes(rows: Obligation[]): RegimeId[] {
  return [...new Set(rows.map((r) => r.regime))];
}

const utc = (iso: string) => DateTime.fromISO(iso).toUTC().toISO();

// ---------------------------------------------------------------------------------------------------

describe('which regimes are in scope', () => {
  it.each<[string, Record<string, number>, Partial<OrganisationFacts>, RegimeId[]]>([
    ['EU subjects only', { DE: 1200 }, {}, ['EU_GDPR']],
    ['an EEA (non-EU) country', { NO: 3 }, {}, ['EU_GDPR']],
    ['an EU subdivision code', { 'DE-BY': 3 }, {}, ['EU_GDPR']],
    ['the UK', { GB: 10 }, {}, ['UK_GDPR']],
    ['Switzerland is neither', { CH: 10 }, {}, []],
    [
      'the example of the brief',
      { DE: 1200, 'US-CA': 600, US: 900, CN: 2e6 },
      { cnOperatorType: 'other', hipaaCoveredEntity: true, listedCompany: true, nis2Entity: 'important', doraFinancialEntity: true },
      ['EU_GDPR', 'CN_PIPL', 'CN_CAC_2025', 'US_HIPAA', 'US_CA', 'EU_NIS2', 'EU_DORA', 'US_SEC_8K'],
    ],
    ['New York and Texas', { 'US-NY': 10, 'US-TX': 10 }, {}, ['US_NY', 'US_TX']],
    ['organisation flags without subjects', {}, { nis2Entity: 'essential', doraFinancialEntity: true, listedCompany: true }, ['EU_NIS2', 'EU_DORA', 'US_SEC_8K']],
  ])('%s', (_name, counts, org, expected) => {
    expect(regimes(derive(facts({ subjectCounts: counts }, org)))).toEqual(expected);
  });

  it('is deterministic: same facts, same rows, whatever the key order of the counts', () => {
    const a = derive(facts({ subjectCounts: { DE: 1200, 'US-CA': 600, US: 900, CN: 2e6 } }, { cnOperatorType: 'other', hipaaCoveredEntity: true }));
    const b = derive(facts({ subjectCounts: { CN: 2e6, US: 900, 'US-CA': 600, DE: 1200 } }, { cnOperatorType: 'other', hipaaCoveredEntity: true }));
    expect(b).toEqual(a);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it.each<[string, Partial<ObligationFacts>, RegExp]>([
    ['an unknown jurisdiction code', { subjectCounts: { XX: 1 } }, /subjectCounts: 'XX'/],
    ['a negative count', { subjectCounts: { DE: -1 } }, /subjectCounts.DE/],
    ['a bad timestamp', { awareAt: 'yesterday' }, /awareAt/],
    ['a bad submission time', { submissions: [{ regime: 'EU_GDPR', obligationId: 'gdpr_sa', phase: 'initial', submittedAt: 'soon' }] }, /submissions\[0\]/],
    ['an unknown time zone', { organisation: { timeZone: 'Europe/Atlantis' } }, /timeZone/],
  ])('refuses %s', (_name, over, message) => {
    expect(() => derive(facts({ subjectCounts: { DE: 1 }, ...over }))).toThrow(message);
  });
});

describe('EU GDPR', () => {
  it.each<[string, Partial<ObligationFacts>, Partial<OrganisationFacts>, string, string]>([
    // name, facts, organisation, SA status, individuals status
    ['risk', {}, {}, 'due', 'not_applicable'],
    ['high risk', { assessment: { riskLevel: 'high', dataCategories: ['health'], dataUnintelligible: false } }, {}, 'due', 'due'],
    ['high risk, data unintelligible', { assessment: { riskLevel: 'high', dataCategories: ['health'], dataUnintelligible: true } }, {}, 'due', 'not_applicable'],
    ['unlikely to result in a risk', { assessment: { riskLevel: 'unlikely', dataCategories: ['contact'], dataUnintelligible: false } }, {}, 'not_applicable', 'not_applicable'],
    ['no assessment yet', { assessment: null }, {}, 'due', 'waiting'],
  ])('%s: SA %s, individuals %s', (_name, over, org, sa, individuals) => {
    const rows = derive(facts({ subjectCounts: { DE: 1200, FR: 30 }, ...over }, org));
    expect(row(rows, 'gdpr_sa').status).toBe(sa);
    expect(row(rows, 'gdpr_individuals').status).toBe(individuals);
    expect(row(rows, 'gdpr_sa').reasons[0]).toBe('1,230 people affected in EU/EEA countries (DE, FR): the GDPR applies.');
  });

  it('SA: 72 hours on the clock from awareness, without undue delay; individuals: no time, without undue delay', () => {
    const rows = derive(facts({ subjectCounts: { DE: 1 }, assessment: { riskLevel: 'high', dataCategories: ['contact'], dataUnintelligible: false } }));
    expect(row(rows, 'gdpr_sa')).toMatchObject({
      dueAt: '2026-03-05T08:00:00.000Z',
      qualifier: 'without_undue_delay',
      status: 'due',
      party: 'authority',
      clockStart: { anchor: 'awareness', at: '2026-03-02T08:00:00.000Z' },
      citation: 'GDPR Art. 33(1), 33(3), 33(4)',
    });
    expect(row(rows, 'gdpr_sa').content).toEqual(expect.arrayContaining(['nature', 'approx_data_subjects', 'dpo_contact', 'likely_consequences', 'measures_taken_or_proposed']));
    expect(row(rows, 'gdpr_individuals')).toMatchObject({ dueAt: null, qualifier: 'without_undue_delay', status: 'due', party: 'individuals' });
  });

  it.each([
    ['1 h before the March DST change', '2026-03-29T01:00:00+01:00', '2026-04-01T00:00:00.000Z', 2],
    ['1 h before the October DST change', '2026-10-25T02:00:00+02:00', '2026-10-28T00:00:00.000Z', 1],
  ])('awareness %s: the 72 h run on the clock', (_name, aware, due, localHour) => {
    const sa = row(derive(facts({ awareAt: aware, subjectCounts: { DE: 1 } })), 'gdpr_sa');
    expect(sa.dueAt).toBe(due);
    expect(DateTime.fromISO(sa.dueAt!).setZone('Europe/Berlin').hour).toBe(localHour);
  });

  it('follow-ups wait for the first notification, then are due without undue further delay', () => {
    expect(row(derive(facts({ subjectCounts: { DE: 1 } })), 'gdpr_sa', 'follow_up')).toMatchObject({ status: 'waiting', waitingFor: 'submission_of:initial' });
    const after = derive(facts({ subjectCounts: { DE: 1 }, submissions: [{ regime: 'EU_GDPR', obligationId: 'gdpr_sa', phase: 'initial', submittedAt: '2026-03-03T10:00:00Z' }] }));
    expect(row(after, 'gdpr_sa', 'follow_up')).toMatchObject({ status: 'due', dueAt: null, qualifier: 'without_undue_delay', clockStart: { anchor: 'submission_of:initial' } });
    expect(row(after, 'gdpr_sa').submittedAt).toBe('2026-03-03T10:00:00.000Z');
  });

  it.each<[string, string | undefined, string | undefined, boolean]>([
    ['submitted in time', '2026-03-04T10:00:00Z', '2026-03-10T00:00:00Z', false],
    ['submitted late', '2026-03-06T10:00:00Z', undefined, true],
    ['not submitted and the limit has passed', undefined, '2026-03-05T08:00:01Z', true],
    ['not submitted, limit not reached', undefined, '2026-03-05T07:59:59Z', false],
  ])('%s: reasons for delay required = %s', (_name, submittedAt, now, late) => {
    const submissions = submittedAt ? [{ regime: 'EU_GDPR' as const, obligationId: 'gdpr_sa', phase: 'initial', submittedAt }] : [];
    const sa = row(derive(facts({ subjectCounts: { DE: 1 }, submissions }), now), 'gdpr_sa');
    expect(sa.content.includes('reasons_for_delay')).toBe(late);
  });

  it('a processor tells the controller instead of the SA and the people', () => {
    const rows = derive(facts({ subjectCounts: { DE: 1 }, assessment: { riskLevel: 'high', dataCategories: ['contact'], dataUnintelligible: false } }, { role: 'processor' }));
    expect(rows.map((r) => r.obligationId)).toEqual(['gdpr_controller']);
    expect(row(rows, 'gdpr_controller')).toMatchObject({ party: 'controller', status: 'due', qualifier: 'without_undue_delay', dueAt: null });
  });
});

describe('UK GDPR and PECR', () => {
  const london = { timeZone: 'Europe/London' };
  it('ICO 72 h like the EU; PECR only for telecom providers', () => {
    const plain = derive(facts({ subjectCounts: { GB: 5 } }, london));
    expect(row(plain, 'uk_ico').dueAt).toBe('2026-03-05T08:00:00.000Z');
    expect(plain.some((r) => r.obligationId.startsWith('pecr'))).toBe(false);
    expect(row(plain, 'uk_ico').secondary.join(' ')).toMatch(/UK commentators/);
  });

  it('PECR: 24 h, then a second notification 3 days after the first (UNCONFIRMED anchor), and the monthly log', () => {
    const rows = derive(facts({ subjectCounts: { GB: 5 } }, { ...london, telecomProvider: true }));
    expect(row(rows, 'pecr_ico')).toMatchObject({ status: 'due', dueAt: '2026-03-03T08:00:00.000Z' });
    expect(row(rows, 'pecr_ico', 'second')).toMatchObject({ status: 'waiting', waitingFor: 'submission_of:initial' });
    expect(row(rows, 'pecr_ico', 'second').unconfirmed.join(' ')).toMatch(/3 calendar days after the first notification \(UNCONFIRMED\)/);
    const log = row(rows, 'pecr_breach_log', 'monthly_log');
    expect(log).toMatchObject({ status: 'due', dueAt: null, qualifier: 'monthly', phaseKind: 'periodic' });
    expect(log.reasons.join(' ')).toContain('PECR breach log for 2026-03');
    expect(log.unconfirmed.join(' ')).toMatch(/day of the month.*UNCONFIRMED/);

    const after = derive(
      facts({ subjectCounts: { GB: 5 }, submissions: [{ regime: 'UK_GDPR', obligationId: 'pecr_ico', phase: 'initial', submittedAt: '2026-03-02T20:00:00Z' }] }, { ...london, telecomProvider: true }),
    );
    expect(row(after, 'pecr_ico', 'second')).toMatchObject({ status: 'due', dueAt: '2026-03-05T23:59:59.999Z' });
  });
});

describe('China PIPL Art. 57', () => {
  it('departments and individuals, "immediately": no due time, a note instead', () => {
    const rows = derive(facts({ subjectCounts: { CN: 10 } }, { timeZone: 'Asia/Shanghai' }));
    for (const id of ['pipl_departments', 'pipl_individuals']) {
      const r = row(rows, id);
      expect(r).toMatchObject({ status: 'due', dueAt: null, qualifier: 'immediately', clockStart: { anchor: 'awareness' } });
      expect(r.notes.join(' ')).toMatch(/gives no hour or day figure/);
      expect(r.notes.join(' ')).toContain('No time limit is computed: the law says "immediately".');
    }
    expect(row(rows, 'pipl_departments').secondary.join(' ')).toMatch(/translation/);
  });

  it('individuals need not be told when measures effectively avoid harm (data unintelligible)', () => {
    const rows = derive(facts({ subjectCounts: { CN: 10 }, assessment: { riskLevel: 'high', dataCategories: ['contact'], dataUnintelligible: true } }, { timeZone: 'Asia/Shanghai' }));
    expect(row(rows, 'pipl_individuals').status).toBe('not_applicable');
    expect(row(rows, 'pipl_individuals').reasons.join(' ')).toMatch(/authority may still require/);
    expect(row(rows, 'pipl_departments').status).toBe('due');
  });
});

describe('China CAC Measures (2025)', () => {
  const grading = REGIME_CATALOG.regimes.find((r) => r.id === 'CN_CAC_2025')!.grading!;
  it.each<[number, number | null, CnGrade | null, CnGrade]>([
    [999_999, null, null, 'general'],
    [1_000_000, null, null, 'relatively_major'],
    [500, 5_000_000, null, 'relatively_major'],
    [10_000_000, null, null, 'major'],
    [2_000_000, 20_000_000, null, 'major'],
    [100_000_000, null, null, 'particularly_major'],
    [0, 100_000_000, null, 'particularly_major'],
    [10, null, 'major', 'major'],
    [20_000_000, null, 'relatively_major', 'major'],
  ])('%i people, loss ¥%s, other axes %s → %s', (peopleCount, loss, other, expected) => {
    expect(cacGrade(peopleCount, loss, grading, other)).toBe(expected);
  });

  const shanghai = { timeZone: 'Asia/Shanghai' };
  const discovered = '2026-03-02T10:00:00+08:00';
  it.each<[string, Record<string, number>, Partial<OrganisationFacts>, string[], string | null]>([
    // name, counts, organisation, obligations due, initial due
    ['other operator, 2 m people', { CN: 2e6 }, { cnOperatorType: 'other' }, ['cac_provincial'], '2026-03-02T06:00:00.000Z'],
    ['CIIO, ¥6 m loss', { CN: 500 }, { cnOperatorType: 'ciio', cnLossCny: 6e6 }, ['cac_ciio_protection_dept', 'cac_ciio_public_security'], '2026-03-02T03:00:00.000Z'],
    ['state organ, 12 m people', { CN: 1.2e7 }, { cnOperatorType: 'state_organ' }, ['cac_state_organ_office'], '2026-03-02T04:00:00.000Z'],
  ])('%s: reported to %j within the operator’s limit from discovery', (_name, counts, org, ids, initialDue) => {
    const rows = derive(facts({ discoveredAt: discovered, subjectCounts: counts }, { ...shanghai, ...org }));
    const cac = rows.filter((r) => r.regime === 'CN_CAC_2025');
    expect([...new Set(cac.map((r) => r.obligationId))]).toEqual(ids);
    for (const id of ids) {
      expect(row(rows, id)).toMatchObject({ status: 'due', dueAt: initialDue, clockStart: { anchor: 'discovery', at: utc(discovered) } });
      expect(row(rows, id).unconfirmed.join(' ')).toMatch(/numbering .* UNCONFIRMED/);
      expect(row(rows, id, 'supplement')).toMatchObject({ status: 'waiting', waitingFor: 'submission_of:initial' });
      expect(row(rows, id, 'final')).toMatchObject({ status: 'waiting', waitingFor: 'incident_handled' });
    }
  });

  it.each<[string, Record<string, number>, Partial<OrganisationFacts>, RegExp]>([
    ['general grade', { CN: 500_000 }, { cnOperatorType: 'other' }, /Graded general/],
    ['not a PRC network operator', { CN: 2e6 }, {}, /not recorded as a network operator/],
  ])('%s: not applicable, with the reason', (_name, counts, org, reason) => {
    const r = row(derive(facts({ subjectCounts: counts }, { ...shanghai, ...org })), 'cac_provincial');
    expect(r.status).toBe('not_applicable');
    expect(r.reasons.join(' ')).toMatch(reason);
  });

  it('a grade reached on another axis makes a small incident reportable', () => {
    const rows = derive(facts({ subjectCounts: { CN: 10 }, cnGradeOtherAxes: 'relatively_major' }, { ...shanghai, cnOperatorType: 'other' }));
    expect(row(rows, 'cac_provincial').status).toBe('due');
  });

  it('final report: 30 days after handling ends; supplement promptly after the initial report', () => {
    const rows = derive(
      facts(
        {
          discoveredAt: discovered,
          handledAt: '2026-03-20T18:00:00+08:00',
          subjectCounts: { CN: 2e6 },
          submissions: [{ regime: 'CN_CAC_2025', obligationId: 'cac_provincial', phase: 'initial', submittedAt: '2026-03-02T05:00:00Z' }],
        },
        { ...shanghai, cnOperatorType: 'other' },
      ),
    );
    expect(row(rows, 'cac_provincial', 'final')).toMatchObject({ status: 'due', dueAt: '2026-04-19T15:59:59.999Z', clockStart: { anchor: 'incident_handled' } });
    expect(row(rows, 'cac_provincial', 'supplement')).toMatchObject({ status: 'due', dueAt: null, qualifier: 'promptly' });
  });
});

describe('US HIPAA', () => {
  const ny = { timeZone: 'America/New_York', hipaaCoveredEntity: true };
  const health = { riskLevel: 'high' as const, dataCategories: ['health' as const], dataUnintelligible: false };
  const discovered = '2026-01-10T15:00:00-05:00';

  it('900 affected (600 in CA): individuals and HHS at once within 60 calendar days; media in California only', () => {
    const rows = derive(facts({ discoveredAt: discovered, assessment: health, subjectCounts: { 'US-CA': 600, US: 300 } }, ny));
    expect(row(rows, 'hipaa_individuals')).toMatchObject({ status: 'due', dueAt: '2026-03-12T03:59:59.999Z', qualifier: 'without_unreasonable_delay' });
    expect(row(rows, 'hipaa_media', 'initial', 'US-CA')).toMatchObject({ status: 'due', dueAt: '2026-03-12T03:59:59.999Z', party: 'media', jurisdiction: 'US-CA' });
    expect(row(rows, 'hipaa_hhs_immediate')).toMatchObject({ status: 'due', dueAt: '2026-03-12T03:59:59.999Z', qualifier: 'contemporaneous' });
    expect(row(rows, 'hipaa_hhs_annual', 'annual_log').status).toBe('not_applicable');
    expect(row(rows, 'hipaa_hhs_immediate').unconfirmed.join(' ')).toMatch(/HHS web-portal fields are UNCONFIRMED/);
    expect(row(rows, 'hipaa_individuals').unconfirmed.join(' ')).toMatch(/telephone .* UNCONFIRMED/);
  });

  it.each<[string, Record<string, number>, string[]]>([
    ['two States over 500', { 'US-TX': 700, 'US-CA': 501, 'US-NY': 500 }, ['US-CA', 'US-TX']],
    ['exactly 500 in one State', { 'US-NY': 500 }, []],
  ])('media per State with more than 500 residents: %s', (_name, counts, states) => {
    const media = derive(facts({ discoveredAt: discovered, assessment: health, subjectCounts: counts }, ny)).filter((r) => r.obligationId === 'hipaa_media');
    if (states.length === 0) {
      expect(media.map((r) => r.status)).toEqual(['not_applicable']);
      expect(media[0]!.reasons.join(' ')).toMatch(/largest: US-NY with 500/);
    } else {
      expect(media.map((r) => r.jurisdiction)).toEqual(states);
      expect(media.every((r) => r.status === 'due')).toBe(true);
    }
  });

  it.each<[string, Record<string, number>, number | null, string, string]>([
    ['499 affected', { US: 499 }, null, 'not_applicable', 'due'],
    ['500 affected', { US: 500 }, null, 'due', 'not_applicable'],
    ['counts 120, assessment estimates 800', { US: 120 }, 800, 'due', 'not_applicable'],
  ])('HHS at once (≥ 500) or in the annual log (< 500): %s', (_name, counts, approx, immediate, annual) => {
    const rows = derive(facts({ discoveredAt: discovered, assessment: { ...health, approxSubjects: approx }, subjectCounts: counts }, ny));
    expect(row(rows, 'hipaa_hhs_immediate').status).toBe(immediate);
    expect(row(rows, 'hipaa_hhs_annual', 'annual_log').status).toBe(annual);
  });

  it.each([
    ['mid-year', '2026-06-15T12:00:00-04:00', '2027-03-02T04:59:59.999Z'],
    ['31 Dec 23:30 New York time', '2026-12-31T23:30:00-05:00', '2027-03-02T04:59:59.999Z'],
    ['1 Jan 03:00 UTC, still 31 Dec in New York', '2027-01-01T03:00:00Z', '2027-03-02T04:59:59.999Z'],
    ['1 Jan 00:30 New York time: next year, leap-year deadline', '2027-01-01T00:30:00-05:00', '2028-03-01T04:59:59.999Z'],
  ])('annual log for a breach discovered %s', (_name, discoveredAt, due) => {
    const r = row(derive(facts({ discoveredAt, assessment: health, subjectCounts: { US: 12 } }, ny)), 'hipaa_hhs_annual', 'annual_log');
    expect(r).toMatchObject({ status: 'due', dueAt: due, clockStart: { anchor: 'calendar_year_end' } });
  });

  it.each<[string, Partial<ObligationFacts>, Partial<OrganisationFacts>, string | null]>([
    ['not a covered entity', { assessment: health }, { hipaaCoveredEntity: false }, null],
    ['no health data', { assessment: { ...health, dataCategories: ['contact'] } }, {}, 'not_applicable'],
    ['health data encrypted (secured PHI)', { assessment: { ...health, dataUnintelligible: true } }, {}, 'not_applicable'],
    ['no assessment yet', { assessment: null }, {}, 'waiting'],
  ])('%s → individuals %s', (_name, over, org, status) => {
    const rows = derive(facts({ discoveredAt: discovered, subjectCounts: { US: 12 }, ...over }, { ...ny, ...org }));
    const r = rows.filter((x) => x.obligationId === 'hipaa_individuals');
    expect(r.map((x) => x.status)).toEqual(status === null ? [] : [status]);
  });

  it('a business associate notifies the covered entity within 60 days of discovery', () => {
    const rows = derive(facts({ discoveredAt: discovered, assessment: health, subjectCounts: { US: 12 } }, { timeZone: 'America/New_York', hipaaBusinessAssociate: true }));
    expect(rows.map((r) => r.obligationId)).toEqual(['hipaa_covered_entity']);
    expect(row(rows, 'hipaa_covered_entity')).toMatchObject({ party: 'covered_entity', dueAt: '2026-03-12T03:59:59.999Z' });
  });
});

describe('California §1798.82', () => {
  const la = { timeZone: 'America/Los_Angeles' };
  const discovered = '2026-12-15T10:00:00-08:00';

  it('residents within 30 calendar days of discovery (across the year end); the AG waits for the residents’ notice', () => {
    const rows = derive(facts({ discoveredAt: discovered, subjectCounts: { 'US-CA': 600 } }, la));
    expect(row(rows, 'ca_residents')).toMatchObject({ status: 'due', dueAt: '2027-01-15T07:59:59.999Z', party: 'individuals' });
    expect(row(rows, 'ca_residents').unconfirmed.join(' ')).toMatch(/insufficient-contact-information ground is UNCONFIRMED/);
    expect(row(rows, 'ca_ag')).toMatchObject({ status: 'waiting', waitingFor: 'notice_sent:ca_residents', dueAt: null });
    expect(row(rows, 'ca_ag').secondary.join(' ')).toMatch(/15 calendar days after notifying consumers/);
  });

  it('notice_sent anchor: the AG is due 15 days after the first residents’ notice', () => {
    const rows = derive(
      facts(
        {
          discoveredAt: discovered,
          subjectCounts: { 'US-CA': 600 },
          notices: [
            { obligationId: 'ca_residents', sentAt: '2027-01-07T09:00:00-08:00' },
            { obligationId: 'ca_residents', sentAt: '2027-01-05T17:00:00-08:00' },
          ],
        },
        la,
      ),
    );
    expect(row(rows, 'ca_ag')).toMatchObject({ status: 'due', dueAt: '2027-01-21T07:59:59.999Z', clockStart: { anchor: 'notice_sent:ca_residents', at: '2027-01-06T01:00:00.000Z' } });
    expect(row(rows, 'ca_residents').submittedAt).toBe('2027-01-06T01:00:00.000Z');
  });

  it.each<[string, number, Partial<ObligationFacts>, string, string]>([
    ['500 residents', 500, {}, 'due', 'not_applicable'],
    ['501 residents', 501, {}, 'due', 'waiting'],
    ['data unintelligible', 5000, { assessment: { riskLevel: 'risk', dataCategories: ['contact'], dataUnintelligible: true } }, 'not_applicable', 'not_applicable'],
  ])('%s: residents %s, AG %s', (_name, n, over, residents, ag) => {
    const rows = derive(facts({ discoveredAt: discovered, subjectCounts: { 'US-CA': n }, ...over }, la));
    expect(row(rows, 'ca_residents').status).toBe(residents);
    expect(row(rows, 'ca_ag').status).toBe(ag);
  });

  it('a party maintaining data it does not own tells the owner immediately', () => {
    const rows = derive(facts({ discoveredAt: discovered, subjectCounts: { 'US-CA': 600 } }, { ...la, role: 'processor' }));
    expect(rows.map((r) => r.obligationId)).toEqual(['ca_data_owner']);
    expect(row(rows, 'ca_data_owner')).toMatchObject({ party: 'data_owner', qualifier: 'immediately', dueAt: null, status: 'due' });
  });
});

describe('New York §899-aa', () => {
  const nyc = { timeZone: 'America/New_York' };
  const discovered = '2026-03-02T09:00:00-05:00';

  it('residents within 30 days of discovery; four regulators at the same time (UNCONFIRMED timing)', () => {
    const rows = derive(facts({ discoveredAt: discovered, subjectCounts: { 'US-NY': 6000 } }, nyc));
    expect(row(rows, 'ny_residents')).toMatchObject({ status: 'due', dueAt: '2026-04-02T03:59:59.999Z' });
    expect(row(rows, 'ny_residents').unconfirmed.join(' ')).toMatch(/NY individual content list is UNCONFIRMED/);
    expect(row(rows, 'ny_residents').unconfirmed.join(' ')).toMatch(/posting is UNCONFIRMED/);
    for (const id of ['ny_ag', 'ny_dos', 'ny_state_police', 'ny_dfs']) {
      const r = row(rows, id);
      expect(r).toMatchObject({ status: 'due', dueAt: '2026-04-02T03:59:59.999Z', qualifier: 'contemporaneous', party: 'authority' });
      expect(r.unconfirmed.join(' ')).toMatch(/simultaneity per statute text\) — UNCONFIRMED/);
      expect(r.unconfirmed.join(' ')).toMatch(/template .* UNCONFIRMED/);
    }
    expect(row(rows, 'ny_cras')).toMatchObject({ status: 'waiting', waitingFor: 'notice_sent:ny_residents', party: 'consumer_reporting_agencies' });
    expect(row(rows, 'ny_cras').unconfirmed.join(' ')).toMatch(/no time limit.*UNCONFIRMED/);
  });

  it('consumer reporting agencies only above 5,000 New York residents', () => {
    expect(row(derive(facts({ discoveredAt: discovered, subjectCounts: { 'US-NY': 5000 } }, nyc)), 'ny_cras').status).toBe('not_applicable');
  });
});

describe('Texas §521.053', () => {
  const chicago = { timeZone: 'America/Chicago' };
  it.each<[string, Partial<ObligationFacts>, boolean]>([
    ['from the determination that the breach occurred', { breachDeterminedAt: '2026-03-02T09:00:00-06:00', discoveredAt: '2026-02-20T09:00:00-06:00' }, false],
    ['discovery standing in for a missing determination', { discoveredAt: '2026-03-02T09:00:00-06:00' }, true],
  ])('individuals 60 days and AG 30 days %s', (_name, over, assumed) => {
    const rows = derive(facts({ subjectCounts: { 'US-TX': 300 }, ...over }, chicago));
    expect(row(rows, 'tx_individuals')).toMatchObject({ status: 'due', dueAt: '2026-05-02T04:59:59.999Z' });
    expect(row(rows, 'tx_ag')).toMatchObject({ status: 'due', dueAt: '2026-04-02T04:59:59.999Z', qualifier: 'as_soon_as_practicable' });
    expect(row(rows, 'tx_ag').notes.some((n) => n.includes('discovery time is used'))).toBe(assumed);
    expect(row(rows, 'tx_individuals').unconfirmed.join(' ')).toMatch(/substitute-notice rule is UNCONFIRMED/);
    expect(row(rows, 'tx_individuals').unconfirmed.join(' ')).toMatch(/prescribes no individual-notice content .* UNCONFIRMED/);
  });

  it.each<[Record<string, number>, string, string]>([
    [{ 'US-TX': 249 }, 'not_applicable', 'not_applicable'],
    [{ 'US-TX': 250 }, 'due', 'not_applicable'],
    [{ 'US-TX': 250, DE: 10_000 }, 'due', 'waiting'],
  ])('%j: AG %s, CRAs %s', (counts, ag, cras) => {
    const rows = derive(facts({ discoveredAt: '2026-03-02T09:00:00-06:00', subjectCounts: counts }, chicago));
    expect(row(rows, 'tx_ag').status).toBe(ag);
    expect(row(rows, 'tx_cras').status).toBe(cras);
    if (cras === 'waiting') expect(row(rows, 'tx_cras').unconfirmed.join(' ')).toMatch(/>10,000 persons\) and its timing are UNCONFIRMED/);
  });
});

describe('EU NIS2', () => {
  const org = { nis2Entity: 'essential' as const };
  const notified = { regime: 'EU_NIS2' as const, obligationId: 'nis2_csirt', phase: 'notification', submittedAt: '2026-03-05T07:00:00Z' };

  it('early warning 24 h, notification 72 h; the final report waits for the notification', () => {
    const rows = derive(facts({}, org));
    expect(row(rows, 'nis2_csirt', 'early_warning')).toMatchObject({ status: 'due', dueAt: '2026-03-03T08:00:00.000Z', phaseKind: 'initial' });
    expect(row(rows, 'nis2_csirt', 'notification')).toMatchObject({ status: 'due', dueAt: '2026-03-05T08:00:00.000Z' });
    expect(row(rows, 'nis2_csirt', 'final')).toMatchObject({ status: 'waiting', waitingFor: 'submission_of:notification', dueAt: null });
    expect(row(rows, 'nis2_csirt', 'early_warning').reasons.join(' ')).toMatch(/treated as significant until recorded otherwise/);
  });

  it('final report one month after the notification (Easter Sunday 2026: not rolled, flagged UNCONFIRMED)', () => {
    const final = row(derive(facts({ submissions: [notified] }, org), '2026-03-10T00:00:00Z'), 'nis2_csirt', 'final');
    expect(final).toMatchObject({ status: 'due', dueAt: '2026-04-05T21:59:59.999Z', clockStart: { anchor: 'submission_of:notification', at: '2026-03-05T07:00:00.000Z' } });
    expect(DateTime.fromISO(final.dueAt!).setZone('Europe/Berlin').weekday).toBe(7);
    expect(final.unconfirmed.join(' ')).toMatch(/1182\/71 .* UNCONFIRMED/);
    expect(final.notes.join(' ')).toMatch(/still ongoing/);
  });

  it.each<[string, string | null, string | undefined, [string, string, string | null][]]>([
    ['handled before the final report falls due', '2026-03-20T00:00:00Z', undefined, [['final', 'due', '2026-04-05T21:59:59.999Z']]],
    [
      'handled after it: progress report then, final one month after handling',
      '2026-05-10T10:00:00+02:00',
      undefined,
      [
        ['progress', 'due', '2026-04-05T21:59:59.999Z'],
        ['final', 'due', '2026-06-10T21:59:59.999Z'],
      ],
    ],
    [
      'still ongoing after the date',
      null,
      '2026-04-10T00:00:00Z',
      [
        ['progress', 'due', '2026-04-05T21:59:59.999Z'],
        ['final', 'waiting', null],
      ],
    ],
  ])('%s', (_name, handledAt, now, expected) => {
    const rows = derive(facts({ submissions: [notified], handledAt }, org), now).filter((r) => r.obligationId === 'nis2_csirt' && ['progress', 'final'].includes(r.phase));
    expect(rows.map((r) => [r.phase, r.status, r.dueAt])).toEqual(expected);
  });

  it.each<[string, boolean | null, Partial<OrganisationFacts>, string | null]>([
    ['not significant', false, {}, null],
    ['significant trust service provider: notification in 24 h [S]', true, { sector: 'trust_services' }, '2026-03-03T08:00:00.000Z'],
  ])('%s', (_name, significant, extra, notificationDue) => {
    const rows = derive(facts({ nis2Significant: significant }, { ...org, ...extra }));
    if (notificationDue === null) {
      expect(rows.map((r) => r.status)).toEqual(['not_applicable', 'not_applicable']);
    } else {
      expect(row(rows, 'nis2_csirt', 'notification').dueAt).toBe(notificationDue);
      expect(row(rows, 'nis2_csirt', 'notification').secondary.join(' ')).toMatch(/Trust service providers/);
    }
  });
});

describe('EU DORA', () => {
  const dora = { doraFinancialEntity: true };
  it('waits for the classification as major', () => {
    const rows = derive(facts({}, dora));
    expect(rows.map((r) => [r.obligationId, r.phase, r.status, r.waitingFor])).toEqual([
      ['dora_authority', 'initial', 'waiting', 'classification_major'],
      ['dora_authority', 'intermediate', 'waiting', 'submission_of:initial'],
      ['dora_authority', 'final', 'waiting', 'submission_of:intermediate'],
      ['dora_clients', 'initial', 'waiting', 'classification_major'],
    ]);
  });

  it.each<[string, string, string, string, boolean]>([
    ['classified 2 h after awareness: 4 h from classification', '2026-03-02T10:00:00Z', '2026-03-02T14:00:00.000Z', 'classification_major', false],
    ['classified 21 h after awareness: 24 h from awareness', '2026-03-03T05:00:00Z', '2026-03-03T08:00:00.000Z', 'awareness', false],
    ['classified 30 h after awareness: 4 h from classification [S]', '2026-03-03T14:00:00Z', '2026-03-03T18:00:00.000Z', 'classification_major', true],
  ])('initial notification, earliest of both: %s', (_name, classifiedMajorAt, due, anchor, droppedNote) => {
    const r = row(derive(facts({ classifiedMajorAt }, dora)), 'dora_authority');
    expect(r).toMatchObject({ status: 'due', dueAt: due, clockStart: { anchor } });
    expect(r.notes.some((n) => n.includes('ran out before'))).toBe(droppedNote);
    expect(r.secondary.join(' ')).toMatch(/later than 24 h after awareness/);
  });

  it('intermediate 72 h after the initial; final one month after the latest intermediate', () => {
    const rows = derive(
      facts(
        {
          classifiedMajorAt: '2026-03-02T10:00:00Z',
          submissions: [
            { regime: 'EU_DORA', obligationId: 'dora_authority', phase: 'initial', submittedAt: '2026-03-02T13:00:00Z' },
            { regime: 'EU_DORA', obligationId: 'dora_authority', phase: 'intermediate', submittedAt: '2026-03-05T12:00:00Z' },
            { regime: 'EU_DORA', obligationId: 'dora_authority', phase: 'intermediate', submittedAt: '2026-03-12T09:00:00Z' },
          ],
        },
        dora,
      ),
    );
    expect(row(rows, 'dora_authority', 'intermediate')).toMatchObject({ dueAt: '2026-03-05T13:00:00.000Z', submittedAt: '2026-03-05T12:00:00.000Z' });
    expect(row(rows, 'dora_authority', 'final')).toMatchObject({ status: 'due', dueAt: '2026-04-12T21:59:59.999Z', clockStart: { at: '2026-03-12T09:00:00.000Z' } });
  });

  it.each<[string, boolean, string, string, boolean]>([
    // Friday 17:00 awareness, classified Saturday 10:00 (Berlin): the limit falls on Saturday 14:00
    ['without the relief', false, 'initial', '2026-03-07T13:00:00.000Z', false],
    ['with the relief: Monday 12:00', true, 'initial', '2026-03-09T11:00:00.000Z', true],
  ])('weekend relief, %s', (_name, relief, phase, due, flagged) => {
    const r = row(derive(facts({ awareAt: '2026-03-06T16:00:00Z', classifiedMajorAt: '2026-03-07T09:00:00Z' }, { ...dora, doraWeekendRelief: relief })), 'dora_authority', phase);
    expect(r.dueAt).toBe(due);
    expect(r.unconfirmed.some((u) => u.includes('excluded from the DORA weekend/holiday relief are UNCONFIRMED'))).toBe(flagged);
    expect(r.secondary.some((s) => s.includes('12:00 of the next working day'))).toBe(flagged);
  });

  it('weekend relief moves a Sunday final report and honours the configured holidays', () => {
    const submissions = [{ regime: 'EU_DORA' as const, obligationId: 'dora_authority', phase: 'intermediate', submittedAt: '2026-03-12T09:00:00Z' }];
    const base = facts({ classifiedMajorAt: '2026-03-02T10:00:00Z', submissions }, { ...dora, doraWeekendRelief: true, holidays: ['2026-04-13'] });
    expect(row(derive(base), 'dora_authority', 'final').dueAt).toBe('2026-04-14T10:00:00.000Z');
  });
});

describe('US SEC Form 8-K Item 1.05', () => {
  const sec = { timeZone: 'America/New_York', listedCompany: true };
  it.each<[string, string | null, string[], string | null]>([
    ['not yet determined material', null, [], null],
    ['determined on a Thursday: over the weekend', '2026-03-05T16:00:00-05:00', [], '2026-03-12T03:59:59.999Z'],
    ['determined on a Thursday, Monday a holiday', '2026-03-05T16:00:00-05:00', ['2026-03-09'], '2026-03-13T03:59:59.999Z'],
  ])('%s', (_name, materialityDeterminedAt, holidays, due) => {
    const r = row(derive(facts({ materialityDeterminedAt }, { ...sec, holidays })), 'sec_8k');
    expect(r.party).toBe('investors');
    if (due === null) expect(r).toMatchObject({ status: 'waiting', waitingFor: 'materiality_determination' });
    else expect(r).toMatchObject({ status: 'due', dueAt: due });
  });

  it('8-K/A: 4 business days after the missing information is determined', () => {
    const rows = derive(facts({ materialityDeterminedAt: '2026-03-05T16:00:00-05:00' }, sec));
    expect(row(rows, 'sec_8k', 'amendment')).toMatchObject({ status: 'waiting', waitingFor: 'info_determined' });
    const later = derive(facts({ materialityDeterminedAt: '2026-03-05T16:00:00-05:00', infoDeterminedAt: '2026-03-20T10:00:00-04:00' }, sec));
    expect(row(later, 'sec_8k', 'amendment')).toMatchObject({ status: 'due', dueAt: '2026-03-27T03:59:59.999Z' });
  });
});

describe('diffObligations', () => {
  const base = facts({ discoveredAt: '2026-12-15T10:00:00-08:00', subjectCounts: { DE: 10, 'US-CA': 600 } }, { timeZone: 'America/Los_Angeles' });

  it('reports nothing for the same facts', () => {
    expect(diffObligations(derive(base), derive(base))).toEqual({ added: [], dropped: [], moved: [], statusChanged: [] });
  });

  it('lists moved due times, new and dropped obligations, and status changes', () => {
    const before = derive(base);
    const after = derive({
      ...base,
      discoveredAt: '2026-12-10T10:00:00-08:00',
      assessment: { riskLevel: 'high', dataCategories: ['contact'], dataUnintelligible: false },
      subjectCounts: { 'US-CA': 600 },
      notices: [{ obligationId: 'ca_residents', sentAt: '2027-01-05T17:00:00-08:00' }],
    });
    const diff = diffObligations(before, after);
    expect(diff.added.map((o) => o.obligationId)).toEqual([]);
    expect(diff.dropped.map((o) => `${o.obligationId}/${o.phase}`)).toEqual(['gdpr_sa/initial', 'gdpr_sa/follow_up']);
    expect(diff.moved.map((m) => [m.key, m.before, m.after])).toEqual([
      ['US_CA|ca_residents|initial|', '2027-01-15T07:59:59.999Z', '2027-01-10T07:59:59.999Z'],
      ['US_CA|ca_ag|initial|', null, '2027-01-21T07:59:59.999Z'],
    ]);
    expect(diff.statusChanged.map((s) => [s.key, s.before, s.after])).toEqual([['US_CA|ca_ag|initial|', 'waiting', 'due']]);
  });

  it('an obligation that starts to apply is new', () => {
    const high = { ...base, assessment: { riskLevel: 'high' as const, dataCategories: ['contact' as const], dataUnintelligible: false } };
    const diff = diffObligations(derive(base), derive(high));
    expect(diff.added.map((o) => o.obligationId)).toEqual(['gdpr_individuals']);
    expect(diff.dropped).toEqual([]);
  });
});
