import type { Obligation } from '../regimes/obligations.js';
import type { ContentField, RegimeCatalog } from '../regimes/regime-types.js';
import { countryOf } from '../vocabulary/jurisdiction.js';
import { noticesReachedBy } from './notice-facts.js';
import type { FieldSource, ReportField, ReportSources, SourceCampaign } from './report-types.js';

/**
 * How each required content field of the catalog is filled from Tocsin's records. A resolver returns a
 * value only when the records hold it; otherwise the field stays missing (staff can type it in on the
 * draft). Nothing here guesses: an empty description is a missing `nature`, not the incident's title.
 */

export interface Resolved {
  value: string;
  source: FieldSource;
  note?: string;
}

export interface FieldContext {
  s: ReportSources;
  obligation: Pick<Obligation, 'regime' | 'obligationId' | 'phase' | 'jurisdiction'>;
}

type Resolver = (c: FieldContext) => Resolved | undefined;

const EEA = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL',
  'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO', 'AX', 'GF', 'GP', 'MQ', 'RE', 'YT', 'MF',
]);

const text = (v: string | null | undefined): string | undefined => (v !== null && v !== undefined && v.trim() !== '' ? v.trim() : undefined);
const n = (v: number): string => v.toLocaleString('en-US');
const words = (v: string): string => v.replace(/_/g, ' ');
const bullets = (lines: readonly string[]): string => lines.map((l) => `• ${l}`).join('\n');

function from(source: FieldSource, value: string | undefined, note?: string): Resolved | undefined {
  return value === undefined ? undefined : { value, source, ...(note ? { note } : {}) };
}

function description({ s }: FieldContext): Resolved | undefined {
  return from('incident', text(s.incident.description));
}

function categories({ s }: FieldContext): Resolved | undefined {
  const list = s.assessment?.dataCategories ?? [];
  return from('assessment', list.length ? list.map(words).join(', ') : undefined);
}

function consequences({ s }: FieldContext): Resolved | undefined {
  return from('assessment', text(s.assessment?.likelyConsequences));
}

function contactPoint({ s }: FieldContext): Resolved | undefined {
  return from('organisation', text(s.organisation.contactPoint));
}

function remediation(filter: (r: ReportSources['remediation'][number]) => boolean): Resolver {
  return ({ s }) => {
    const rows = s.remediation.filter((r) => r.status !== 'cancelled' && filter(r));
    if (rows.length === 0) return undefined;
    return from('remediation', bullets(rows.map((r) => `${r.title} (${words(r.kind)}, ${words(r.status)}${r.doneAt ? ` ${r.doneAt}` : r.dueAt ? `, due ${r.dueAt}` : ''})`)));
  };
}
const allMeasures = remediation(() => true);

/** Affected people: the imported subjects when there are any, else the assessment's estimate. */
function affected({ s }: FieldContext): Resolved | undefined {
  if (s.subjects.total > 0) {
    const extra = s.assessment?.approxSubjects && s.assessment.approxSubjects > s.subjects.total ? ` (the assessment estimates ${n(s.assessment.approxSubjects)})` : '';
    return from('subjects', `${n(s.subjects.total)}${extra}`);
  }
  if (s.assessment?.approxSubjects !== null && s.assessment?.approxSubjects !== undefined) {
    return from('assessment', n(s.assessment.approxSubjects), 'Estimate from the latest assessment; no affected subjects are imported.');
  }
  return undefined;
}

function inJurisdiction(code: string): Resolver {
  return ({ s }) => (s.subjects.total > 0 ? from('subjects', n(s.subjects.byJurisdiction[code] ?? 0)) : undefined);
}

function eeaCountries(s: ReportSources): [string, number][] {
  const byCountry = new Map<string, number>();
  for (const [code, count] of Object.entries(s.subjects.byJurisdiction)) {
    const cc = countryOf(code);
    if (EEA.has(cc)) byCountry.set(cc, (byCountry.get(cc) ?? 0) + count);
  }
  return [...byCountry].sort(([a], [b]) => (a < b ? -1 : 1));
}

function memberStates({ s }: FieldContext): Resolved | undefined {
  const list = eeaCountries(s);
  return from('subjects', list.length ? list.map(([cc, count]) => `${cc} (${n(count)})`).join(', ') : undefined);
}

function crossBorder({ s }: FieldContext): Resolved | undefined {
  const list = eeaCountries(s);
  if (list.length === 0) return undefined;
  const where = list.map(([cc]) => cc).join(', ');
  return from('subjects', list.length > 1 ? `Yes: affected people live in ${list.length} EU/EEA countries (${where}).` : `Affected people live in one EU/EEA country only (${where}).`);
}

