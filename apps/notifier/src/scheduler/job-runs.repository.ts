import { Injectable } from '@nestjs/common';
import type { Sql } from '#database';

/** The scheduler's exactly-once record (table scheduler_job_runs). */
@Injectable()
export class JobRunsRepository {
  /**
   * Claims a job inside the caller's transaction: true when this transaction inserted its row and so does the
   * work; false when another process already did (or is doing it: the insert waits for that transaction).
   */
  async claim(tx: Sql, job: string, periodKey: string, workerId: string, clockAt: Date): Promise<boolean> {
    const rows = await tx.rows(
      `INSERT INTO scheduler_job_runs (job, period_key, worker_id, clock_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (job, period_key) DO NOTHING RETURNING 1`,
      [job, periodKey, workerId, clockAt],
    );
    return rows.length === 1;
  }

  async result(tx: Sql, job: string, periodKey: string, result: unknown): Promise<void> {
    await tx.rows('UPDATE scheduler_job_runs SET result = $3 WHERE job = $1 AND period_key = $2', [job, periodKey, JSON.stringify(result)]);
  }
}
