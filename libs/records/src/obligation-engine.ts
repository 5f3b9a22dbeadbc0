import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail, type Tx } from '#database';
import {
  type Actor,
  type AssessmentFacts,
  type CampaignNotice,
  type DataCategory,
  deriveObligations,
  diffObligations,
  isJurisdiction,
  noticeFactsFromCampaigns,
  type Obligation,
  type ObligationFacts,
  obligationKey,
  REGIME_CATALOG,
  type RegimeCatalog,
} from '#domain';
import { ClockFactsRepository, type ClockFactsRow } from './clock-facts.repository.js';
import { type ObligationRow, obligationRowKey, ObligationRepository, type SubmissionRow } from './obligation.repository.js';
import { organisationFacts, OrganisationRepository, type OrganisationRow } from './organisation.repository.js';

/** What one derivation read and produced. */
export interface Recomputed {
  rows: ObligationRow[];
  facts: ObligationFacts;
  organisation: OrganisationRow;
  clockFacts: ClockFactsRow;
  submissions: SubmissionRow[];
  /** Affected people without a known jurisdiction: counted nowhere. */
  unknownJurisdiction: number;
  /** How many rows changed due time or status (each one audited). */
  changes: number;
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/**
 * Derives an incident's obligations from the facts as they are now and keeps the `obligations` rows in step:
 * used by the api on every read and by the scheduler on every tick. Every change of a due time or status
 * is audited, in the caller's transaction. Derivations of one incident are serialised (advisory lock).
 */
@Injectable()
export class ObligationEngine {
  readonly catalog: RegimeCatalog = REGIME_CATALOG;

  constructor(
    @Inject(ObligationRepository) private readonly obligations: ObligationRepository,
    @Inject(OrganisationRepository) private readonly organisation: OrganisationRepository,
    @Inject(ClockFactsRepository) private readonly clockFacts: ClockFactsRepository,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
  ) {}

  /** The facts the derivation reads, gathered set-wise (subject counts are one GROUP BY). */
  async gather(tx: Tx, incident: { id: string; aware_at: Date }) {
    const [organisation, clockFacts, assessment, counts, submissions, campaigns] = [
      await this.organisation.get(tx),
      await this.clockFacts.get(tx, incident.id),
      await this.obligations.latestAssessment(tx, incident.id),
      await this.obligations.subjectCounts(tx, incident.id),
      await this.obligations.submissions(tx, incident.id),
      await this.obligations.campaignNotices(tx, incident.id),
    ];
    const subjectCounts: Record<string, number> = {};
    let unknownJurisdiction = 0;
    for (const c of counts) {
      if (c.code !== null && isJurisdiction(c.code)) subjectCounts[c.code] = c.n;
      else unknownJurisdiction += c.n;
    }
    const assessmentFacts: AssessmentFacts | null = assessment
      ? {
          riskLevel: assessment.risk_level,
          dataCategories: assessment.input.dataCategories as DataCategory[],
          approxSubjects: assessment.input.approxSubjects ?? null,
          dataUnintelligible: assessment.input.dataUnintelligible === true,
        }
      : null;
    const notices: CampaignNotice[] = campaigns.map((c) => ({
      campaignId: c.id,
      jurisdictions: c.audience.kind === 'all' ? null : (c.audience.jurisdictions ?? []),
      firstSentAt: iso(c.first_sent_at),
    }));
    const facts: ObligationFacts = {
      awareAt: incident.aware_at.toISOString(),
      discoveredAt: iso(clockFacts.discovered_at),
      breachDeterminedAt: iso(clockFacts.breach_determined_at),
      classifiedMajorAt: iso(clockFacts.classified_major_at),
      materialityDeterminedAt: iso(clockFacts.materiality_determined_at),
      infoDeterminedAt: iso(clockFacts.info_determined_at),
      handledAt: iso(clockFacts.handled_at),
      nis2Significant: clockFacts.nis2_significant,
      cnGradeOtherAxes: clockFacts.cn_grade_other_axes,
      assessment: assessmentFacts,
      subjectCounts,
      organisation: { ...organisationFacts(organisation), cnLossCny: clockFacts.cn_loss_cny === null ? null : Number(clockFacts.cn_loss_cny) },
      submissions: submissions.map((s) => ({ regime: s.regime, obligationId: s.notification_id, phase: s.phase, submittedAt: s.submitted_at.toISOString(), jurisdiction: s.jurisdiction })),
      notices: noticeFactsFromCampaigns(notices),
    };
    return { facts, organisation, clockFacts, assessment, submissions, unknownJurisdiction };
  }

  /** Derives at `now`, writes what changed, audits each change of due time or status. Call inside a transaction. */
  async recompute(tx: Tx, incident: { id: string; aware_at: Date }, now: Date, actor: Actor): Promise<Recomputed> {
    await this.obligations.lockIncident(tx, incident.id);
    const { facts, organisation, clockFacts, submissions, unknownJurisdiction } = await this.gather(tx, incident);
    const derived = deriveObligations(facts, this.catalog, now.toISOString());
    const existing = await this.obligations.list(tx, incident.id);
    const before = existing.filter((r) => r.status !== 'withdrawn').map((r) => r.derived);
    const diff = diffObligations(before, derived);

    await this.obligations.upsert(tx, incident.id, this.catalog.version, derived);
    await this.obligations.withdraw(tx, incident.id, derived.map(obligationRowKey));
    // In derivation (catalog) order; rows no longer derived last.
    const order = new Map(derived.map((o, i) => [obligationRowKey(o), i]));
    const rows = (await this.obligations.list(tx, incident.id)).sort((a, b) => (order.get(a.key) ?? Infinity) - (order.get(b.key) ?? Infinity));
    const byKey = new Map(rows.map((r) => [obligationKey(r.derived), r]));

    const record = async (action: string, o: Obligation, before: unknown, after: unknown) => {
      const row = byKey.get(obligationKey(o));
      await this.audit.record(tx, actor, { action, entityType: 'obligation', entityId: row?.id ?? obligationRowKey(o), incidentId: incident.id, before, after });
    };
    for (const o of diff.added) await record('obligation.added', o, null, { key: obligationRowKey(o), status: o.status, dueAt: o.dueAt, catalogVersion: this.catalog.version });
    for (const m of diff.moved) await record('obligation.due_changed', m.obligation, { dueAt: m.before }, { dueAt: m.after });
    for (const s of diff.statusChanged) await record('obligation.status_changed', s.obligation, { status: s.before }, { status: s.after });
    for (const o of diff.dropped) {
      const now_ = byKey.get(obligationKey(o));
      await record('obligation.dropped', o, { status: o.status, dueAt: o.dueAt }, { status: now_?.status ?? 'withdrawn', reasons: now_?.derived.reasons ?? [] });
    }
    const changes = diff.added.length + diff.moved.length + diff.statusChanged.length + diff.dropped.length;
    return { rows, facts, organisation, clockFacts, submissions, unknownJurisdiction, changes };
  }
}
