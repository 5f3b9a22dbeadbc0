import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The report scheduler's record of what it did: one row per (job, period key), inserted in the same
 * transaction as the work. A second notifier process trying the same job waits for the first one's
 * transaction and then finds the row: every draft, alert and periodic log is made exactly once.
 *   job         report_draft | deadline_alert | hipaa_annual_log | pecr_monthly_log
 *   period_key  the obligation id (drafts), the alert's dedupe key, the year or month (logs)
 *   clock_at    the scheduler's clock when it ran (tests run it on a clock they advance)
 */
export class SchedulerJobRuns1732400051010 implements MigrationInterface {
  name = 'SchedulerJobRuns1732400051010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scheduler_job_runs (
        job text NOT NULL,
        period_key text NOT NULL,
        worker_id uuid NOT NULL,
        clock_at timestamptz NOT NULL,
        ran_at timestamptz NOT NULL DEFAULT now(),
        result jsonb,
        PRIMARY KEY (job, period_key)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE scheduler_job_runs;');
  }
}
