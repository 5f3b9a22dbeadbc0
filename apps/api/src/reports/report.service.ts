import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail, Database, type Tx } from '#database';
import { type Actor, REPORT_JSON_SCHEMA, reportCsv, type ReportDocument, SYSTEM_ACTOR } from '#domain';
import { renderReportPdf } from '#documents';
import { recordRegulatorDenial, type RegulatorGrant } from '../access/regulator-grants.js';
import { cursorKey, decodeCursor, encodeCursor, type Page } from '../common/keyset.js';
import { Problem } from '../common/problem.js';
import type { IncidentRow } from '../incidents/incident.repository.js';
import { ObligationEngine } from '#records';
import { ObligationRepository } from '#records';
import { ObligationService } from '../obligations/obligation.service.js';
import type { CreatePeriodicReportDto, CreateReportDto, ListReportsQuery, ReleaseReportDto, SetFieldsDto, SubmitReportDto } from './report.dto.js';
import { isPeriodKey, REPORTED_PARTIES, ReportEngine } from '#records';
import { ReportRepository, type ReportRow } from '#records';
import { regulatorReportView, reportView, type ReportView } from './report.view.js';

export type ExportFormat = 'json' | 'csv' | 'pdf';

export interface ExportedReport {
  contentType: string;
  filename: string;
  body: string | Buffer;
}

/**
 * Regulator reports: drafts built from the records (one per regulator obligation, and the periodic logs),
 * staff's values for what the records cannot fill, release by an approver (then immutable; a correction is
 * a new version), submission, and exports (JSON, CSV, PDF) for staff and for regulator tokens.
 */
