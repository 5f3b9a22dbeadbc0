import { Inject, Injectable } from '@nestjs/common';
import { Database, type Sql } from '#database';

export interface AlertRow {
  id: number;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  incident_id: string | null;
  campaign_id: string | null;
  message: string;
  created_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
}

@Injectable()
export class AlertRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  list(f: { open: boolean; incidentId?: string; after?: number; limit: number }): Promise<AlertRow[]> {
    const params: unknown[] = [f.limit];
    const where: string[] = [];
    if (f.open) where.push('acknowledged_at IS NULL');
    if (f.incidentId) where.push(`incident_id = $${params.push(f.incidentId)}`);
    if (f.after) where.push(`id < $${params.push(f.after)}`);
    return this.db.rows<AlertRow>(
      `SELECT id, kind, severity, incident_id, campaign_id, message, created_at, acknowledged_at, acknowledged_by
       FROM alerts ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT $1`,
      params,
    );
  }

  acknowledge(tx: Sql, id: number, by: string): Promise<AlertRow | undefined> {
    return tx.one<AlertRow>(
      `UPDATE alerts SET acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, $2)
       WHERE id = $1 RETURNING *`,
      [id, by],
    );
  }
}
