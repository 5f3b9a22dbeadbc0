/**
 * The SQL that moves people along a campaign's channel chain (`next_reachable_step`, inlined into the expansion
 * and outcome statements) against the domain rule it mirrors (`reachableChannels`), on every combination of
 * contact details, minor or not, for every chain order and starting step.
 */
import { describe, expect, it } from '@jest/globals';
import { nextReachableStep, reachableChannels, type ReachableSubject } from '#domain';
import { createIncident } from '../bench/support/fanout-fixture.js';
import { useTestDatabase } from './support/test-database.js';

const db = useTestDatabase();

const NOTICE_TO_SUBJECT = { email: 'email', sms: 'phone', push: 'push', letter: 'postal' } as const;
type NoticeChannel = keyof typeof NOTICE_TO_SUBJECT;

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** Every non-empty chain: each subset of the four channels in each order (64 chains). */
const CHAINS: NoticeChannel[][] = (() => {
  const all: NoticeChannel[] = ['email', 'sms', 'push', 'letter'];
  const subsets = Array.from({ length: 15 }, (_, m) => all.filter((_, i) => ((m + 1) >> i) & 1));
  return subsets.flatMap((subset) => permutations(subset));
})();

describe('next_reachable_step (SQL) agrees with reachableChannels and nextReachableStep (domain)', () => {
  it('for every subject shape, chain and starting step', async () => {
    const subjects: ReachableSubject[] = [];
    for (let bits = 0; bits < 128; bits++) {
      subjects.push({
        email: bits & 1 ? `e${bits}@example.org` : null,
        phone: bits & 2 ? `+4915100${String(bits).padStart(5, '0')}` : null,
        pushTokens: bits & 4 ? [`tok-${bits}`] : [],
        postalAddress: bits & 8 ? `Street ${bits}|10115 Berlin` : null,
        isMinor: Boolean(bits & 16),
        guardianEmail: bits & 32 ? `g${bits}@example.org` : null,
        guardianPhone: bits & 64 ? `+4915200${String(bits).padStart(5, '0')}` : null,
      });
    }
    const incident = await createIncident(db.client);
    await db.client.query(
      `INSERT INTO affected_subjects (incident_id, external_ref, email, phone, push_tokens, postal_address, is_minor, guardian_email, guardian_phone)
       SELECT $1, 'S' || s.n, s.email, s.phone, s."pushTokens", s."postalAddress", s."isMinor", s."guardianEmail", s."guardianPhone"
       FROM json_to_recordset($2) AS s(n int, email text, phone text, "pushTokens" text[], "postalAddress" text, "isMinor" boolean, "guardianEmail" text, "guardianPhone" text)`,
      [incident.id, JSON.stringify(subjects.map((s, i) => ({ n: i + 1, ...s })))],
    );
    const { rows } = await db.client.query<{ ref: string; chain: string[]; after: number; step: number | null }>(
      `SELECT s.external_ref AS ref, c.chain, a.after, next_reachable_step(c.chain, a.after, s) AS step
       FROM affected_subjects s, unnest($2::text[]) AS c0(chain_text), LATERAL (SELECT string_to_array(c0.chain_text, ',') AS chain) c,
            generate_series(0, 4) AS a(after)
       WHERE s.incident_id = $1`,
      [incident.id, CHAINS.map((c) => c.join(','))],
    );
    expect(rows).toHaveLength(subjects.length * CHAINS.length * 5);
    let reachedSomewhere = 0;
    for (const row of rows) {
      const subject = subjects[Number(row.ref.slice(1)) - 1]!;
      const reachable = new Set(reachableChannels(subject));
      const index = row.chain.findIndex((channel, i) => i >= row.after && reachable.has(NOTICE_TO_SUBJECT[channel as NoticeChannel]));
      const expected = index < 0 ? null : index + 1;
      if (row.step !== expected) expect({ subject, chain: row.chain, after: row.after, step: row.step }).toEqual({ subject, chain: row.chain, after: row.after, step: expected });
      // The notifier's in-part fallback decides in JavaScript what this SQL decides for the queue.
      const twin = nextReachableStep(row.chain as NoticeChannel[], row.after, subject);
      if (twin !== expected) expect({ subject, chain: row.chain, after: row.after, twin }).toEqual({ subject, chain: row.chain, after: row.after, twin: expected });
      if (expected !== null) reachedSomewhere++;
    }
    expect(reachedSomewhere).toBeGreaterThan(rows.length / 4);
  });
});
