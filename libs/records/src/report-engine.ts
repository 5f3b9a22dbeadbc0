import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail, type Sql, type Tx } from '#database';
import {
  type Actor,
  buildIncidentReport,
  buildPeriodicReport,
  OrgCalendar,
  REPORT_SCHEMA_VERSION,
  reportContentHash,
  type ReportDocument,
  type ReportKind,
  type ReportMeta,
  type ReportSources,
} from '#domain';
import type { IncidentRow } from './incident-row.js';
import { ObligationEngine, type Recomputed } from './obligation-engine.js';
import { type ObligationRow, ObligationRepository } from './obligation.repository.js';
import { OrganisationRepository, type OrganisationRow } from './organisation.repository.js';
import { type NewReport, ReportRepository, type ReportRow } from './report.repository.js';
import { ReportSourcesRepository } from './report-sources.repository.js';

/** Parties whose notifications are reports to a regulator: authorities, and the SEC filing (investors). */
export const REPORTED_PARTIES: ReadonlySet<string> = new Set(['authority', 'investors']);

export type PeriodicKind = Exclude<ReportKind, 'incident'>;

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
const PERIOD = { hipaa_annual_log: /^\d{4}$/, pecr_monthly_log: /^\d{4}-(0[1-9]|1[0-2])$/ } as const;

export function isPeriodKey(kind: PeriodicKind, key: string): boolean {
  return PERIOD[kind].test(key);
}

/** The local dates a period covers and its due time (HIPAA: 60 days after the year's end; PECR: none is known). */
export function periodBounds(kind: PeriodicKind, key: string, timeZone: string): { from: string; to: string; dueAt: string | null } {
  const cal = new OrgCalendar(timeZone);
  if (kind === 'hipaa_annual_log') {
    const start = cal.instant(`${key}-01-01T00:00:00`);
    return { from: `${key}-01-01`, to: `${key}-12-31`, dueAt: cal.addCalendarDays(cal.yearEnd(start), 60).toUTC().toISO()! };
  }
  const start = cal.instant(`${key}-01T00:00:00`);
  return { from: start.toISODate()!, to: start.endOf('month').toISODate()!, dueAt: null };
}

/**
 * Builds report drafts from the records (used by the api and by the scheduler): one per regulator
 * obligation of an incident, and the periodic logs. A draft is rebuilt from the records each time; what
 * staff typed in (`manual_values`) is kept. Every write is audited in the caller's transaction.
 */
@Injectable()
export class ReportEngine {
  constructor(
    @Inject(ObligationEngine) private readonly obligationEngine: ObligationEngine,
    @Inject(ObligationRepository) private readonly obligations: ObligationRepository,
    @Inject(OrganisationRepository) private readonly organisation: OrganisationRepository,
    @Inject(ReportSourcesRepository) private readonly sourcesRepo: ReportSourcesRepository,
    @Inject(ReportRepository) private readonly reports: ReportRepository,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
  ) {}

  get catalog() {
    return this.obligationEngine.catalog;
  }