function dateRange(a: string | null, b: string | null): string | undefined {
  if (a && b) return `${a} to ${b}`;
  if (a) return `from ${a}`;
  if (b) return `until ${b}`;
  return undefined;
}

function breachDates({ s }: FieldContext): Resolved | undefined {
  return from('incident', dateRange(s.incident.occurredFrom, s.incident.occurredTo));
}

function discovery({ s }: FieldContext): Resolved | undefined {
  if (s.clockFacts.discoveredAt) return from('clock_facts', s.clockFacts.discoveredAt);
  if (s.incident.detectedAt) return from('incident', s.incident.detectedAt, 'Detection time of the incident; no discovery time is recorded.');
  return undefined;
}

/** Campaigns that reached the people of the obligation's individuals' notice (all campaigns when it has none). */
function campaignsFor(c: FieldContext): SourceCampaign[] {
  const notice = ({ US_CA: 'ca_residents', US_NY: 'ny_residents', US_TX: 'tx_individuals', EU_GDPR: 'gdpr_individuals', UK_GDPR: 'uk_individuals', CN_PIPL: 'pipl_individuals', US_HIPAA: 'hipaa_individuals' } as Record<string, string>)[c.obligation.regime];
  return c.s.campaigns.filter((k) => notice === undefined || noticesReachedBy(k.jurisdictions).includes(notice));
}

function noticeDates(c: FieldContext): Resolved | undefined {
  const sent = campaignsFor(c).filter((k) => k.firstSentAt);
  if (sent.length === 0) return undefined;
  return from('campaigns', bullets(sent.map((k) => `${k.name}: ${k.firstSentAt}${k.lastSentAt && k.lastSentAt !== k.firstSentAt ? ` to ${k.lastSentAt}` : ''}`)));
}

function firstNoticeDate(c: FieldContext): Resolved | undefined {
  const first = campaignsFor(c).map((k) => k.firstSentAt).filter((v): v is string => v !== null).sort()[0];
  return from('campaigns', first);
}

function noticeText(c: FieldContext): Resolved | undefined {
  const k = campaignsFor(c).find((x) => x.notice !== null);
  if (!k || !k.notice) return undefined;
  const t = k.notice;
  return from('campaigns', [`[${k.name}, ${t.language}] ${t.subject}`, `What happened: ${t.whatHappened}`, `What we are doing: ${t.measuresTaken}`,
    `What you can do: ${t.selfProtection}`, `What we offer: ${t.remedialMeasures}`, `Contact: ${t.contactPoint}`].join('\n'));
}

function selfProtection(c: FieldContext): Resolved | undefined {
  const k = campaignsFor(c).find((x) => x.notice !== null);
  return from('campaigns', text(k?.notice?.selfProtection));
}

function distribution(c: FieldContext): Resolved | undefined {
  const list = campaignsFor(c).filter((k) => k.total > 0);
  if (list.length === 0) return undefined;
  return from('campaigns', bullets(list.map((k) => {
    const channels = Object.entries(k.notifiedByChannel).map(([ch, count]) => `${ch} ${n(count)}`).join(', ') || 'none yet';
    return `${k.name}: ${n(k.total)} people; notified by ${channels}; unreachable ${n(k.unreachable)}`;
  })));
}

function notifiedIn(code: string): Resolver {
  return (c) => (campaignsFor(c).some((k) => k.total > 0) ? from('campaigns', n(c.s.subjects.notifiedByJurisdiction[code] ?? 0)) : undefined);
}

function otherReports({ s, obligation }: FieldContext): Resolved | undefined {
  const others = s.submissions.filter((x) => x.notificationId !== obligation.obligationId);
  if (others.length === 0) return from('submissions', 'None recorded.');
  return from('submissions', bullets(others.map((x) => `${x.regime} ${x.notificationId} (${x.phase}${x.jurisdiction ? `, ${x.jurisdiction}` : ''}): ${x.submittedAt} by ${x.method}${x.reference ? `, reference ${x.reference}` : ''}`)));
}

function resolution({ s }: FieldContext): Resolved | undefined {
  const parts = [s.incident.containedAt && `contained ${s.incident.containedAt}`, s.incident.resolvedAt && `resolved ${s.incident.resolvedAt}`, s.clockFacts.handledAt && `handling ended ${s.clockFacts.handledAt}`].filter(Boolean);
  return from(s.clockFacts.handledAt && parts.length === 1 ? 'clock_facts' : 'incident', parts.length ? parts.join('; ') : undefined);
}

