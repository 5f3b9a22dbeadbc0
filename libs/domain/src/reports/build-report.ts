import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical-json.js';
import type { Obligation } from '../regimes/obligations.js';
import type { ContentField, RegimeCatalog } from '../regimes/regime-types.js';
import { contentFieldDef, type FieldContext, FIELD_RESOLVERS, resolveField } from './report-fields.js';
import {
  type ChangesSinceLast,
  type FieldChange,
  type LogEntry,
  REPORT_SCHEMA_VERSION,
  type ReportDocument,
  type ReportField,
  type ReportFigures,
  type ReportKind,
  type ReportSources,
  type ReportStatus,
} from './report-types.js';

/** What the store knows of a report, independent of its content. */
export interface ReportMeta {
  id: string;
  version: number;
  supersedes: string | null;
  status: ReportStatus;
  generatedAt: string;
  releasedAt: string | null;
  releasedBy: string | null;
}

function lookup(catalog: RegimeCatalog, notificationId: string) {
  for (const regime of catalog.regimes) {
    const def = regime.notifications.find((d) => d.id === notificationId);
    if (def) return { regime, def };
  }
  throw new RangeError(`catalog ${catalog.version}: no notification '${notificationId}'`);
}

function figures(s: ReportSources): ReportFigures {
  return {
    subjectsTotal: s.subjects.total,
    subjectsByJurisdiction: s.subjects.byJurisdiction,
    unknownJurisdiction: s.subjects.unknownJurisdiction,
    campaigns: s.campaigns.map(({ notice: _notice, ...f }) => f),
  };
}

