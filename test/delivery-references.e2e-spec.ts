/**
 * deliveries → notice_campaigns / affected_subjects are checked per statement instead of by foreign keys
 * (migrations/1732400062000-DeliveryReferenceChecks.ts): the same refusals, and the concurrent case a
 * foreign key's row locks covered.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createCampaign, createIncident } from '../bench/support/fanout-fixture.js';
import { sqlstate } from './support/sqlstate.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

let database: TestDatabase;
let client: pg.Client;
let other: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  other = new pg.Client({ connectionString: database.url });
  await Promise.all([client.connect(), other.connect()]);
});
afterAll(async () => {
  await Promise.all([client?.end(), other?.end()]);
  await database?.drop();
});

async function campaignWithSubjects(n: number): Promise<{ campaignId: string; subjectIds: string[] }> {
  const incident = await createIncident(client);
  const { rows } = await client.query(
    `INSERT INTO affected_subjects (incident_id, external_ref, email) SELECT $1, 'S' || g, 'p' || g || '@example.org' FROM generate_series(1, $2::int) g RETURNING id::text`,
    [incident.id, n],
  );
  return { campaignId: await createCampaign(client, incident.id, ['email']), subjectIds: rows.map((r) => r.id as string) };
}

const insertDeliveries = (c: pg.Client, campaignId: string, subjectIds: string[]) =>
  c.query(
    `INSERT INTO deliveries (campaign_id, subject_id, state, step, channel, notice_token)
     SELECT $1, s, 'queued', 1, 'email', md5(random()::text) FROM unnest($2::bigint[]) s`,
    [campaignId, subjectIds],
  );

const count = async (sql: string, params: unknown[]) => (await client.query(sql, params)).rows[0].n as number;

describe('deliveries keep their campaign and subject', () => {
  it('an insert naming a missing campaign or subject fails as a foreign key did (23503), writing nothing', async () => {
    const { campaignId, subjectIds } = await campaignWithSubjects(3);
    expect(await sqlstate(insertDeliveries(client, '00000000-0000-4000-8000-00000000dead', subjectIds))).toBe('23503');
    expect(await sqlstate(insertDeliveries(client, campaignId, [...subjectIds, '987654321']))).toBe('23503');
    expect(await count('SELECT count(*)::int AS n FROM deliveries WHERE campaign_id = $1', [campaignId])).toBe(0);
    await insertDeliveries(client, campaignId, subjectIds);
    expect(await count('SELECT count(*)::int AS n FROM deliveries WHERE campaign_id = $1', [campaignId])).toBe(3);
  });

  it('moving a delivery to a missing subject is refused', async () => {
    const { campaignId, subjectIds } = await campaignWithSubjects(1);
    await insertDeliveries(client, campaignId, subjectIds);
    expect(await sqlstate(client.query('UPDATE deliveries SET subject_id = 987654321 WHERE campaign_id = $1', [campaignId]))).toBe('23503');
  });

  it('a campaign or subject with deliveries cannot be deleted or re-keyed; without, it can', async () => {
    const { campaignId, subjectIds } = await campaignWithSubjects(2);
    await insertDeliveries(client, campaignId, [subjectIds[0]!]);
    expect(await sqlstate(client.query('DELETE FROM affected_subjects WHERE id = $1', [subjectIds[0]]))).toBe('23503');
    expect(await sqlstate(client.query('UPDATE affected_subjects SET id = DEFAULT WHERE id = $1', [subjectIds[0]]))).toBe('23503');
    expect(await sqlstate(client.query('DELETE FROM notice_campaigns WHERE id = $1', [campaignId]))).toBe('23503');
    expect(await sqlstate(client.query('DELETE FROM affected_subjects WHERE id = $1', [subjectIds[1]]))).toBeUndefined();
    expect(await sqlstate(client.query('TRUNCATE affected_subjects CASCADE'))).toBe('0A000');
  });

  it('a subject delete that starts while an expansion is uncommitted waits for it, then is refused', async () => {
    const { campaignId, subjectIds } = await campaignWithSubjects(1);
    await client.query('BEGIN');
    await insertDeliveries(client, campaignId, subjectIds);
    let settled = false;
    const deleting = sqlstate(other.query('DELETE FROM affected_subjects WHERE id = $1', [subjectIds[0]])).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false); // waiting on the campaign the expansion holds
    await client.query('COMMIT');
    expect(await deleting).toBe('23503');
    expect(await count('SELECT count(*)::int AS n FROM affected_subjects WHERE id = $1', [subjectIds[0]])).toBe(1);
  });

  it('an expansion that starts while a subject delete is uncommitted waits for it, then fails', async () => {
    const { campaignId, subjectIds } = await campaignWithSubjects(1);
    await other.query('BEGIN');
    await other.query('DELETE FROM affected_subjects WHERE id = $1', [subjectIds[0]]);
    let settled = false;
    const inserting = sqlstate(insertDeliveries(client, campaignId, subjectIds)).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    await other.query('COMMIT');
    expect(await inserting).toBe('23503');
    expect(await count('SELECT count(*)::int AS n FROM deliveries WHERE campaign_id = $1', [campaignId])).toBe(0);
  });

  it('outside READ COMMITTED a subject cannot be deleted (its check needs a fresh snapshot)', async () => {
    const { subjectIds } = await campaignWithSubjects(1);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    expect(await sqlstate(client.query('DELETE FROM affected_subjects WHERE id = $1', [subjectIds[0]]))).toBe('55000');
    await client.query('ROLLBACK');
  });
});
