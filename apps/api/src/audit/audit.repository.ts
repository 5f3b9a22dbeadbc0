import { Inject, Injectable } from '@nestjs/common';
import { Database } from '#database';
import type { AuditQuery } from './audit.dto.js';

@Injectable()
export class AuditRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  async list(q: AuditQuery) {
    const params: unknown[] = [q.after ?? 0];
    const where = ['seq > $1'];
    if (q.incidentId) where.push(`incident_id = $${params.push(q.incidentId)}`);
    if (q.entityType) where.push(`entity_type = $${params.push(q.entityType)}`);
    const limit = q.limit ?? 100;
    const rows = await this.db.rows<{ seq: number }>(
      `SELECT seq, at, actor_id AS "actorId", actor_role AS "actorRole", action, entity_type AS "entityType",
              entity_id AS "entityId", incident_id AS "incidentId", before, after, prev_hash AS "prevHash", hash
       FROM audit_events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${params.push(limit)}`,
      params,
    );
    return { items: rows, nextAfter: rows.length === limit ? rows[rows.length - 1]!.seq : null };
  }
}