function initialAssessment({ s }: FieldContext): Resolved | undefined {
  const a = s.assessment;
  if (!a) return undefined;
  return from('assessment', `Severity ${words(a.severityBand)} (ENISA 2013 score ${a.severityScore}), ${a.riskLevel === 'high' ? 'a high risk' : a.riskLevel === 'risk' ? 'a risk' : 'a risk unlikely'} to the people affected (assessment v${a.version}).${a.likelyConsequences ? ` ${a.likelyConsequences}` : ''}`);
}

function detailed(c: FieldContext): Resolved | undefined {
  const d = text(c.s.incident.description);
  if (!d) return undefined;
  const a = initialAssessment(c);
  return from('incident', a ? `${d}\n${a.value}` : d);
}

function malicious({ s }: FieldContext): Resolved | undefined {
  const m = s.assessment?.maliciousIntent;
  if (m === null || m === undefined) return undefined;
  return from('assessment', m ? 'Yes: the assessment records malicious intent.' : 'No: the assessment records no malicious intent.');
}

function scope(c: FieldContext): Resolved | undefined {
  const people = affected(c);
  if (!people) return undefined;
  const where = Object.entries(c.s.subjects.byJurisdiction).sort(([, a], [, b]) => b - a).map(([code, count]) => `${code} ${n(count)}`).join(', ');
  const cats = categories(c);
  return from(people.source, `${people.value} people affected${where ? ` (${where})` : ''}${cats ? `; data: ${cats.value}` : ''}.`);
}

function timing({ s }: FieldContext): Resolved | undefined {
  const parts = [
    dateRange(s.incident.occurredFrom, s.incident.occurredTo) && `occurred ${dateRange(s.incident.occurredFrom, s.incident.occurredTo)}`,
    `organisation aware ${s.incident.awareAt}`,
    s.clockFacts.discoveredAt && `discovered ${s.clockFacts.discoveredAt}`,
    s.clockFacts.materialityDeterminedAt && `determined material ${s.clockFacts.materialityDeterminedAt}`,
  ].filter(Boolean);
  return from('incident', parts.join('; '));
}

function hhsPortal(c: FieldContext): Resolved | undefined {
  const { s } = c;
  if (!s.assessment) return undefined;
  const lines = [
    `Entity: ${s.organisation.name || '(organisation name not set)'}`,
    `Breach dates: ${dateRange(s.incident.occurredFrom, s.incident.occurredTo) ?? 'not recorded'}`,
    `Discovery: ${discovery(c)?.value ?? 'not recorded'}`,
    `Individuals affected: ${affected(c)?.value ?? 'not recorded'}`,
    `Types of information: ${categories(c)?.value ?? 'not recorded'}`,
    `Safeguards and actions: ${allMeasures(c)?.value.replace(/\n/g, ' ') ?? 'none recorded'}`,
  ];
  return from('assessment', lines.join('\n'), 'The HHS portal fields are UNCONFIRMED: the facts Tocsin holds are listed.');
}

const manualOnly: Resolver = () => undefined;

