import { describe, expect, it } from '@jest/globals';
import { Duration } from 'luxon';
import { notificationRuleIds } from './obligations.js';
import { REGIME_CATALOG } from './regime-catalog.js';
import { type ClockStart, type Deadline, FIXED_CLOCK_STARTS, PARTIES, PHASE_KINDS, QUALIFIERS, REGIME_IDS, type RegimeEntry, type RegimeId } from './regime-types.js';

const regimes = REGIME_CATALOG.regimes;
const notifications = regimes.flatMap((r) => r.notifications.map((n) => ({ regime: r.id, n })));

function deadlines(d: Deadline): Deadline[] {
  return 'earliestOf' in d ? [d, ...d.earliestOf.flatMap(deadlines)] : [d];
}
const allDeadlines = regimes.flatMap((r) =>
  r.notifications.flatMap((n) =>
    n.phases.flatMap((p) => [
      ...deadlines(p.deadline),
      ...(p.ifStillOngoing ? deadlines(p.ifStillOngoing.finalDeadline) : []),
      ...(p.sectorOverrides ?? []).flatMap((o) => deadlines(o.deadline)),
    ]),
  ),
);

/** Every UNCONFIRMED item of a regime: where it sits and its note. */
function unconfirmedItems(r: RegimeEntry): { where: string; note: string | undefined }[] {
  const out: { where: string; note: string | undefined }[] = [];
  const caveats = (where: string, list: RegimeEntry['caveats']) => list?.filter((c) => c.unconfirmed).forEach((c) => out.push({ where, note: c.note }));
  caveats(r.id, r.caveats);
  caveats(`${r.id} calendar rule`, r.calendarRule?.caveats);
  r.records?.filter((x) => x.unconfirmed).forEach((x) => out.push({ where: `${r.id} records`, note: x.note }));
  r.delays?.filter((x) => x.unconfirmed).forEach((x) => out.push({ where: `${r.id} delays`, note: x.note }));
  for (const n of r.notifications) {
    caveats(n.id, n.caveats);
    n.content?.filter((f) => f.unconfirmed).forEach((f) => out.push({ where: `${n.id} content ${f.id}`, note: f.note }));
    n.substitute?.filter((s) => s.unconfirmed).forEach((s) => out.push({ where: `${n.id} substitute`, note: s.note }));
    for (const p of n.phases) {
      caveats(`${n.id} ${p.id}`, p.caveats);
      p.content?.filter((f) => f.unconfirmed).forEach((f) => out.push({ where: `${n.id} ${p.id} content ${f.id}`, note: f.note }));
    }
  }
  return out;
}