  /** Everything a report of this incident reads, from one derivation's facts plus the other records. */
  async sources(tx: Sql, incident: IncidentRow, rec: Recomputed, manual: Record<string, string>, contentIds: readonly string[] = []): Promise<ReportSources> {
    const [assessment, remediation, thirdParties, campaigns] = [
      await this.obligations.latestAssessment(tx, incident.id),
      await this.sourcesRepo.remediation(tx, incident.id),
      await this.sourcesRepo.thirdParties(tx, incident.id),
      await this.sourcesRepo.campaigns(tx, incident.id),
    ];
    const counts = rec.facts.subjectCounts;
    const notifiedByJurisdiction: Record<string, number> = {};
    if (contentIds.includes('residents_sent_direct_notice') && campaigns.length) {
      notifiedByJurisdiction['US-TX'] = await this.sourcesRepo.notifiedIn(tx, incident.id, campaigns.map((c) => c.id), 'US-TX');
    }
    const cf = rec.clockFacts;
    return {
      organisation: {
        name: rec.organisation.name, timeZone: rec.organisation.time_zone, contactPoint: rec.organisation.contact_point,
        reporterName: rec.organisation.reporter_name, reporterEmail: rec.organisation.reporter_email, reporterPhone: rec.organisation.reporter_phone,
      },
      incident: {
        id: incident.id, ref: incident.ref, title: incident.title, description: incident.description, status: incident.status, awareAt: incident.aware_at.toISOString(),
        detectedAt: iso(incident.detected_at), occurredFrom: iso(incident.occurred_from), occurredTo: iso(incident.occurred_to),
        containedAt: iso(incident.contained_at), resolvedAt: iso(incident.resolved_at),
      },
      clockFacts: {
        discoveredAt: iso(cf.discovered_at), breachDeterminedAt: iso(cf.breach_determined_at), classifiedMajorAt: iso(cf.classified_major_at),
        materialityDeterminedAt: iso(cf.materiality_determined_at), infoDeterminedAt: iso(cf.info_determined_at), handledAt: iso(cf.handled_at),
        cnLossCny: cf.cn_loss_cny === null ? null : Number(cf.cn_loss_cny),
      },
      assessment: assessment
        ? {
            version: assessment.version, riskLevel: assessment.risk_level, severityBand: assessment.severity_band, severityScore: Number(assessment.severity_score),
            dataCategories: assessment.input.dataCategories ?? [], approxSubjects: assessment.input.approxSubjects ?? null, approxRecords: assessment.input.approxRecords ?? null,
            likelyConsequences: assessment.input.likelyConsequences ?? null, maliciousIntent: assessment.input.maliciousIntent ?? null,
            dataUnintelligible: assessment.input.dataUnintelligible === true,
          }
        : null,
      subjects: {
        total: Object.values(counts).reduce((a, b) => a + b, 0) + rec.unknownJurisdiction,
        byJurisdiction: counts,
        unknownJurisdiction: rec.unknownJurisdiction,
        notifiedByJurisdiction,
      },
      remediation,
      thirdParties,
      campaigns,
      submissions: rec.submissions.map((s) => ({ regime: s.regime, notificationId: s.notification_id, phase: s.phase, jurisdiction: s.jurisdiction, submittedAt: s.submitted_at.toISOString(), method: s.method, reference: s.reference })),
      manual,
    };
  }

  /** Builds the document of one obligation's report (not stored). */
  async buildIncidentDocument(tx: Sql, incident: IncidentRow, row: ObligationRow, rec: Recomputed, meta: ReportMeta, manual: Record<string, string>, previous: ReportDocument | null, now: Date): Promise<ReportDocument> {
    const sources = await this.sources(tx, incident, rec, manual, row.derived.content);
    return buildIncidentReport({
      catalog: this.catalog, obligation: row.derived, sources, meta, previous, now: now.toISOString(),
      organisation: { name: rec.organisation.name, timeZone: rec.organisation.time_zone },
    });
  }

  /**
   * The draft for one obligation: refreshed when one is open, created when the series has none, left alone
   * when its report was already released (a correction or a further report is asked for explicitly).
   * `again`: start a further report of a repeatable phase after a released one.
   */
  async ensureDraft(tx: Tx, incident: IncidentRow, row: ObligationRow, rec: Recomputed, now: Date, actor: Actor, again = false): Promise<{ report: ReportRow; created: boolean }> {
    const seriesKey = `${incident.id}:${row.key}`;
    const latest = await this.reports.latestOfSeries(tx, seriesKey, true);
    if (latest?.status === 'draft') return { report: await this.refresh(tx, latest, now, actor, { incident, rec }), created: false };
    if (latest && !again) return { report: latest, created: false };
    const id = randomUUID();
    const previousRow = await this.reports.previousReleased(tx, { incidentId: incident.id, notificationId: row.notification_id, jurisdiction: row.jurisdiction, excludeId: id });
    // What staff typed into the last report of this notification carries over where the field is asked again.
    const manual = Object.fromEntries(Object.entries(previousRow?.manual_values ?? {}).filter(([k]) => row.derived.content.includes(k)));
    const meta: ReportMeta = { id, version: (latest?.version ?? 0) + 1, supersedes: null, status: 'draft', generatedAt: now.toISOString(), releasedAt: null, releasedBy: null };
    const document = await this.buildIncidentDocument(tx, incident, row, rec, meta, manual, previousRow?.document ?? null, now);
    const report = await this.insert(tx, actor, {
      id, kind: 'incident', incident_id: incident.id, obligation_id: row.id, regime: row.regime, notification_id: row.notification_id, phase: row.phase,
      jurisdiction: row.jurisdiction, period_key: null, series_key: seriesKey, version: meta.version, supersedes: null, document, manual_values: manual,
      due_at: row.due_at, generated_at: now, generated_by: actor.id,
    });
    return { report, created: true };
  }