/** Field id → resolver. An id not listed here is filled only by hand. */
export const FIELD_RESOLVERS: Readonly<Record<string, Resolver>> = {
  // GDPR / UK GDPR / ICO
  nature: description,
  data_subject_categories: manualOnly,
  approx_data_subjects: affected,
  record_categories: categories,
  approx_records: ({ s }) => from('assessment', s.assessment?.approxRecords !== null && s.assessment?.approxRecords !== undefined ? n(s.assessment.approxRecords) : undefined),
  dpo_contact: contactPoint,
  likely_consequences: consequences,
  measures_taken_or_proposed: allMeasures,
  reasons_for_delay: manualOnly,
  reporter_name: ({ s }) => from('organisation', text(s.organisation.reporterName)),
  reporter_email: ({ s }) => from('organisation', text(s.organisation.reporterEmail)),
  reporter_phone: ({ s }) => from('organisation', text(s.organisation.reporterPhone)),
  contact_person: ({ s }) => from('organisation', text(s.organisation.reporterName)),
  // PIPL
  pi_categories: categories,
  cause: manualOnly,
  possible_harm: consequences,
  remedial_measures: allMeasures,
  individual_mitigation_steps: selfProtection,
  contact_info: contactPoint,
  // CAC (initial items need the operator's own account; final)
  unit_and_system: manualOnly,
  time_place_type_grade_impact_measures: manualOnly,
  ransom_amount_method_date: manualOnly,
  trend: manualOnly,
  preliminary_cause: manualOnly,
  investigation_leads: manualOnly,
  planned_measures_support_request: manualOnly,
  site_preservation: manualOnly,
  other: manualOnly,
  response: allMeasures,
  harm: consequences,
  accountability: manualOnly,
  rectification: remediation((r) => r.kind === 'prevention'),
  lessons: manualOnly,
  // HIPAA
  hhs_portal_fields: hhsPortal,
  // California AG
  sample_notice: noticeText,
  breach_dates: breachDates,
  discovery_dates: discovery,
  consumer_notice_dates: noticeDates,
  pi_types: categories,
  small_business_flag: manualOnly,
  // New York regulators
  notice_timing: noticeDates,
  notice_content: noticeText,
  notice_distribution: distribution,
  approx_affected: affected,
  notice_template: noticeText,
  // Texas AG
  nature_and_circumstances: description,
  texas_residents_affected: inJurisdiction('US-TX'),
  residents_sent_direct_notice: notifiedIn('US-TX'),
  measures_taken: remediation((r) => r.status === 'done' || r.status === 'in_progress'),
  measures_intended: remediation((r) => r.status === 'planned'),
  law_enforcement_investigating: manualOnly,
  // NIS2
  malicious_action_suspected: malicious,
  cross_border_impact_possible: crossBorder,
  early_warning_update: manualOnly,
  initial_assessment: initialAssessment,
  iocs: manualOnly,
  detailed_description: detailed,
  threat_type_root_cause: manualOnly,
  mitigation: allMeasures,
  cross_border_impact: crossBorder,
  // DORA
  reference_code: ({ s }) => from('incident', s.incident.ref),
  detection_details: manualOnly,
  classification_criteria_met: manualOnly,
  affected_member_states: memberStates,
  discovery_method: manualOnly,
  bcp_activated: manualOnly,
  occurrence_time: breachDates,
  recovery: remediation((r) => r.kind === 'recovery'),
  incident_type: manualOnly,
  attack_technique: manualOnly,
  affected_processes_infrastructure: manualOnly,
  client_impact: manualOnly,
  reports_to_other_authorities: otherReports,
  root_causes: manualOnly,
  resolution_dates: resolution,
  measures: allMeasures,
  costs_and_losses: manualOnly,
  recoveries: manualOnly,
  resolution_authority_info: manualOnly,
  // SEC 8-K
  scope,
  timing,
  material_impact: manualOnly,
  undetermined_information: manualOnly,
  // Notices to individuals and data owners (not regulator reports, but resolvable all the same)
  what_happened: description,
  breach_date: breachDates,
  discovery_date: discovery,
  phi_types: categories,
  self_protection_steps: selfProtection,
  entity_actions: allMeasures,
  contact_procedures: contactPoint,
  notifier_contact: contactPoint,
  incident_description: description,
  breach_date_or_range: breachDates,
  notice_date: firstNoticeDate,
};

/** The catalog's definition of a field of one notification and phase (its content, or the content a late report adds). */
export function contentFieldDef(catalog: RegimeCatalog, notificationId: string, phaseId: string, fieldId: string): ContentField | undefined {
  for (const regime of catalog.regimes) {
    const def = regime.notifications.find((d) => d.id === notificationId);
    if (!def) continue;
    const phase = def.phases.find((p) => p.id === phaseId) ?? def.phases[0];
    return [...(phase?.content ?? def.content ?? []), ...(phase?.lateRequires ?? []), ...(def.content ?? [])].find((f) => f.id === fieldId);
  }
  return undefined;
}

/** Fills one required field: staff's value first, then the records, else missing. */
export function resolveField(c: FieldContext, def: ContentField): ReportField {
  const manual = text(c.s.manual[def.id]);
  const resolved: Resolved | undefined = manual !== undefined ? { value: manual, source: 'manual' } : FIELD_RESOLVERS[def.id]?.(c);
  return {
    id: def.id,
    label: def.label,
    value: resolved?.value ?? null,
    status: resolved ? 'present' : 'missing',
    source: resolved?.source ?? null,
    unconfirmed: def.unconfirmed ? (def.note ?? 'UNCONFIRMED') : null,
    note: resolved?.note ?? (def.unconfirmed ? null : def.note ?? null),
  };
}
