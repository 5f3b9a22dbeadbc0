import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail, Database, type Sql, type Tx } from '#database';
import { type Actor, SYSTEM_ACTOR } from '#domain';
import { Problem } from '../common/problem.js';
import type { IncidentRow } from '../incidents/incident.repository.js';
import { IncidentService } from '../incidents/incident.service.js';
import { CLOCK, type Clock } from '#records';
import { CLOCK_FACT_TIMES, type PutClockFactsDto } from './clock-facts.dto.js';
import { type ClockFactsFields, ClockFactsRepository, type ClockFactsRow } from '#records';
import type { ListObligationsQuery, RecordSubmissionDto } from './obligation.dto.js';
import { ObligationEngine, type Recomputed } from '#records';
import { type ObligationRow, ObligationRepository, type SubmissionRow } from '#records';
import { obligationView, submissionView } from './obligation.view.js';
import type { PutOrganisationDto } from './organisation.dto.js';
import { type OrganisationFields, OrganisationRepository } from '#records';
import { organisationView, type OrganisationView } from './organisation.view.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OBLIGATION_KEY = /^[a-z0-9_]{1,60}:[a-z0-9_]{1,60}(:[A-Z]{2}(-[A-Z0-9]{1,3})?)?$/;
// A clock fact or submission may be a few minutes ahead of this server's clock, not more.
const FUTURE_SLACK_MS = 5 * 60_000;

function clockFactsView(c: ClockFactsRow) {
  return {
    incidentId: c.incident_id,
    version: c.version,
    discoveredAt: c.discovered_at,
    breachDeterminedAt: c.breach_determined_at,
    classifiedMajorAt: c.classified_major_at,
    materialityDeterminedAt: c.materiality_determined_at,
    infoDeterminedAt: c.info_determined_at,
    handledAt: c.handled_at,
    nis2Significant: c.nis2_significant,
    cnGradeOtherAxes: c.cn_grade_other_axes,
    cnLossCny: c.cn_loss_cny === null ? null : Number(c.cn_loss_cny),
    updatedBy: c.updated_by,
    updatedAt: c.updated_at,
  };
}