  /** A correction of a released report: a new draft version of its series that names the one it replaces. */
  async correction(tx: Tx, released: ReportRow, now: Date, actor: Actor): Promise<ReportRow> {
    const id = randomUUID();
    const meta: ReportMeta = { id, version: released.version + 1, supersedes: released.id, status: 'draft', generatedAt: now.toISOString(), releasedAt: null, releasedBy: null };
    const document = await this.rebuild(tx, released, meta, released.manual_values, now, undefined, released.document);
    return this.insert(tx, actor, {
      id, kind: released.kind, incident_id: released.incident_id, obligation_id: released.obligation_id, regime: released.regime, notification_id: released.notification_id,
      phase: released.phase, jurisdiction: released.jurisdiction, period_key: released.period_key, series_key: released.series_key, version: meta.version,
      supersedes: released.id, document, manual_values: released.manual_values, due_at: released.due_at, generated_at: now, generated_by: actor.id,
    });
  }

  /** Rebuilds a draft from the records; writes (and audits) only when its content changed. */
  async refresh(tx: Tx, draft: ReportRow, now: Date, actor: Actor, known?: { incident: IncidentRow; rec: Recomputed }, manual = draft.manual_values, editedBy = draft.edited_by): Promise<ReportRow> {
    if (draft.status !== 'draft') return draft;
    const meta: ReportMeta = { ...draft.document.report, generatedAt: now.toISOString() };
    const document = await this.rebuild(tx, draft, meta, manual, now, known);
    const hash = reportContentHash(document);
    if (hash === draft.content_hash && manual === draft.manual_values) return draft;
    const updated = (await this.reports.updateDraft(tx, draft.id, {
      document, missing_fields: document.missingFields, content_hash: hash, due_at: document.deadline.dueAt ? new Date(document.deadline.dueAt) : null,
      generated_at: now, generated_by: actor.id, manual_values: manual, edited_by: editedBy,
    }))!;
    if (hash !== draft.content_hash) {
      await this.audit.record(tx, actor, {
        action: 'report.draft_refreshed', entityType: 'report', entityId: draft.id, incidentId: draft.incident_id,
        before: { contentHash: draft.content_hash, missingFields: draft.missing_fields }, after: { contentHash: hash, missingFields: document.missingFields },
      });
    }
    return updated;
  }

  /** The document of a stored report as the records stand now. */
  private async rebuild(tx: Tx, report: ReportRow, meta: ReportMeta, manual: Record<string, string>, now: Date, known?: { incident: IncidentRow; rec: Recomputed }, replaces?: ReportDocument): Promise<ReportDocument> {
    // A correction is compared with the version it replaces; otherwise with the last report the regulator got.
    const previous = replaces ?? (report.supersedes ? ((await this.reports.find(tx, report.supersedes))?.document ?? null) : null);
    if (report.kind !== 'incident') return this.periodicDocument(tx, report.kind, report.period_key!, meta, manual, previous, now);
    const incident = known?.incident ?? (await tx.one<IncidentRow>('SELECT * FROM incidents WHERE id = $1', [report.incident_id]))!;
    const rec = known?.rec ?? (await this.obligationEngine.recompute(tx, incident, now, { id: 'system', role: 'system' }));
    const row = rec.rows.find((r) => r.id === report.obligation_id) ?? (await this.obligations.byId(tx, report.obligation_id!))!;
    const prev = previous ?? (await this.reports.previousReleased(tx, { incidentId: incident.id, notificationId: report.notification_id, jurisdiction: report.jurisdiction, excludeId: report.id }))?.document ?? null;
    return this.buildIncidentDocument(tx, incident, row, rec, meta, manual, prev, now);
  }

  // -------------------------------------------------------------------------------------------------
  // Periodic logs

