import { Inject, Injectable } from '@nestjs/common';
import { Database, type Sql } from '#database';
import type { NoticeContent, RemediationBullet } from '#domain';
import type { PrintBatchRow } from '#records';

/** One letter of a batch: what its page and its manifest line need. Holds contact data: never log it. */
export interface BatchLetterRow {
  delivery_id: number;
  position: number;
  campaign_id: string;
  /** Only on letters made before notice links were derived (then the letter prints this stored token). */
  notice_token: string | null;
  name: string | null;
  language: string | null;
  is_minor: boolean;
  guardian_name: string | null;
  postal_address: string | null;
  country: string | null;
}

export interface FrozenCampaignRow {
  id: string;
  default_language: string;
  content: NoticeContent;
  remediation: RemediationBullet[] | null;
  incident_ref: string;
  /** The key its letters' notice links are derived with (#domain noticeToken). */
  link_key: Buffer;
}

@Injectable()
export class PrintBatchRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  find(sql: Sql, id: string, forUpdate = false): Promise<PrintBatchRow | undefined> {
    return sql.one<PrintBatchRow>(`SELECT * FROM print_batches WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  }

  /** Newest first; `created_at_key` is the exact sort key for the next page's cursor. */
  list(f: { status?: string; after?: [string, string]; limit: number }): Promise<(PrintBatchRow & { created_at_key: string })[]> {
    return this.db.rows(
      `SELECT *, created_at::text AS created_at_key FROM print_batches
       WHERE ($1::text IS NULL OR status = $1)
         AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [f.status ?? null, f.after?.[0] ?? null, f.after?.[1] ?? null, f.limit],
    );
  }

  /** The batch's letters by delivery state, by campaign (with its incident) and by country. */
  async counts(id: string) {
    const [states, campaigns, countries] = await Promise.all([
      this.db.rows<{ state: string; n: number }>(
        'SELECT state, count(*)::int AS n FROM deliveries WHERE print_batch_id = $1 GROUP BY state ORDER BY state', [id]),
      this.db.rows<{ campaign_id: string; incident_ref: string; n: number }>(
        `SELECT d.campaign_id, i.ref AS incident_ref, count(*)::int AS n
         FROM deliveries d JOIN notice_campaigns c ON c.id = d.campaign_id JOIN incidents i ON i.id = c.incident_id
         WHERE d.print_batch_id = $1 GROUP BY 1, 2 ORDER BY 2, 1`, [id]),
      this.db.rows<{ country: string | null; n: number }>(
        `SELECT s.country, count(*)::int AS n FROM deliveries d JOIN affected_subjects s ON s.id = d.subject_id
         WHERE d.print_batch_id = $1 GROUP BY 1 ORDER BY 1 NULLS LAST`, [id]),
    ]);
    return { states, campaigns, countries };
  }

  /** The next `limit` letters of a batch after `afterPosition`, in print order. */
  lettersPage(batchId: string, afterPosition: number, limit: number): Promise<BatchLetterRow[]> {
    return this.db.rows<BatchLetterRow>(
      `SELECT d.id AS delivery_id, d.print_position AS position, d.campaign_id, d.notice_token,
              s.name, s.language, s.is_minor, s.guardian_name, s.postal_address, s.country
       FROM deliveries d JOIN affected_subjects s ON s.id = d.subject_id
       WHERE d.print_batch_id = $1 AND d.print_position > $2
       ORDER BY d.print_position LIMIT $3`,
      [batchId, afterPosition, limit],
    );
  }

  /** The frozen content of campaigns (approved content never changes, so it is read once per download). */
  campaigns(ids: string[]): Promise<FrozenCampaignRow[]> {
    return this.db.rows<FrozenCampaignRow>(
      `SELECT c.id, c.default_language, c.content, c.remediation, i.ref AS incident_ref, c.link_key
       FROM notice_campaigns c JOIN incidents i ON i.id = c.incident_id WHERE c.id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** The batch's waiting letters become `sent` (sent_at = when they were mailed); returns how many. */
  async markLettersSent(tx: Sql, batchId: string, mailedAt: Date): Promise<number> {
    const rows = await tx.rows(
      `UPDATE deliveries SET state = 'sent', sent_at = $2, updated_at = now()
       WHERE print_batch_id = $1 AND state = 'printing' RETURNING 1`,
      [batchId, mailedAt],
    );
    return rows.length;
  }

  markMailed(tx: Sql, batchId: string, mailedAt: Date, mailedBy: string): Promise<PrintBatchRow | undefined> {
    return tx.one<PrintBatchRow>(
      `UPDATE print_batches SET status = 'mailed', mailed_at = $2, mailed_by = $3 WHERE id = $1 AND status = 'ready' RETURNING *`,
      [batchId, mailedAt, mailedBy],
    );
  }
}
