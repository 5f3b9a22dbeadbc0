import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AuditTrail, Database } from '#database';
import { deadlineAlert, draftIsDue, endedPeriods, SYSTEM_ACTOR } from '#domain';
import type { IncidentRow } from '#records';
import { CLOCK, type Clock } from '#records';
import { ObligationEngine } from '#records';
import type { ObligationRow } from '#records';
import { OrganisationRepository } from '#records';
import { type PeriodicKind, REPORTED_PARTIES, ReportEngine } from '#records';
import { JobRunsRepository } from './job-runs.repository.js';
import { SCHEDULER_CONFIG, type SchedulerConfig } from './scheduler-config.js';

export interface TickResult {
  at: string;
  incidents: number;
  drafts: number;
  alerts: number;
  logs: number;
  errors: number;
}

/**
 * The regulator-report scheduler. On every tick (and once at start, so whatever fell due while every
 * notifier was down is done at once) it derives each open incident's obligations on its clock, makes each
 * report draft `leadHours` before its due time, raises an alert as each threshold is crossed and when a
 * deadline is missed, and makes each periodic log once its period has ended. Everything it does is decided
 * from due times, not timers, and keyed in scheduler_job_runs in the same transaction as the work: with
 * several notifier processes every draft, alert and log is made exactly once.
 */