describe('the regime catalog', () => {
  it('is versioned by date and covers every regime once, in a fixed order', () => {
    expect(REGIME_CATALOG.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(regimes.map((r) => r.id)).toEqual([...REGIME_IDS]);
  });

  it('gives every notification an id unique across the catalog (notices sent name it alone) and a derivation rule', () => {
    const ids = notifications.map(({ n }) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...notificationRuleIds()].sort()).toEqual([...ids].sort());
  });

  it.each(regimes.map((r) => [r.id, r] as const))('%s cites its sources and names parties, phases and content in the vocabulary', (_id, r) => {
    expect(r.citation.length).toBeGreaterThan(5);
    expect(r.sources.length).toBeGreaterThan(0);
    expect(r.notifications.length).toBeGreaterThan(0);
    for (const n of r.notifications) {
      expect(n.citation.length).toBeGreaterThan(5);
      expect(PARTIES).toContain(n.party);
      expect(n.phases.length).toBeGreaterThan(0);
      expect(new Set(n.phases.map((p) => p.id)).size).toBe(n.phases.length);
      for (const p of n.phases) {
        expect(PHASE_KINDS).toContain(p.kind);
        for (const f of [...(p.content ?? []), ...(n.content ?? [])]) expect(f.id).toMatch(/^[a-z][a-z0-9_]*$/);
      }
    }
  });

  it('uses only known clock starts and qualifiers; durations are clock time, days and months positive whole numbers', () => {
    const phaseIds = new Set(regimes.flatMap((r) => r.notifications.flatMap((n) => n.phases.map((p) => p.id))));
    const ids = new Set(notifications.map(({ n }) => n.id));
    const known = (c: ClockStart) =>
      (FIXED_CLOCK_STARTS as readonly string[]).includes(c) ||
      (c.startsWith('submission_of:') && phaseIds.has(c.slice('submission_of:'.length))) ||
      (c.startsWith('notice_sent:') && ids.has(c.slice('notice_sent:'.length)));
    for (const d of allDeadlines) {
      if ('earliestOf' in d) continue;
      if ('from' in d && d.from !== undefined) expect(known(d.from)).toBe(true);
      if (d.qualifier !== undefined) expect(QUALIFIERS).toContain(d.qualifier);
      if ('duration' in d) {
        const dur = Duration.fromISO(d.duration);
        expect(dur.isValid).toBe(true);
        expect(d.duration).toMatch(/^PT\d+[HM]$/);
      }
      if ('days' in d) expect(Number.isInteger(d.days) && d.days > 0).toBe(true);
      if ('months' in d) expect(Number.isInteger(d.months) && d.months > 0).toBe(true);
    }
  });

  it('gives every UNCONFIRMED item a note that says so', () => {
    const items = regimes.flatMap(unconfirmedItems);
    expect(items.length).toBeGreaterThanOrEqual(20);
    for (const item of items) expect(item.note ?? '').toContain('UNCONFIRMED');
  });

  it.each<[RegimeId, string, RegExp]>([
    // The open items of regulations.md §14, and the other UNCONFIRMED marks in its tables
    ['EU_GDPR', 'EU_GDPR records', /retention period .* UNCONFIRMED/i],
    ['EU_GDPR', 'EU_GDPR', /1182\/71 .* UNCONFIRMED/],
    ['EU_NIS2', 'nis2_csirt final', /1182\/71 .* UNCONFIRMED/],
    ['EU_NIS2', 'EU_NIS2', /CSIRT answers the early warning/],
    ['UK_GDPR', 'pecr_ico second', /UNCONFIRMED/],
    ['UK_GDPR', 'pecr_breach_log monthly_log', /UNCONFIRMED/],
    ['CN_CAC_2025', 'cac_provincial initial', /numbering .* UNCONFIRMED/],
    ['CN_CAC_2025', 'CN_CAC_2025 records', /retention rules are UNCONFIRMED/],
    ['US_HIPAA', 'hipaa_hhs_immediate content hhs_portal_fields', /HHS web-portal fields are UNCONFIRMED/],
    ['US_HIPAA', 'hipaa_hhs_annual content hhs_portal_fields', /HHS web-portal fields are UNCONFIRMED/],
    ['US_HIPAA', 'hipaa_individuals initial', /telephone .* UNCONFIRMED/],
    ['US_CA', 'ca_residents substitute', /insufficient-contact-information ground is UNCONFIRMED/],
    ['US_NY', 'ny_residents content notifier_contact', /content list is UNCONFIRMED/],
    ['US_NY', 'ny_residents content information_categories', /content list is UNCONFIRMED/],
    ['US_NY', 'ny_residents substitute', /posting is UNCONFIRMED/],
    ['US_NY', 'ny_ag initial', /simultaneity .* UNCONFIRMED/],
    ['US_NY', 'ny_dfs content notice_template', /template .* UNCONFIRMED/],
    ['US_TX', 'tx_individuals substitute', /substitute-notice rule is UNCONFIRMED/],
    ['US_TX', 'tx_individuals content no_prescribed_headings', /UNCONFIRMED/],
    ['US_TX', 'tx_cras initial', />10,000 persons\) and its timing are UNCONFIRMED/],
    ['EU_DORA', 'EU_DORA calendar rule', /excluded from the DORA weekend\/holiday relief are UNCONFIRMED/],
    ['EU_DORA', 'EU_DORA records', /paragraph number .* UNCONFIRMED/],
    ['US_SEC_8K', 'US_SEC_8K delays', /Extensions beyond 30 days are UNCONFIRMED/],
    ['US_SEC_8K', 'US_SEC_8K', /CPNI.*UNCONFIRMED/],
  ])('%s flags %s as UNCONFIRMED', (regimeId, where, note) => {
    const items = unconfirmedItems(regimes.find((r) => r.id === regimeId)!);
    expect(items.filter((i) => i.where === where && note.test(i.note ?? ''))).not.toHaveLength(0);
  });

  it.each<[string, string, Record<string, unknown>]>([
    // Figures of the reference, read back from the catalog
    ['EU_GDPR', 'gdpr_sa', { duration: 'PT72H', from: 'awareness' }],
    ['UK_GDPR', 'pecr_ico', { duration: 'PT24H', from: 'awareness' }],
    ['CN_CAC_2025', 'cac_ciio_protection_dept', { duration: 'PT1H', from: 'discovery' }],
    ['CN_CAC_2025', 'cac_state_organ_office', { duration: 'PT2H', from: 'discovery' }],
    ['CN_CAC_2025', 'cac_provincial', { duration: 'PT4H', from: 'discovery' }],
    ['US_HIPAA', 'hipaa_individuals', { days: 60, dayType: 'calendar', from: 'discovery' }],
    ['US_CA', 'ca_residents', { days: 30, dayType: 'calendar', from: 'discovery' }],
    ['US_CA', 'ca_ag', { days: 15, dayType: 'calendar', from: 'notice_sent:ca_residents' }],
    ['US_NY', 'ny_residents', { days: 30, dayType: 'calendar', from: 'discovery' }],
    ['US_TX', 'tx_individuals', { days: 60, dayType: 'calendar', from: 'breach_determination' }],
    ['US_TX', 'tx_ag', { days: 30, dayType: 'calendar', from: 'breach_determination' }],
    ['EU_NIS2', 'nis2_csirt', { duration: 'PT24H', from: 'awareness' }],
    ['US_SEC_8K', 'sec_8k', { days: 4, dayType: 'business', from: 'materiality_determination' }],
  ])('%s %s: first phase deadline', (regimeId, id, expected) => {
    const n = regimes.find((r) => r.id === regimeId)!.notifications.find((x) => x.id === id)!;
    expect(n.phases[0]!.deadline).toMatchObject(expected);
  });

  it('keeps the substitute-notice figures: HIPAA 10 people / 90 days, CA 30-day posting, GDPR no minimum', () => {
    const subs = (regime: RegimeId, id: string) => regimes.find((r) => r.id === regime)!.notifications.find((n) => n.id === id)!.substitute!;
    expect(subs('US_HIPAA', 'hipaa_individuals').map((s) => [s.when.match(/fewer than 10|10 or more/)![0], s.minimumDuration ?? null])).toEqual([
      ['fewer than 10', null],
      ['10 or more', 'P90D'],
    ]);
    expect(subs('US_HIPAA', 'hipaa_individuals')[1]!.plus).toEqual(['toll_free_number_active_90_days']);
    expect(subs('US_CA', 'ca_residents')[0]).toMatchObject({ minimumDuration: 'P30D', methods: ['email_where_held', 'conspicuous_website_posting', 'major_statewide_media'] });
    expect(subs('US_CA', 'ca_residents')[0]!.when).toMatch(/\$250,000.*500,000.*insufficient/);
    expect(subs('EU_GDPR', 'gdpr_individuals')[0]).toMatchObject({ minimumDuration: null, methods: ['public_communication_or_equally_effective_measure'] });
  });

  it('keeps the CAC grading thresholds and reports from relatively major', () => {
    expect(regimes.find((r) => r.id === 'CN_CAC_2025')!.grading).toEqual({
      levels: ['general', 'relatively_major', 'major', 'particularly_major'],
      peopleMin: { relatively_major: 1_000_000, major: 10_000_000, particularly_major: 100_000_000 },
      lossCnyMin: { relatively_major: 5_000_000, major: 20_000_000, particularly_major: 100_000_000 },
      reportFrom: 'relatively_major',
    });
  });
});