  /** Incidents whose breach belongs in the period's log, with their obligations derived afresh. */
  private async periodIncidents(tx: Tx, kind: PeriodicKind, periodKey: string, org: OrganisationRow, now: Date): Promise<{ incident: IncidentRow; rec: Recomputed }[]> {
    const hipaa = kind === 'hipaa_annual_log';
    // HIPAA: breaches discovered in the year (awareness stands in); PECR: breaches the organisation became aware of in the month.
    const candidates = await tx.rows<IncidentRow>(
      `SELECT i.* FROM incidents i LEFT JOIN incident_clock_facts cf ON cf.incident_id = i.id
       WHERE to_char(${hipaa ? 'coalesce(cf.discovered_at, i.aware_at)' : 'i.aware_at'} AT TIME ZONE $1, $2) = $3
       ORDER BY i.aware_at, i.id`,
      [org.time_zone, hipaa ? 'YYYY' : 'YYYY-MM', periodKey],
    );
    const notification = hipaa ? 'hipaa_hhs_annual' : 'pecr_breach_log';
    const out: { incident: IncidentRow; rec: Recomputed }[] = [];
    for (const incident of candidates) {
      const rec = await this.obligationEngine.recompute(tx, incident, now, { id: 'system', role: 'system' });
      if (rec.rows.some((r) => r.notification_id === notification && r.status === 'due')) out.push({ incident, rec });
    }
    return out;
  }

  private async periodicDocument(tx: Tx, kind: PeriodicKind, periodKey: string, meta: ReportMeta, manual: Record<string, string>, previous: ReportDocument | null, now: Date): Promise<ReportDocument> {
    const org = await this.organisation.get(tx);
    const bounds = periodBounds(kind, periodKey, org.time_zone);
    const incidents: ReportSources[] = [];
    for (const { incident, rec } of await this.periodIncidents(tx, kind, periodKey, org, now)) {
      const own = Object.fromEntries(Object.entries(manual).filter(([k]) => k.startsWith(`${incident.ref}.`)).map(([k, v]) => [k.slice(incident.ref.length + 1), v]));
      incidents.push(await this.sources(tx, incident, rec, own));
    }
    return buildPeriodicReport({
      catalog: this.catalog, kind, periodKey, from: bounds.from, to: bounds.to, dueAt: bounds.dueAt,
      organisation: { name: org.name, timeZone: org.time_zone, contactPoint: org.contact_point },
      incidents, meta, previous, now: now.toISOString(), manual,
    });
  }

  /** The draft of a periodic log: refreshed when open, created when the period has none, left alone once released. */
  async ensurePeriodicDraft(tx: Tx, kind: PeriodicKind, periodKey: string, now: Date, actor_: Actor): Promise<{ report: ReportRow; created: boolean }> {
    const seriesKey = `${kind}:${periodKey}`;
    const latest = await this.reports.latestOfSeries(tx, seriesKey, true);
    if (latest?.status === 'draft') return { report: await this.refresh(tx, latest, now, actor_), created: false };
    if (latest) return { report: latest, created: false };
    const id = randomUUID();
    const meta: ReportMeta = { id, version: 1, supersedes: null, status: 'draft', generatedAt: now.toISOString(), releasedAt: null, releasedBy: null };
    const document = await this.periodicDocument(tx, kind, periodKey, meta, {}, null, now);
    const report = await this.insert(tx, actor_, {
      id, kind, incident_id: null, obligation_id: null, regime: document.regime.id, notification_id: document.notification.id, phase: document.phase.id,
      jurisdiction: null, period_key: periodKey, series_key: seriesKey, version: 1, supersedes: null, document, manual_values: {},
      due_at: document.deadline.dueAt ? new Date(document.deadline.dueAt) : null, generated_at: now, generated_by: actor_.id,
    });
    return { report, created: true };
  }

  private async insert(tx: Tx, actor_: Actor, r: Omit<NewReport, 'schema_version' | 'missing_fields' | 'content_hash'>): Promise<ReportRow> {
    const row = (await this.reports.insert(tx, { ...r, schema_version: REPORT_SCHEMA_VERSION, missing_fields: r.document.missingFields, content_hash: reportContentHash(r.document) }))!;
    await this.audit.record(tx, actor_, {
      action: r.supersedes ? 'report.correction_created' : 'report.draft_generated', entityType: 'report', entityId: row.id, incidentId: row.incident_id,
      after: { kind: row.kind, seriesKey: row.series_key, version: row.version, supersedes: row.supersedes, missingFields: row.missing_fields, contentHash: row.content_hash },
    });
    return row;
  }
}
