import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit event that its hash covers. */
export interface AuditRecord {
  at: string;
  actorId: string;
  actorRole: string;
  action: string;
  entityType: string;
  entityId: string;
  incidentId: string | null;
  before: unknown;
  after: unknown;
}

/** Each event's hash covers the previous hash, so changing or removing any event breaks every later link. */
export function auditHash(prevHash: string, record: AuditRecord): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(record)).digest('hex');
}

export interface ChainedAuditRecord extends AuditRecord {
  seq: number;
  prevHash: string;
  hash: string;
}

export type ChainBreak = { seq: number; reason: 'prev_hash_mismatch' | 'hash_mismatch' };

/** Checks a run of consecutive events against the hash that precedes them; returns the first broken link. */
export function findChainBreak(expectedPrev: string, events: readonly ChainedAuditRecord[]): ChainBreak | undefined {
  let prev = expectedPrev;
  for (const e of events) {
    if (e.prevHash !== prev) return { seq: e.seq, reason: 'prev_hash_mismatch' };
    const { seq: _seq, prevHash: _p, hash, ...record } = e;
    if (auditHash(e.prevHash, record) !== hash) return { seq: e.seq, reason: 'hash_mismatch' };
    prev = hash;
  }
  return undefined;
}
