import { describe, expect, it } from '@jest/globals';
import { deriveObligations, type Obligation } from '../regimes/obligations.js';
import { REGIME_CATALOG } from '../regimes/regime-catalog.js';
import { buildIncidentReport, buildPeriodicReport, changesSince, reportContentHash, type ReportMeta } from './build-report.js';
import { validateJson } from './json-schema-lite.js';
import { csvCell, reportCsv } from './report-csv.js';
import { REPORT_JSON_SCHEMA } from './report-schema.js';
import type { ReportSources } from './report-types.js';

const META: ReportMeta = { id: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', version: 1, supersedes: null, status: 'draft', generatedAt: '2026-11-24T10:00:00.000Z', releasedAt: null, releasedBy: null };

function sources(over: Partial<ReportSources> = {}): ReportSources {
  return {
    organisation: { name: 'Example GmbH', timeZone: 'Europe/Berlin', contactPoint: 'dpo@example.org', reporterName: null, reporterEmail: null, reporterPhone: null },
    incident: { id: '0b7c9a52-3f1e-4d2a-9c8b-7a6f5e4d3c2b', ref: 'INC-2026-0007', title: 'Bucket exposed', description: 'A bucket was public.', status: 'triaged', awareAt: '2026-11-02T08:00:00.000Z', detectedAt: null, occurredFrom: null, occurredTo: null, containedAt: null, resolvedAt: null },
    clockFacts: { discoveredAt: null, breachDeterminedAt: null, classifiedMajorAt: null, materialityDeterminedAt: null, infoDeterminedAt: null, handledAt: null, cnLossCny: null },
    assessment: { version: 1, riskLevel: 'high', severityBand: 'high', severityScore: 3.25, dataCategories: ['contact', 'financial'], approxSubjects: 100, approxRecords: 250, likelyConsequences: 'Phishing.', maliciousIntent: true, dataUnintelligible: false },
    subjects: { total: 0, byJurisdiction: {}, unknownJurisdiction: 0, notifiedByJurisdiction: {} },
    remediation: [],
    thirdParties: [],
    campaigns: [],
    submissions: [],
    manual: {},
    ...over,
  };
}

function obligation(key: string, counts: Record<string, number>, org: Record<string, unknown> = {}, now = '2026-11-03T00:00:00Z'): Obligation {
  const rows = deriveObligations({ awareAt: '2026-11-02T08:00:00Z', subjectCounts: counts, assessment: { riskLevel: 'high', dataCategories: ['contact'], dataUnintelligible: false }, organisation: { timeZone: 'Europe/Berlin', ...org } }, REGIME_CATALOG, now);
  const [id, phase] = key.split(':');
  return rows.find((r) => r.obligationId === id && r.phase === phase)!;
}

const build = (o: Obligation, s: ReportSources, now = '2026-11-03T00:00:00Z') =>
  buildIncidentReport({ catalog: REGIME_CATALOG, obligation: o, sources: s, meta: META, organisation: { name: 'Example GmbH', timeZone: 'Europe/Berlin' }, previous: null, now });

describe('filling required fields', () => {
  it.each<[string, Partial<ReportSources>, string, string | null, string | null]>([
    // name, sources, field, value, source
    ['the description is the nature', {}, 'nature', 'A bucket was public.', 'incident'],
    ['an empty description leaves the nature missing (the title is not used)', { incident: { ...sources().incident, description: '  ' } }, 'nature', null, null],
    ['the estimate stands in while no subjects are imported', {}, 'approx_data_subjects', '100', 'assessment'],
    ['imported subjects win over the estimate', { subjects: { total: 90, byJurisdiction: { DE: 90 }, unknownJurisdiction: 0, notifiedByJurisdiction: {} } }, 'approx_data_subjects', '90 (the assessment estimates 100)', 'subjects'],
    ['categories of people are never guessed', {}, 'data_subject_categories', null, null],
    ['staff’s value fills a field', { manual: { data_subject_categories: 'Customers' } }, 'data_subject_categories', 'Customers', 'manual'],
    ['staff’s value wins over the records', { manual: { nature: 'Our wording.' } }, 'nature', 'Our wording.', 'manual'],
    ['no measures recorded: missing', {}, 'measures_taken_or_proposed', null, null],
    ['cancelled measures do not count', { remediation: [{ kind: 'containment', title: 'Close it', status: 'cancelled', dueAt: null, doneAt: null }] }, 'measures_taken_or_proposed', null, null],
    ['measures are listed', { remediation: [{ kind: 'containment', title: 'Close it', status: 'done', dueAt: null, doneAt: '2026-11-02T09:00:00.000Z' }] }, 'measures_taken_or_proposed', '• Close it (containment, done 2026-11-02T09:00:00.000Z)', 'remediation'],
    ['no contact point set: missing', { organisation: { ...sources().organisation, contactPoint: null } }, 'dpo_contact', null, null],
  ])('%s', (_name, over, field, value, source) => {
    const doc = build(obligation('gdpr_sa:initial', { DE: 1 }), sources(over));
    const f = doc.fields.find((x) => x.id === field)!;
    expect(f).toMatchObject({ value, source, status: value === null ? 'missing' : 'present' });
    expect(doc.missingFields.includes(field)).toBe(value === null);
  });

  it('asks for the reasons of a late notification, and marks the report late', () => {
    const late = build(obligation('gdpr_sa:initial', { DE: 1 }, {}, '2026-11-06T00:00:00Z'), sources(), '2026-11-06T00:00:00Z');
    expect(late.deadline).toMatchObject({ dueAt: '2026-11-05T08:00:00.000Z', late: true });
    expect(late.missingFields).toContain('reasons_for_delay');
    const onTime = build(obligation('gdpr_sa:initial', { DE: 1 }), sources());
    expect(onTime.deadline.late).toBe(false);
    expect(onTime.fields.some((f) => f.id === 'reasons_for_delay')).toBe(false);
  });

  it('repeats the UNCONFIRMED notes of the obligation and of its fields', () => {
    const doc = build(obligation('ny_ag:initial', { 'US-NY': 10 }), sources({ subjects: { total: 10, byJurisdiction: { 'US-NY': 10 }, unknownJurisdiction: 0, notifiedByJurisdiction: {} } }));
    expect(doc.fields.find((f) => f.id === 'notice_template')!.unconfirmed).toMatch(/UNCONFIRMED/);
    expect(doc.unconfirmed.join(' ')).toMatch(/simultaneity per statute text/);
  });

  it('derives NIS2 cross-border facts from where people live, and DORA member states', () => {
    const s = sources({ subjects: { total: 30, byJurisdiction: { DE: 10, 'FR-75': 15, US: 5 }, unknownJurisdiction: 0, notifiedByJurisdiction: {} } });
    const nis2 = build(obligation('nis2_csirt:early_warning', { DE: 10 }, { nis2Entity: 'essential' }), s);
    expect(nis2.fields.find((f) => f.id === 'cross_border_impact_possible')!.value).toBe('Yes: affected people live in 2 EU/EEA countries (DE, FR).');
    expect(nis2.fields.find((f) => f.id === 'malicious_action_suspected')!.value).toMatch(/^Yes/);
    const dora = build(obligation('dora_authority:initial', { DE: 10 }, { doraFinancialEntity: true }), s);
    expect(dora).toBeDefined();
  });
});

describe('changes since the last report', () => {
  it('lists every field whose value changed, appeared or went away', () => {
    const first = build(obligation('gdpr_sa:initial', { DE: 1 }), sources());
    const second = build(obligation('gdpr_sa:follow_up', { DE: 1 }), sources({ incident: { ...sources().incident, description: 'A bucket was public for 3 days.' }, manual: { data_subject_categories: 'Customers' } }));
    const diff = changesSince({ ...first, report: { ...first.report, releasedAt: '2026-11-03T10:00:00.000Z' } }, second);
    expect(diff.since).toEqual({ reportId: META.id, version: 1, phase: 'initial', releasedAt: '2026-11-03T10:00:00.000Z' });
    expect(diff.changes).toEqual([
      { field: 'nature', label: 'Nature of the personal data breach', before: 'A bucket was public.', after: 'A bucket was public for 3 days.' },
      { field: 'data_subject_categories', label: 'Categories of data subjects concerned', before: null, after: 'Customers' },
    ]);
  });

  it('hashes the content, not the envelope', () => {
    const a = build(obligation('gdpr_sa:initial', { DE: 1 }), sources());
    const b = { ...a, report: { ...a.report, generatedAt: '2030-01-01T00:00:00.000Z', status: 'released' as const } };
    expect(reportContentHash(b)).toBe(reportContentHash(a));
    expect(reportContentHash({ ...a, fields: [] })).not.toBe(reportContentHash(a));
  });
});

describe('periodic logs', () => {
  const periodic = (incidents: ReportSources[], kind: 'hipaa_annual_log' | 'pecr_monthly_log' = 'pecr_monthly_log') =>
    buildPeriodicReport({ catalog: REGIME_CATALOG, kind, periodKey: kind === 'pecr_monthly_log' ? '2026-10' : '2026', from: '2026-10-01', to: '2026-10-31', dueAt: null,
      organisation: { name: 'Tel Co', timeZone: 'Europe/London', contactPoint: null }, incidents, meta: META, previous: null, now: '2026-11-02T00:00:00Z' });

  it('is a nil return when the month had no breach', () => {
    const doc = periodic([]);
    expect(doc.entries).toEqual([]);
    expect(doc.fields.find((f) => f.id === 'nil_return')!.value).toBe('Yes');
    expect(doc.missingFields).toEqual(['contact_point']);
    expect(reportCsv(doc)).toBe('incident_ref,incident_title,aware_at,nature,approx_data_subjects,likely_consequences,measures_taken_or_proposed,ico_notified_at,missing_fields\r\n');
  });

  it('lists each breach with its missing fields prefixed by the incident', () => {
    const doc = periodic([sources({ submissions: [{ regime: 'UK_GDPR', notificationId: 'pecr_ico', phase: 'initial', jurisdiction: null, submittedAt: '2026-10-03T09:00:00.000Z', method: 'portal', reference: null }] })]);
    expect(doc.entries![0]!.fields.find((f) => f.id === 'ico_notified_at')!.value).toBe('2026-10-03T09:00:00.000Z');
    expect(doc.missingFields).toEqual(['contact_point', 'INC-2026-0007.measures_taken_or_proposed']);
    expect(validateJson(REPORT_JSON_SCHEMA as never, doc)).toEqual([]);
  });
});

describe('CSV cells', () => {
  it.each<[string | number | null, string]>([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['-1+2', "'-1+2"],
    [42, '42'],
    [null, ''],
  ])('%j → %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

describe('the JSON Schema validator', () => {
  it('accepts a built report and names what is wrong in a broken one', () => {
    const doc = build(obligation('gdpr_sa:initial', { DE: 1 }), sources());
    expect(validateJson(REPORT_JSON_SCHEMA as never, doc)).toEqual([]);
    const broken = { ...doc, schemaVersion: '2.0.0', extra: 1, deadline: { ...doc.deadline, dueAt: 'tomorrow' }, report: { ...doc.report, version: 0 } };
    expect(validateJson(REPORT_JSON_SCHEMA as never, broken).map((e) => e.path).sort()).toEqual(['/deadline/dueAt', '/extra', '/report/version', '/schemaVersion']);
  });

  it('refuses a schema keyword it does not implement', () => {
    expect(() => validateJson({ oneOf: [] }, 1)).toThrow(/oneOf/);
  });
});