/** The organisation profile, an incident's clock facts, its obligations (derived on every read) and their submissions. */
@Injectable()
export class ObligationService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(IncidentService) private readonly incidents: IncidentService,
    @Inject(ObligationEngine) private readonly engine: ObligationEngine,
    @Inject(ObligationRepository) private readonly obligations: ObligationRepository,
    @Inject(OrganisationRepository) private readonly organisation: OrganisationRepository,
    @Inject(ClockFactsRepository) private readonly clockFacts: ClockFactsRepository,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  // -------------------------------------------------------------------------------------------------
  // Organisation profile

  async getOrganisation(): Promise<OrganisationView> {
    return organisationView(await this.organisation.get());
  }

  async putOrganisation(actor: Actor, dto: PutOrganisationDto): Promise<OrganisationView> {
    const fields: OrganisationFields = {
      name: dto.name ?? '',
      time_zone: dto.timeZone,
      holidays: [...new Set(dto.holidays ?? [])].sort(),
      sector: dto.sector ?? null,
      role: dto.role ?? 'controller',
      cn_operator_type: dto.cnOperatorType ?? null,
      listed_company: dto.listedCompany ?? false,
      telecom_provider: dto.telecomProvider ?? false,
      hipaa_covered_entity: dto.hipaaCoveredEntity ?? false,
      hipaa_business_associate: dto.hipaaBusinessAssociate ?? false,
      nis2_entity: dto.nis2Entity ?? null,
      dora_financial_entity: dto.doraFinancialEntity ?? false,
      dora_weekend_relief: dto.doraWeekendRelief ?? false,
      contact_point: dto.contactPoint ?? null,
      reporter_name: dto.reporterName ?? null,
      reporter_email: dto.reporterEmail ?? null,
      reporter_phone: dto.reporterPhone ?? null,
    };
    return this.db.transaction(async (tx) => {
      const before = await this.organisation.get(tx, true);
      if (before.version !== dto.version) throw this.stale('organisation profile', dto.version, before.version);
      const after = await this.organisation.save(tx, dto.version, fields, actor.id);
      if (!after) throw this.stale('organisation profile', dto.version, dto.version + 1);
      await this.audit.record(tx, actor, {
        action: 'organisation.updated', entityType: 'organisation', entityId: 'profile',
        before: before.version === 0 ? null : organisationView(before), after: organisationView(after),
      });
      return organisationView(after);
    });
  }

  // -------------------------------------------------------------------------------------------------
  // Clock facts

  async getClockFacts(key: string) {
    const incident = await this.incidents.require(this.db, key);
    return clockFactsView(await this.clockFacts.get(this.db, incident.id));
  }

  /** Replaces the clock facts and derives the obligations again in the same transaction, so the moves are the actor's. */
  async putClockFacts(actor: Actor, key: string, dto: PutClockFactsDto) {
    const latest = this.clock.now().getTime() + FUTURE_SLACK_MS;
    const errors = CLOCK_FACT_TIMES.filter((f) => dto[f] && Date.parse(dto[f]!) > latest).map((field) => ({ field, reason: 'must not be in the future' }));
    if (errors.length) throw Problem.validation(errors);
    const date = (v: string | null | undefined) => (v ? new Date(v) : null);
    const fields: ClockFactsFields = {
      discovered_at: date(dto.discoveredAt),
      breach_determined_at: date(dto.breachDeterminedAt),
      classified_major_at: date(dto.classifiedMajorAt),
      materiality_determined_at: date(dto.materialityDeterminedAt),
      info_determined_at: date(dto.infoDeterminedAt),
      handled_at: date(dto.handledAt),
      nis2_significant: dto.nis2Significant ?? null,
      cn_grade_other_axes: dto.cnGradeOtherAxes ?? null,
      cn_loss_cny: dto.cnLossCny === undefined || dto.cnLossCny === null ? null : String(dto.cnLossCny),
    };
    return this.db.transaction(async (tx) => {
      const incident = await this.incidents.require(tx, key, true);
      const before = await this.clockFacts.get(tx, incident.id, true);
      if (before.version !== dto.version) throw this.stale('clock facts', dto.version, before.version);
      const after = await this.clockFacts.save(tx, incident.id, dto.version, fields, actor.id);
      if (!after) throw this.stale('clock facts', dto.version, dto.version + 1);
      await this.audit.record(tx, actor, {
        action: 'incident.clock_facts_updated', entityType: 'incident_clock_facts', entityId: incident.id, incidentId: incident.id,
        before: before.version === 0 ? null : clockFactsView(before), after: clockFactsView(after),
      });
      await this.engine.recompute(tx, incident, this.clock.now(), actor);
      return clockFactsView(after);
    });
  }

  // -------------------------------------------------------------------------------------------------
  // Obligations

  /** Derived from the facts as they are now; rows are written (and moves audited) before they are shown. */
  async list(key: string, query: ListObligationsQuery = {}) {
    const now = this.clock.now();
    const { incident, result } = await this.db.transaction(async (tx) => {
      const incident = await this.incidents.require(tx, key);
      return { incident, result: await this.engine.recompute(tx, incident, now, SYSTEM_ACTOR) };
    });
    return this.listing(incident, result, now, query.includeWithdrawn === 'true');
  }

  /** Records a submission (or filing) of one obligation; clocks that run from it start. */
  async recordSubmission(actor: Actor, incidentKey: string, obligationKey: string, dto: RecordSubmissionDto, reportId: string | null = null) {
    const now = this.clock.now();
    const submittedAt = new Date(dto.submittedAt);
    if (submittedAt.getTime() > now.getTime() + FUTURE_SLACK_MS) throw Problem.validation([{ field: 'submittedAt', reason: 'must not be in the future' }]);
    return this.db.transaction(async (tx) => {
      const incident = await this.incidents.require(tx, incidentKey, true);
      if (submittedAt < incident.aware_at) throw Problem.validation([{ field: 'submittedAt', reason: 'must not be before the incident’s awareAt' }]);
      const { submission } = await this.submitInTx(tx, actor, incident, obligationKey, dto, reportId, now);
      const after = await this.engine.recompute(tx, incident, now, actor);
      const row = after.rows.find((r) => r.id === submission.obligation_id)!;
      return { submission: submissionView(submission), obligation: obligationView(row, now, after.submissions) };
    });
  }

  /** The submission itself, inside the caller's transaction (reports use it when a released report is submitted). */
  async submitInTx(tx: Tx, actor: Actor, incident: IncidentRow, obligationKey: string, dto: RecordSubmissionDto, reportId: string | null, now: Date): Promise<{ submission: SubmissionRow; obligation: ObligationRow }> {
    const current = await this.engine.recompute(tx, incident, now, SYSTEM_ACTOR);
    const row = this.findRow(current.rows, obligationKey);
    if (row.status !== 'due') {
      const why = row.status === 'waiting' ? `its clock has not started: it waits for ${row.derived.waitingFor ?? 'a fact not recorded yet'}` : `it is ${row.status.replace('_', ' ')}: ${row.derived.reasons.join(' ')}`;
      throw Problem.conflict('obligation-not-due', 'This obligation cannot take a submission now', `The obligation ${row.key} cannot take a submission: ${why}`, { obligationStatus: row.status });
    }
    const submission = (await this.obligations.insertSubmission(tx, {
      incident_id: incident.id,
      obligation_id: row.id,
      regime: row.regime,
      notification_id: row.notification_id,
      phase: row.phase,
      jurisdiction: row.jurisdiction,
      submitted_at: new Date(dto.submittedAt),
      method: dto.method,
      reference: dto.reference ?? null,
      notes: dto.notes ?? '',
      report_id: reportId,
      recorded_by: actor.id,
    }))!;
    await this.audit.record(tx, actor, {
      action: 'obligation.submission_recorded', entityType: 'obligation', entityId: row.id, incidentId: incident.id,
      after: submissionView(submission),
    });
    return { submission, obligation: row };
  }

  /** A row by key (`gdpr_sa:initial`, `hipaa_media:initial:US-CA`) or id; 404 when not derived (or withdrawn). */
  findRow(rows: readonly ObligationRow[], key: string): ObligationRow {
    if (!UUID.test(key) && !OBLIGATION_KEY.test(key)) {
      throw Problem.validation([{ field: 'key', reason: 'must be an obligation key such as gdpr_sa:initial (notification:phase[:jurisdiction]) or an obligation id' }]);
    }
    const row = rows.find((r) => r.key === key || r.id === key.toLowerCase());
    if (!row || row.status === 'withdrawn') throw Problem.notFound('Obligation', key);
    return row;
  }

  /** Obligations read in another transaction (the reports use them). */
  async recompute(sql: Tx, incident: IncidentRow, actor: Actor = SYSTEM_ACTOR): Promise<Recomputed> {
    return this.engine.recompute(sql, incident, this.clock.now(), actor);
  }

  now(): Date {
    return this.clock.now();
  }

  private listing(incident: IncidentRow, result: Recomputed, now: Date, includeWithdrawn: boolean) {
    const items = result.rows.filter((r) => includeWithdrawn || r.status !== 'withdrawn').map((r) => obligationView(r, now, result.submissions));
    return {
      incident: { id: incident.id, ref: incident.ref, awareAt: incident.aware_at },
      now,
      timeZone: result.organisation.time_zone,
      catalogVersion: this.engine.catalog.version,
      organisationConfigured: result.organisation.version > 0,
      subjectCounts: result.facts.subjectCounts,
      unknownJurisdiction: result.unknownJurisdiction,
      items,
    };
  }

  private stale(what: string, sent: number, current: number): Problem {
    return Problem.conflict('stale-version', `The ${what} was changed by someone else`,
      `You sent version ${sent}; the ${what} is at version ${current}. Read it again and reapply your change.`, { currentVersion: current });
  }

  /** For reads that need the incident row in a given transaction. */
  requireIncident(sql: Sql, key: string, forUpdate = false): Promise<IncidentRow> {
    return this.incidents.require(sql, key, forUpdate);
  }
}
