import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { sqlstate } from './support/sqlstate.js';

/**
 * affected_subjects.incident_id → incidents is kept by statement-level triggers instead of a foreign key
 * (migration SubjectIncidentCheck): every way a foreign key refuses an orphan must still refuse it.
 */

let db: TestDatabase;
const clients: pg.Client[] = [];

async function client(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  clients.push(c);
  return c;
}

let sql: pg.Client;

async function newIncident(c: pg.Client = sql): Promise<string> {
  const { rows } = await c.query<{ id: string }>(
    `INSERT INTO incidents (ref, title, aware_at, created_by) VALUES ('T-' || gen_random_uuid(), 'Integrity', now(), gen_random_uuid()) RETURNING id`);
  return rows[0]!.id;
}

function insertSubject(c: pg.Client, incidentId: string, ref: string) {
  return c.query('INSERT INTO affected_subjects (incident_id, external_ref) VALUES ($1, $2)', [incidentId, ref]);
}

async function subjectsOf(incidentId: string): Promise<number> {
  const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM affected_subjects WHERE incident_id = $1', [incidentId]);
  return rows[0]!.n;
}

/** Resolves when `pid` waits for a lock (so the order of two transactions is known, not guessed). */
async function waitsForLock(pid: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await sql.query<{ waiting: boolean }>(`SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = $1`, [pid]);
    if (rows[0]?.waiting) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`backend ${pid} never waited for a lock`);
}

async function pidOf(c: pg.Client): Promise<number> {
  return (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
}

const MISSING = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  db = await createTestDatabase();
  sql = await client();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await db?.drop();
});

describe('a subject must refer to an incident', () => {
  it('refuses INSERT, INSERT … SELECT and COPY of a subject whose incident does not exist, with 23503', async () => {
    const incident = await newIncident();
    expect(await sqlstate(insertSubject(sql, MISSING, 'X-1'))).toBe('23503');
    // One statement with a good and a bad incident: the whole statement fails.
    expect(await sqlstate(sql.query(
      `INSERT INTO affected_subjects (incident_id, external_ref) SELECT * FROM (VALUES ($1::uuid, 'X-2'), ($2::uuid, 'X-3')) v`, [incident, MISSING]))).toBe('23503');
    const copy = sql.query(copyFrom('COPY affected_subjects (incident_id, external_ref) FROM STDIN'));
    expect(await sqlstate(pipeline(Readable.from([`${incident}\tX-4\n${MISSING}\tX-5\n`]), copy))).toBe('23503');
    expect(await subjectsOf(incident)).toBe(0);
    const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM affected_subjects WHERE incident_id = $1', [MISSING]);
    expect(rows[0]!.n).toBe(0);
  });

  it('accepts subjects of existing incidents, in one statement for several incidents', async () => {
    const a = await newIncident();
    const b = await newIncident();
    await sql.query(`INSERT INTO affected_subjects (incident_id, external_ref) VALUES ($1, 'A-1'), ($2, 'B-1'), ($1, 'A-2')`, [a, b]);
    expect([await subjectsOf(a), await subjectsOf(b)]).toEqual([2, 1]);
  });

  it('refuses moving a subject to a missing incident and allows moving it to an existing one', async () => {
    const a = await newIncident();
    const b = await newIncident();
    await insertSubject(sql, a, 'M-1');
    expect(await sqlstate(sql.query('UPDATE affected_subjects SET incident_id = $2 WHERE incident_id = $1', [a, MISSING]))).toBe('23503');
    await sql.query('UPDATE affected_subjects SET incident_id = $2 WHERE incident_id = $1', [a, b]);
    expect([await subjectsOf(a), await subjectsOf(b)]).toEqual([0, 1]);
    // An update that leaves incident_id alone is not checked against incidents at all (and passes).
    await sql.query(`UPDATE affected_subjects SET name = 'Renamed' WHERE incident_id = $1`, [b]);
  });

  it('checks the rows an upsert inserts; its updates keep their incident', async () => {
    const a = await newIncident();
    await insertSubject(sql, a, 'U-1');
    const upsert = (incidentId: string, ref: string) => sql.query(
      `INSERT INTO affected_subjects (incident_id, external_ref, name) VALUES ($1, $2, 'New')
       ON CONFLICT (incident_id, external_ref) DO UPDATE SET name = EXCLUDED.name`, [incidentId, ref]);
    await upsert(a, 'U-1');
    await upsert(a, 'U-2');
    expect(await sqlstate(upsert(MISSING, 'U-3'))).toBe('23503');
    const { rows } = await sql.query('SELECT external_ref, name FROM affected_subjects WHERE incident_id = $1 ORDER BY external_ref', [a]);
    expect(rows).toEqual([{ external_ref: 'U-1', name: 'New' }, { external_ref: 'U-2', name: 'New' }]);
  });
});