function uniq(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/** A field's value as compared between reports. */
function comparable(fields: readonly ReportField[]): Map<string, ReportField> {
  return new Map(fields.map((f) => [f.id, f]));
}

/**
 * What changed since the last report of the same series (previous phase, or the version a correction
 * replaces): every field whose value differs, including fields one of them does not have, and the
 * number of people affected.
 */
export function changesSince(previous: ReportDocument, current: Pick<ReportDocument, 'fields' | 'entries' | 'figures'>): ChangesSinceLast {
  const flat = (d: Pick<ReportDocument, 'fields' | 'entries'>): ReportField[] => [
    ...d.fields,
    ...(d.entries ?? []).flatMap((e) => e.fields.map((f) => ({ ...f, id: `${e.incident.ref}.${f.id}`, label: `${e.incident.ref}: ${f.label}` }))),
  ];
  const before = comparable(flat(previous));
  const after = comparable(flat(current));
  const changes: FieldChange[] = [];
  for (const [id, f] of after) {
    const old = before.get(id);
    if ((old?.value ?? null) !== f.value) changes.push({ field: id, label: f.label, before: old?.value ?? null, after: f.value });
  }
  for (const [id, f] of before) if (!after.has(id) && f.value !== null) changes.push({ field: id, label: f.label, before: f.value, after: null });
  const total = (d: Pick<ReportDocument, 'figures'>) => (d.figures ? String(d.figures.subjectsTotal) : null);
  if (previous.figures && current.figures && total(previous) !== total(current)) {
    changes.push({ field: 'figures.subjectsTotal', label: 'People affected (imported subjects)', before: total(previous), after: total(current) });
  }
  return {
    since: { reportId: previous.report.id, version: previous.report.version, phase: previous.phase.id, releasedAt: previous.report.releasedAt },
    changes,
  };
}

/** SHA-256 of everything but the report envelope (id, status, times): equal content, equal hash. */
export function reportContentHash(doc: ReportDocument): string {
  const { report: _report, ...content } = doc;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export interface IncidentReportInput {
  catalog: RegimeCatalog;
  obligation: Obligation;
  sources: ReportSources;
  meta: ReportMeta;
  organisation: { name: string; timeZone: string };
  /** The last released report of the same series, if any. */
  previous: ReportDocument | null;
  /** ISO instant the report is built at (late or not). */
  now: string;
}

/** A report for one obligation of one incident: every required field with its value or flagged missing. */
export function buildIncidentReport(input: IncidentReportInput): ReportDocument {
  const { catalog, obligation: o, sources: s } = input;
  const { regime, def } = lookup(catalog, o.obligationId);
  const context: FieldContext = { s, obligation: o };
  const defs = o.content.map((id) => contentFieldDef(catalog, o.obligationId, o.phase, id) ?? ({ id, label: id.replace(/_/g, ' ') } as ContentField));
  const fields = defs.map((d) => resolveField(context, d));
  const due = o.dueAt ? Date.parse(o.dueAt) : null;
  const late = due !== null && (o.submittedAt ? Date.parse(o.submittedAt) > due : Date.parse(input.now) > due);
  const doc: ReportDocument = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'incident',
    report: input.meta,
    catalogVersion: catalog.version,
    regime: { id: regime.id, name: regime.name, citation: regime.citation },
    notification: { id: def.id, party: def.party, recipient: def.recipient, citation: def.citation },
    phase: { id: o.phase, kind: o.phaseKind },
    jurisdiction: o.jurisdiction,
    period: null,
    deadline: { dueAt: o.dueAt, qualifier: o.qualifier, clockStart: o.clockStart, late },
    organisation: input.organisation,
    incident: { id: s.incident.id, ref: s.incident.ref, title: s.incident.title, awareAt: s.incident.awareAt },
    fields,
    missingFields: fields.filter((f) => f.status === 'missing').map((f) => f.id),
    unconfirmed: uniq([...o.unconfirmed, ...fields.filter((f) => f.unconfirmed).map((f) => `${f.label}: ${f.unconfirmed}`)]),
    secondary: uniq(o.secondary),
    figures: figures(s),
    entries: null,
    changesSinceLast: null,
  };
  if (fields.length === 0) doc.secondary.push('The reference lists no required content for this notification or phase: send what is known; the figures and the changes since the last report are attached.');
  doc.changesSinceLast = input.previous ? changesSince(input.previous, doc) : null;
  return doc;
}

// ---------------------------------------------------------------------------------------------------
// Periodic logs

const field = (id: string, label: string): ContentField => ({ id, label });

/** The columns of the HIPAA annual log (the HHS portal fields are UNCONFIRMED: these are the facts §164.408(c) implies). */
export const HIPAA_LOG_FIELDS: readonly ContentField[] = [
  field('breach_date', 'Date(s) of the breach'),
  field('discovery_date', 'Date of discovery'),
  field('approx_data_subjects', 'Number of individuals affected'),
  field('phi_types', 'Types of unsecured PHI involved'),
  field('what_happened', 'What happened'),
  field('entity_actions', 'Safeguards and actions taken'),
  field('notice_date', 'Date individual notice was provided'),
];

/** The columns of the PECR breach log: the reference names none, so these are Tocsin's (facts, effects, remedial action). */
export const PECR_LOG_FIELDS: readonly ContentField[] = [
  field('aware_at', 'Date the breach was detected'),
  field('nature', 'Nature of the breach'),
  field('approx_data_subjects', 'Number of subscribers or users affected'),
  field('likely_consequences', 'Likely consequences'),
  field('measures_taken_or_proposed', 'Measures taken'),
  field('ico_notified_at', 'Date the ICO was notified'),
];

const LOG_RESOLVERS: Record<string, (c: FieldContext) => { value: string; source: 'incident' | 'submissions' } | undefined> = {
  aware_at: ({ s }) => ({ value: s.incident.awareAt, source: 'incident' }),
  ico_notified_at: ({ s }) => {
    const first = s.submissions.filter((x) => x.notificationId === 'pecr_ico' && x.phase === 'initial').map((x) => x.submittedAt).sort()[0];
    return first ? { value: first, source: 'submissions' } : undefined;
  },
};

function logEntry(columns: readonly ContentField[], regime: Obligation['regime'], notificationId: string, s: ReportSources): LogEntry {
  const context: FieldContext = { s, obligation: { regime, obligationId: notificationId, phase: 'log', jurisdiction: null } };
  const fields = columns.map((d): ReportField => {
    const own = LOG_RESOLVERS[d.id];
    if (own && !(d.id in s.manual)) {
      const r = own(context);
      return { id: d.id, label: d.label, value: r?.value ?? null, status: r ? 'present' : 'missing', source: r?.source ?? null, unconfirmed: null, note: null };
    }
    return FIELD_RESOLVERS[d.id] || d.id in s.manual ? resolveField(context, d) : { id: d.id, label: d.label, value: null, status: 'missing', source: null, unconfirmed: null, note: null };
  });
  return { incident: { id: s.incident.id, ref: s.incident.ref, title: s.incident.title }, fields, missingFields: fields.filter((f) => f.status === 'missing').map((f) => f.id) };
}

export interface PeriodicReportInput {
  catalog: RegimeCatalog;
  kind: Exclude<ReportKind, 'incident'>;
  /** `2026` (HIPAA) or `2026-10` (PECR). */
  periodKey: string;
  /** First and last local date of the period. */
  from: string;
  to: string;
  dueAt: string | null;
  organisation: { name: string; timeZone: string; contactPoint: string | null };
  /** One per breach in the period, with the sources of its incident. */
  incidents: readonly ReportSources[];
  meta: ReportMeta;
  previous: ReportDocument | null;
  now: string;
  /** Staff's values for the report-level fields. */
  manual?: Record<string, string>;
}

/**
 * A periodic log: the HIPAA annual log of breaches affecting fewer than 500 (aggregated across incidents
 * discovered in the year), or the PECR monthly breach log (a nil return when the month had none).
 */
export function buildPeriodicReport(input: PeriodicReportInput): ReportDocument {
  const hipaa = input.kind === 'hipaa_annual_log';
  const notificationId = hipaa ? 'hipaa_hhs_annual' : 'pecr_breach_log';
  const { regime, def } = lookup(input.catalog, notificationId);
  const phase = def.phases[0]!;
  const columns = hipaa ? HIPAA_LOG_FIELDS : PECR_LOG_FIELDS;
  const entries = input.incidents.map((s) => logEntry(columns, regime.id, notificationId, s));
  const manual = input.manual ?? {};
  const text = (id: string, label: string, value: string | null, source: ReportField['source']): ReportField => {
    const m = manual[id]?.trim();
    if (m) return { id, label, value: m, status: 'present', source: 'manual', unconfirmed: null, note: null };
    return { id, label, value, status: value ? 'present' : 'missing', source: value ? source : null, unconfirmed: null, note: null };
  };
  const fields: ReportField[] = [
    text('reporting_entity', hipaa ? 'Covered entity' : 'Service provider', input.organisation.name || null, 'organisation'),
    text('contact_point', 'Contact point', input.organisation.contactPoint, 'organisation'),
    text('period', hipaa ? 'Calendar year of discovery' : 'Month', `${input.periodKey} (${input.from} to ${input.to}, ${input.organisation.timeZone})`, 'obligation'),
    text('breach_count', 'Breaches in the log', String(entries.length), 'obligation'),
  ];
  if (!hipaa) fields.push(text('nil_return', "Nil return (no breaches in the month)", entries.length === 0 ? 'Yes' : 'No', 'obligation'));
  const unconfirmed = [
    ...(phase.caveats ?? []).filter((c) => c.unconfirmed).map((c) => c.note),
    ...(def.content ?? []).filter((f) => f.unconfirmed).map((f) => `${f.label}: ${f.note ?? 'UNCONFIRMED'}`),
  ];
  if (!hipaa) unconfirmed.push('The reference gives no content for the PECR breach log: its columns (facts, effects, remedial action) are Tocsin’s choice.');
  const due = input.dueAt ? Date.parse(input.dueAt) : null;
  const doc: ReportDocument = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: input.kind,
    report: input.meta,
    catalogVersion: input.catalog.version,
    regime: { id: regime.id, name: regime.name, citation: regime.citation },
    notification: { id: def.id, party: def.party, recipient: def.recipient, citation: def.citation },
    phase: { id: phase.id, kind: phase.kind },
    jurisdiction: null,
    period: { key: input.periodKey, from: input.from, to: input.to },
    deadline: { dueAt: input.dueAt, qualifier: 'qualifier' in phase.deadline ? (phase.deadline.qualifier ?? null) : null, clockStart: null, late: due !== null && Date.parse(input.now) > due },
    organisation: { name: input.organisation.name, timeZone: input.organisation.timeZone },
    incident: null,
    fields,
    missingFields: [...fields.filter((f) => f.status === 'missing').map((f) => f.id), ...entries.flatMap((e) => e.missingFields.map((m) => `${e.incident.ref}.${m}`))],
    unconfirmed: uniq(unconfirmed),
    secondary: [],
    figures: null,
    entries,
    changesSinceLast: null,
  };
  doc.changesSinceLast = input.previous ? changesSince(input.previous, doc) : null;
  return doc;
}