@Injectable()
export class ReportService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
    @Inject(ObligationService) private readonly obligationService: ObligationService,
    @Inject(ObligationEngine) private readonly obligationEngine: ObligationEngine,
    @Inject(ObligationRepository) private readonly obligations: ObligationRepository,
    @Inject(ReportEngine) private readonly engine: ReportEngine,
    @Inject(ReportRepository) private readonly reports: ReportRepository,
  ) {}

  schema() {
    return REPORT_JSON_SCHEMA;
  }

  async list(query: ListReportsQuery, incidentKey?: string): Promise<Page<ReportView>> {
    const incidentId = incidentKey ? (await this.obligationService.requireIncident(this.db, incidentKey)).id : undefined;
    const limit = query.limit ?? 50;
    const after = query.cursor ? (decodeCursor(query.cursor, 2, [cursorKey.timestamp, cursorKey.uuid]) as [string, string]) : undefined;
    const rows = await this.reports.list(this.db, { incidentId, kind: query.kind, status: query.status, regime: query.regime, after, limit });
    const last = rows[rows.length - 1];
    return { items: rows.map((r) => reportView(r, false)), nextCursor: rows.length === limit && last ? encodeCursor([last.created_at_key, last.id]) : null };
  }

  /** The draft of one regulator obligation of an incident: created, or the open one refreshed. */
  async create(actor: Actor, incidentKey: string, dto: CreateReportDto): Promise<{ created: boolean; report: ReportView }> {
    const now = this.obligationService.now();
    return this.db.transaction(async (tx) => {
      const incident = await this.obligationService.requireIncident(tx, incidentKey, true);
      const rec = await this.obligationEngine.recompute(tx, incident, now, SYSTEM_ACTOR);
      const row = this.obligationService.findRow(rec.rows, dto.obligation);
      if (!REPORTED_PARTIES.has(row.party)) {
        throw Problem.conflict('not-a-regulator-report', 'This obligation is not a report to a regulator', `${row.key} is a notice to ${row.party.replace(/_/g, ' ')}; reports are built for authorities (and the SEC filing).`);
      }
      if (row.phase_kind === 'periodic') {
        throw Problem.conflict('periodic-report', 'This is a periodic log', `${row.key} is part of a periodic log: create it with POST /v1/reports/periodic.`);
      }
      if (row.status !== 'due') {
        throw Problem.conflict('obligation-not-due', 'This obligation has no report to prepare now', `${row.key} is ${row.status.replace('_', ' ')}${row.derived.waitingFor ? `: it waits for ${row.derived.waitingFor}` : ''}.`, { obligationStatus: row.status });
      }
      if (dto.again && !this.repeatable(row.notification_id, row.phase)) {
        throw Problem.conflict('not-repeatable', 'This phase takes one report', `${row.key} is not a repeatable phase: to change a released report, create a correction.`);
      }
      const latest = await this.reports.latestOfSeries(tx, `${incident.id}:${row.key}`);
      if (latest && latest.status !== 'draft' && !dto.again) {
        throw Problem.conflict('report-released', 'This obligation’s report was already released',
          `Report ${latest.id} (version ${latest.version}) was released; create a correction${this.repeatable(row.notification_id, row.phase) ? ', or pass again: true for a further report' : ''}.`, { reportId: latest.id });
      }
      const { report, created } = await this.engine.ensureDraft(tx, incident, row, rec, now, actor, dto.again === true);
      return { created, report: reportView(report) };
    });
  }

  async createPeriodic(actor: Actor, dto: CreatePeriodicReportDto): Promise<{ created: boolean; report: ReportView }> {
    if (!isPeriodKey(dto.kind, dto.period)) {
      throw Problem.validation([{ field: 'period', reason: dto.kind === 'hipaa_annual_log' ? 'must be a year, e.g. 2026, for hipaa_annual_log' : 'must be a month, e.g. 2026-10, for pecr_monthly_log' }]);
    }
    const now = this.obligationService.now();
    return this.db.transaction(async (tx) => {
      const { report, created } = await this.engine.ensurePeriodicDraft(tx, dto.kind, dto.period, now, actor);
      return { created, report: reportView(report) };
    });
  }

  /** A draft is rebuilt from the records before it is shown; a released report is shown as released. */
  async get(id: string): Promise<ReportView> {
    return reportView(await this.db.transaction(async (tx) => this.current(tx, await this.require(tx, id, true), SYSTEM_ACTOR)));
  }

  async setFields(actor: Actor, id: string, dto: SetFieldsDto): Promise<ReportView> {
    return this.db.transaction(async (tx) => {
      const report = await this.require(tx, id, true);
      if (report.status !== 'draft') throw this.notDraft(report);
      const allowed = this.editableFields(report.document);
      const errors = Object.keys(dto.values).filter((k) => !allowed.has(k)).map((k) => ({ field: `values.${k}`, reason: 'is not a field of this report' }));
      if (errors.length) throw Problem.validation(errors);
      const manual = { ...report.manual_values };
      for (const [k, v] of Object.entries(dto.values)) {
        if (v === null || v.trim() === '') delete manual[k];
        else manual[k] = v;
      }
      const now = this.obligationService.now();
      const after = await this.engine.refresh(tx, report, now, actor, undefined, manual, actor.id);
      await this.audit.record(tx, actor, {
        action: 'report.fields_updated', entityType: 'report', entityId: id, incidentId: report.incident_id,
        before: { manualValues: report.manual_values }, after: { manualValues: after.manual_values, missingFields: after.missing_fields },
      });
      return reportView(after);
    });
  }

  /** Release by an approver who did not type values into it, of exactly the content they reviewed. */
  async release(actor: Actor, id: string, dto: ReleaseReportDto): Promise<ReportView> {
    return this.db.transaction(async (tx) => {
      const before = await this.require(tx, id, true);
      if (before.status !== 'draft') throw this.notDraft(before);
      if (before.edited_by === actor.id) {
        throw new Problem(403, 'editor-cannot-release', 'You edited this report', 'You typed values into this report; another approver must release it (four-eyes rule).');
      }
      const now = this.obligationService.now();
      const draft = await this.engine.refresh(tx, before, now, actor);
      if (dto.contentHash !== draft.content_hash) {
        throw Problem.conflict('content-hash-mismatch', 'The content changed since you reviewed it',
          'The contentHash you sent is not the report’s current one (the records changed, or someone edited it): read it again, review it, and release what you saw.', { currentHash: draft.content_hash });
      }
      if (draft.missing_fields.length && !dto.acceptMissing) {
        throw Problem.conflict('missing-fields', 'Required fields are missing',
          `${draft.missing_fields.length} required field(s) have no value: ${draft.missing_fields.join(', ')}. Fill them in, or release with acceptMissing: true (e.g. a first notification in phases).`, { missingFields: draft.missing_fields });
      }
      const document: ReportDocument = { ...draft.document, report: { ...draft.document.report, status: 'released', releasedAt: now.toISOString(), releasedBy: actor.id } };
      const after = (await this.reports.release(tx, id, actor.id, now, document))!;
      await this.audit.record(tx, actor, {
        action: 'report.released', entityType: 'report', entityId: id, incidentId: after.incident_id,
        before: { status: before.status }, after: { status: after.status, contentHash: after.content_hash, missingFields: after.missing_fields, version: after.version },
      });
      return reportView(after);
    });
  }

  async correct(actor: Actor, id: string): Promise<ReportView> {
    return this.db.transaction(async (tx) => {
      const report = await this.require(tx, id, true);
      if (report.status === 'draft') throw Problem.conflict('report-draft', 'A draft needs no correction', 'This report is still a draft: edit it instead.');
      const latest = (await this.reports.latestOfSeries(tx, report.series_key, true))!;
      if (latest.id !== report.id) {
        throw Problem.conflict('already-corrected', 'A newer version exists', `Version ${latest.version} (${latest.id}, ${latest.status}) already follows this report; correct that one.`, { reportId: latest.id });
      }
      return reportView(await this.engine.correction(tx, report, this.obligationService.now(), actor));
    });
  }

  /** Records that a released report was sent: the obligation(s) it answers get their submission. */
  async submit(actor: Actor, id: string, dto: SubmitReportDto) {
    const now = this.obligationService.now();
    const submittedAt = new Date(dto.submittedAt);
    if (submittedAt.getTime() > now.getTime() + 5 * 60_000) throw Problem.validation([{ field: 'submittedAt', reason: 'must not be in the future' }]);
    return this.db.transaction(async (tx) => {
      const report = await this.require(tx, id, true);
      if (report.status === 'draft') throw Problem.conflict('report-draft', 'Only a released report can be submitted', 'An approver must release this report before it is submitted.');
      if (report.released_at && submittedAt < report.released_at) throw Problem.validation([{ field: 'submittedAt', reason: 'must not be before the report was released' }]);
      const submissions = [];
      for (const { incident, key } of await this.answeredObligations(tx, report)) {
        const { submission } = await this.obligationService.submitInTx(tx, actor, incident, key, dto, report.id, now);
        submissions.push(submission.id);
        await this.obligationEngine.recompute(tx, incident, now, actor);
      }
      const after = (await this.reports.markSubmitted(tx, id, submittedAt))!;
      await this.audit.record(tx, actor, {
        action: 'report.submitted', entityType: 'report', entityId: id, incidentId: report.incident_id,
        before: { status: report.status }, after: { status: after.status, submittedAt: dto.submittedAt, method: dto.method, reference: dto.reference ?? null, submissions },
      });
      return reportView(after);
    });
  }

  /**
   * A report's document as JSON, CSV or PDF. Staff get any report (a draft is rebuilt first); a regulator
   * token only a released report it was issued for: anything else is a 404, and the attempt is audited.
   */
  async export(actor: Actor, grants: RegulatorGrant[], id: string, format: ExportFormat): Promise<ExportedReport> {
    let report: ReportRow | undefined;
    if (actor.role === 'regulator') {
      report = await this.reports.find(this.db, id);
      const granted = report !== undefined && (await this.reports.isGranted(this.db, id, grants));
      if (!granted) {
        await recordRegulatorDenial(this.db, this.audit, actor, { entityType: 'report', entityId: id, incidentId: report?.incident_id ?? null, reason: report ? 'not issued for this report' : 'no such report' });
        throw Problem.notFound('Report', id);
      }
      await this.db.transaction((tx) => this.audit.record(tx, actor, { action: 'regulator.report_read', entityType: 'report', entityId: id, incidentId: report!.incident_id, after: { format } }));
    } else {
      report = await this.db.transaction(async (tx) => this.current(tx, await this.require(tx, id, true), SYSTEM_ACTOR));
    }
    const doc = report!.document;
    const base = `${doc.incident?.ref ?? doc.period?.key ?? 'report'}-${doc.notification.id}-${doc.phase.id}-v${doc.report.version}`;
    if (format === 'json') return { contentType: 'application/json', filename: `${base}.json`, body: JSON.stringify(doc, null, 2) };
    if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', filename: `${base}.csv`, body: reportCsv(doc) };
    return { contentType: 'application/pdf', filename: `${base}.pdf`, body: await renderReportPdf(doc) };
  }

  /** The released reports a regulator token may read. */
  async regulatorList(grants: RegulatorGrant[], query: ListReportsQuery) {
    if (grants.length === 0) return { items: [], nextCursor: null };
    const limit = query.limit ?? 50;
    const after = query.cursor ? (decodeCursor(query.cursor, 2, [cursorKey.timestamp, cursorKey.uuid]) as [string, string]) : undefined;
    const rows = await this.reports.list(this.db, { kind: query.kind, status: query.status, regime: query.regime, after, limit }, grants);
    const last = rows[rows.length - 1];
    return { items: rows.map(regulatorReportView), nextCursor: rows.length === limit && last ? encodeCursor([last.created_at_key, last.id]) : null };
  }

  // -------------------------------------------------------------------------------------------------

  private async current(tx: Tx, report: ReportRow, actor: Actor): Promise<ReportRow> {
    return report.status === 'draft' ? this.engine.refresh(tx, report, this.obligationService.now(), actor) : report;
  }

  private async require(tx: Tx, id: string, forUpdate = false): Promise<ReportRow> {
    const row = await this.reports.find(tx, id, forUpdate);
    if (!row) throw Problem.notFound('Report', id);
    return row;
  }

  private notDraft(r: ReportRow): Problem {
    return Problem.conflict('report-released', 'A released report does not change',
      `Report ${r.id} is ${r.status}; it cannot change. Create a correction (POST /v1/reports/${r.id}/corrections).`, { reportStatus: r.status });
  }

  /** Field ids staff may fill: the report's own fields, and in a log `<incident ref>.<field>`. */
  private editableFields(doc: ReportDocument): Set<string> {
    const ids = new Set(doc.fields.map((f) => f.id));
    for (const e of doc.entries ?? []) for (const f of e.fields) ids.add(`${e.incident.ref}.${f.id}`);
    if (doc.kind === 'incident') for (const f of this.lateFields(doc.notification.id, doc.phase.id)) ids.add(f);
    return ids;
  }

  private lateFields(notificationId: string, phaseId: string): string[] {
    for (const regime of this.engine.catalog.regimes) {
      const def = regime.notifications.find((d) => d.id === notificationId);
      const phase = def?.phases.find((p) => p.id === phaseId);
      if (phase) return (phase.lateRequires ?? []).map((f) => f.id);
    }
    return [];
  }

  private repeatable(notificationId: string, phaseId: string): boolean {
    for (const regime of this.engine.catalog.regimes) {
      const phase = regime.notifications.find((d) => d.id === notificationId)?.phases.find((p) => p.id === phaseId);
      if (phase) return phase.repeatable === true;
    }
    return false;
  }

  /** The obligations a report answers: its own, or, for a log, each listed breach's log obligation. */
  private async answeredObligations(tx: Tx, report: ReportRow): Promise<{ incident: IncidentRow; key: string }[]> {
    const incidentIds = report.kind === 'incident' ? [report.incident_id!] : (report.document.entries ?? []).map((e) => e.incident.id);
    const out: { incident: IncidentRow; key: string }[] = [];
    for (const incidentId of incidentIds) {
      const incident = (await tx.one<IncidentRow>('SELECT * FROM incidents WHERE id = $1 FOR UPDATE', [incidentId]))!;
      const key = report.kind === 'incident'
        ? (await this.obligations.byId(tx, report.obligation_id!))!.key
        : `${report.notification_id}:${report.phase}`;
      out.push({ incident, key });
    }
    return out;
  }
}
