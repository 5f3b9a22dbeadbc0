import { describe, expect, it } from '@jest/globals';
import { auditHash, type ChainedAuditRecord, findChainBreak, GENESIS_HASH } from './audit-chain.js';
import { canonicalJson } from './canonical-json.js';

function chain(n: number): ChainedAuditRecord[] {
  const out: ChainedAuditRecord[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const record = { at: `2026-11-2${i}T00:00:00.000Z`, actorId: 'a', actorRole: 'responder', action: 'incident.updated', entityType: 'incident', entityId: 'e', incidentId: 'e', before: { n: i - 1 }, after: { n: i } };
    const hash = auditHash(prev, record);
    out.push({ ...record, seq: i, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('audit chain', () => {
  it('accepts an intact chain', () => {
    expect(findChainBreak(GENESIS_HASH, chain(5))).toBeUndefined();
  });

  it('names an altered event', () => {
    const events = chain(5);
    events[2] = { ...events[2]!, after: { n: 99 } };
    expect(findChainBreak(GENESIS_HASH, events)).toEqual({ seq: 3, reason: 'hash_mismatch' });
  });

  it('names the event after a removed one', () => {
    const events = chain(5);
    events.splice(1, 1);
    expect(findChainBreak(GENESIS_HASH, events)).toEqual({ seq: 3, reason: 'prev_hash_mismatch' });
  });

  it('names a re-hashed forgery by its broken link to the next event', () => {
    const events = chain(4);
    const forged = { ...events[1]!, after: { n: 42 } };
    const { seq: _s, prevHash: _p, hash: _h, ...record } = forged;
    events[1] = { ...forged, hash: auditHash(forged.prevHash, record) };
    expect(findChainBreak(GENESIS_HASH, events)).toEqual({ seq: 3, reason: 'prev_hash_mismatch' });
  });

  it('hashes independently of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  });
});