describe('an incident with subjects cannot go away', () => {
  it('refuses deleting it or changing its id with 23503, and allows both for an incident without subjects', async () => {
    const a = await newIncident();
    await insertSubject(sql, a, 'D-1');
    expect(await sqlstate(sql.query('DELETE FROM incidents WHERE id = $1', [a]))).toBe('23503');
    expect(await sqlstate(sql.query('UPDATE incidents SET id = gen_random_uuid() WHERE id = $1', [a]))).toBe('23503');
    // Other updates of the incident pass.
    await sql.query(`UPDATE incidents SET title = 'Still here' WHERE id = $1`, [a]);
    expect(await subjectsOf(a)).toBe(1);

    const empty = await newIncident();
    await sql.query('UPDATE incidents SET id = $2 WHERE id = $1', [empty, '00000000-0000-4000-8000-0000000000e1']);
    await sql.query('DELETE FROM incidents WHERE id = $1', ['00000000-0000-4000-8000-0000000000e1']);
    const { rows } = await sql.query('SELECT 1 FROM incidents WHERE id = $1', [empty]);
    expect(rows).toHaveLength(0);
  });

  it('refuses a delete outside READ COMMITTED, where a trigger cannot see subjects committed after its snapshot', async () => {
    const a = await newIncident();
    await sql.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    expect(await sqlstate(sql.query('DELETE FROM incidents WHERE id = $1', [a]))).toBe('55000');
    await sql.query('ROLLBACK');
    expect((await sql.query('SELECT 1 FROM incidents WHERE id = $1', [a])).rows).toHaveLength(1);
  });

  it('refuses TRUNCATE incidents CASCADE while subjects exist, and allows it together with affected_subjects', async () => {
    // Its own database: this empties every table.
    const own = await createTestDatabase();
    const c = new pg.Client({ connectionString: own.url });
    await c.connect();
    try {
      const a = await newIncident(c);
      await insertSubject(c, a, 'T-1');
      expect(await sqlstate(c.query('TRUNCATE incidents CASCADE'))).toBe('0A000');
      expect((await c.query('SELECT count(*)::int AS n FROM affected_subjects')).rows[0].n).toBe(1);
      await c.query('TRUNCATE incidents, affected_subjects CASCADE');
      expect((await c.query('SELECT count(*)::int AS n FROM incidents')).rows[0].n).toBe(0);
    } finally {
      await c.end();
      await own.drop();
    }
  });
});

describe('concurrent insert and delete (READ COMMITTED)', () => {
  let inserter: pg.Client;
  let deleter: pg.Client;
  // Asked before a test blocks one of them: a client runs its queries one after the other.
  let inserterPid: number;
  let deleterPid: number;
  beforeEach(async () => {
    if (inserter) return;
    inserter = await client();
    deleter = await client();
    inserterPid = await pidOf(inserter);
    deleterPid = await pidOf(deleter);
  });

  it('a delete waits for an import that has not committed, then sees its subjects and fails', async () => {
    const a = await newIncident();
    await inserter.query('BEGIN');
    await insertSubject(inserter, a, 'C-1');
    const deleting = sqlstate(deleter.query('DELETE FROM incidents WHERE id = $1', [a]));
    await waitsForLock(deleterPid);
    await inserter.query('COMMIT');
    expect(await deleting).toBe('23503');
    expect(await subjectsOf(a)).toBe(1);
  });

  it('an insert waits for a delete that has not committed, then finds the incident gone and fails', async () => {
    const a = await newIncident();
    await deleter.query('BEGIN');
    await deleter.query('DELETE FROM incidents WHERE id = $1', [a]);
    const inserting = sqlstate(insertSubject(inserter, a, 'C-2'));
    await waitsForLock(inserterPid);
    await deleter.query('COMMIT');
    expect(await inserting).toBe('23503');
    expect(await subjectsOf(a)).toBe(0);
  });

  it('an insert that waited for a delete that rolled back goes through', async () => {
    const a = await newIncident();
    await deleter.query('BEGIN');
    await deleter.query('DELETE FROM incidents WHERE id = $1', [a]);
    const inserting = sqlstate(insertSubject(inserter, a, 'C-3'));
    await waitsForLock(inserterPid);
    await deleter.query('ROLLBACK');
    expect(await inserting).toBeUndefined();
    expect(await subjectsOf(a)).toBe(1);
  });
});

describe('the unique reference per incident (compared bytewise)', () => {
  it('refuses a repeated reference with 23505 and tells apart references that differ in case or accents', async () => {
    const a = await newIncident();
    await sql.query(`INSERT INTO affected_subjects (incident_id, external_ref) VALUES ($1, $2), ($1, $3), ($1, $4), ($1, $5)`,
      [a, 'ref-\u00e9', 'REF-\u00e9', 'ref-e', 'ref-e\u0301']);
    expect(await sqlstate(insertSubject(sql, a, 'ref-\u00e9'))).toBe('23505');
    expect(await sqlstate(insertSubject(sql, a, 'ref-e'))).toBe('23505');
    expect(await subjectsOf(a)).toBe(4); // é precomposed and e + combining acute are different references
    const b = await newIncident();
    await insertSubject(sql, b, 'ref-e'); // the same reference in another incident
  });
});
