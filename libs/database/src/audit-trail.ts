import { auditHash, findChainBreak, GENESIS_HASH, toStoredJson, type Actor, type AuditRecord, type ChainBreak, type ChainedAuditRecord } from '#domain';
import type { Sql, Tx } from './database.js';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  incidentId?: string | null;
  before?: unknown;
  after?: unknown;
}

// One advisory-lock key for the whole chain: appends are serialised so every event links to the one before.
const CHAIN_LOCK = 7_201_001;

interface AuditRow {
  seq: number;
  at: Date;
  actor_id: string;
  actor_role: string;
  action: string;
  entity_type: string;
  entity_id: string;
  incident_id: string | null;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
}

/** Appends hash-chained audit events inside the caller's transaction, and verifies the chain. */
export class AuditTrail {
  async record(tx: Tx, actor: Actor, entry: AuditEntry): Promise<void> {
    await tx.rows('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
    const last = await tx.one<{ hash: string }>('SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1');
    const prevHash = last?.hash ?? GENESIS_HASH;
    const record: AuditRecord = {
      at: new Date().toISOString(),
      actorId: actor.id,
      actorRole: actor.role,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      incidentId: entry.incidentId ?? null,
      before: toStoredJson(entry.before),
      after: toStoredJson(entry.after),
    };
    const hash = auditHash(prevHash, record);
    await tx.rows(
      `INSERT INTO audit_events (at, actor_id, actor_role, action, entity_type, entity_id, incident_id, before, after, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [record.at, record.actorId, record.actorRole, record.action, record.entityType, record.entityId, record.incidentId,
        JSON.stringify(record.before), JSON.stringify(record.after), prevHash, hash],
    );
  }

  /** Walks the whole chain in pages; memory stays flat however long it is. */
  async verify(sql: Sql, pageSize = 5000): Promise<{ checked: number; firstBreak?: ChainBreak }> {
    let prev = GENESIS_HASH;
    let after = 0;
    let checked = 0;
    for (;;) {
      const rows = await sql.rows<AuditRow>('SELECT * FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2', [after, pageSize]);
      if (rows.length === 0) return { checked };
      const events = rows.map(toChained);
      const firstBreak = findChainBreak(prev, events);
      if (firstBreak) return { checked: checked + events.findIndex((e) => e.seq === firstBreak.seq), firstBreak };
      checked += events.length;
      prev = events[events.length - 1]!.hash;
      after = events[events.length - 1]!.seq;
    }
  }
}

function toChained(r: AuditRow): ChainedAuditRecord {
  return {
    seq: r.seq,
    at: r.at.toISOString(),
    actorId: r.actor_id,
    actorRole: r.actor_role,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    incidentId: r.incident_id,
    before: r.before,
    after: r.after,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