@Injectable()
export class ReportScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly workerId = randomUUID();
  private readonly logger = new Logger('ReportScheduler');
  private running: Promise<TickResult> | null = null;
  private stopped = false;

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    @Inject(ObligationEngine) private readonly obligations: ObligationEngine,
    @Inject(ReportEngine) private readonly reports: ReportEngine,
    @Inject(OrganisationRepository) private readonly organisation: OrganisationRepository,
    @Inject(JobRunsRepository) private readonly jobs: JobRunsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.scheduled();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
  }

  @Interval(60_000)
  async scheduled(): Promise<void> {
    if (!this.config.enabled || this.stopped) return;
    try {
      const r = await this.tick();
      if (r.drafts || r.alerts || r.logs || r.errors) this.logger.log(`tick ${r.at}: ${r.drafts} drafts, ${r.alerts} alerts, ${r.logs} logs, ${r.errors} errors (${r.incidents} incidents)`);
    } catch (error) {
      // The database may be restarting; the next tick catches up.
      this.logger.warn(`tick failed: ${(error as Error).message}`);
    }
  }

  /** One pass at the clock's current time; concurrent calls in one process share the pass. */
  tick(): Promise<TickResult> {
    this.running ??= this.run(this.clock.now()).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(now: Date): Promise<TickResult> {
    const result: TickResult = { at: now.toISOString(), incidents: 0, drafts: 0, alerts: 0, logs: 0, errors: 0 };
    const incidents = await this.db.rows<IncidentRow>(
      `SELECT i.* FROM incidents i
       WHERE i.status <> 'closed' OR EXISTS (SELECT 1 FROM obligations o WHERE o.incident_id = i.id AND o.status = 'due' AND o.submitted_at IS NULL)
       ORDER BY i.aware_at, i.id`,
    );
    for (const incident of incidents) {
      if (this.stopped) break;
      result.incidents += 1;
      try {
        await this.incident(incident, now, result);
      } catch (error) {
        result.errors += 1;
        this.logger.warn(`incident ${incident.id}: ${(error as Error).message}`);
      }
    }
    try {
      await this.periodic(now, result);
    } catch (error) {
      result.errors += 1;
      this.logger.warn(`periodic logs: ${(error as Error).message}`);
    }
    return result;
  }

  private async incident(incident: IncidentRow, now: Date, result: TickResult): Promise<void> {
    const nowIso = now.toISOString();
    const rec = await this.db.transaction((tx) => this.obligations.recompute(tx, incident, now, SYSTEM_ACTOR));
    for (const row of rec.rows) {
      if (row.status !== 'due' || row.submitted_at !== null) continue;
      const dueAt = row.due_at?.toISOString() ?? null;
      if (REPORTED_PARTIES.has(row.party) && row.phase_kind !== 'periodic' && draftIsDue({ dueAt }, nowIso, this.config.leadHours)) {
        if (await this.draft(incident, row, now)) result.drafts += 1;
      }
      const alert = deadlineAlert({ dueAt }, nowIso, this.config.alertHours);
      if (alert && (await this.alert(incident, row, alert, now))) result.alerts += 1;
    }
  }

  /** The obligation's report draft, once. */
  private draft(incident: IncidentRow, row: ObligationRow, now: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await this.jobs.claim(tx, 'report_draft', row.id, this.workerId, now))) return false;
      const fresh = await this.obligations.recompute(tx, incident, now, SYSTEM_ACTOR);
      const current = fresh.rows.find((r) => r.id === row.id);
      if (!current || current.status !== 'due' || current.submitted_at !== null) {
        await this.jobs.result(tx, 'report_draft', row.id, { skipped: current?.status ?? 'withdrawn' });
        return false;
      }
      const { report, created } = await this.reports.ensureDraft(tx, incident, current, fresh, now, SYSTEM_ACTOR);
      await this.jobs.result(tx, 'report_draft', row.id, { reportId: report.id, created });
      return created;
    });
  }

  /** One alert per obligation, due time and threshold. */
  private alert(incident: IncidentRow, row: ObligationRow, alert: NonNullable<ReturnType<typeof deadlineAlert>>, now: Date): Promise<boolean> {
    const dueAt = row.due_at!.toISOString();
    const key = `deadline:${row.id}:${dueAt}:${alert.threshold}`;
    return this.db.transaction(async (tx) => {
      if (!(await this.jobs.claim(tx, 'deadline_alert', key, this.workerId, now))) return false;
      const what = `${incident.ref}: ${row.regime} ${row.notification_id} (${row.phase}${row.jurisdiction ? `, ${row.jurisdiction}` : ''}) to ${row.derived.recipient}`;
      const message = alert.kind === 'deadline_missed'
        ? `${what} was due ${dueAt} and is not recorded as done.`
        : `${what} is due ${dueAt} (${alert.threshold.replace('T-', 'within ')}).`;
      const inserted = await tx.rows<{ id: number }>(
        `INSERT INTO alerts (kind, severity, incident_id, dedupe_key, message) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
        [alert.kind, alert.severity, incident.id, key, message],
      );
      if (inserted.length === 0) return false;
      await this.audit.record(tx, SYSTEM_ACTOR, {
        action: 'alert.raised', entityType: 'alert', entityId: String(inserted[0]!.id), incidentId: incident.id,
        after: { kind: alert.kind, severity: alert.severity, obligation: row.key, dueAt, threshold: alert.threshold },
      });
      await this.jobs.result(tx, 'deadline_alert', key, { alertId: inserted[0]!.id });
      return true;
    });
  }

  /** HIPAA annual logs of the years that ended with small breaches in them; PECR monthly logs (or nil returns). */
  private async periodic(now: Date, result: TickResult): Promise<void> {
    const org = await this.organisation.get(this.db);
    if (org.version === 0) return;
    const nowIso = now.toISOString();
    const due: [PeriodicKind, string][] = [];
    if (org.hipaa_covered_entity) {
      const years = await this.db.rows<{ y: string }>(
        `SELECT DISTINCT to_char(coalesce(cf.discovered_at, i.aware_at) AT TIME ZONE $1, 'YYYY') AS y
         FROM obligations o JOIN incidents i ON i.id = o.incident_id LEFT JOIN incident_clock_facts cf ON cf.incident_id = i.id
         WHERE o.notification_id = 'hipaa_hhs_annual' AND o.status = 'due' ORDER BY 1`,
        [org.time_zone],
      );
      if (years.length) {
        const ended = new Set(endedPeriods('year', nowIso, org.time_zone, years[0]!.y));
        for (const { y } of years) if (ended.has(y)) due.push(['hipaa_annual_log', y]);
      }
    }
    if (org.telecom_provider && org.created_at) {
      const since = org.created_at.toLocaleDateString('sv-SE', { timeZone: org.time_zone }).slice(0, 7);
      for (const m of endedPeriods('month', nowIso, org.time_zone, since, 12)) due.push(['pecr_monthly_log', m]);
    }
    for (const [kind, period] of due) {
      const made = await this.db.transaction(async (tx) => {
        if (!(await this.jobs.claim(tx, kind, period, this.workerId, now))) return false;
        const { report, created } = await this.reports.ensurePeriodicDraft(tx, kind, period, now, SYSTEM_ACTOR);
        await this.jobs.result(tx, kind, period, { reportId: report.id, created });
        return created;
      });
      if (made) result.logs += 1;
    }
  }
}
