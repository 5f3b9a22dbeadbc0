/**
 * deliveries → notice_campaigns / affected_subjects are checked per statement instead of by foreign keys
 * (migrations/1732400062000-DeliveryReferenceChecks.ts): the same refusals, and the concurrent case a
 * foreign key's row locks covered.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createCampaign, createIncident } from '../bench/support/fanout-fixture.js';
import { sqlstate } from './support/sqlstate.js';
import { useTestDatabase } from './support/test-database.js';

const db = useTestDatabase();
let other: pg.Client;

beforeAll(async () => {
  other = new pg.Client({ connectionString: db.url });
  await other.connect();
});
db.beforeDrop(() => other.end());

async function campaignWithSubjects(n: number): Promise<{ campaignId: string; subjectIds: string[] }> {
  const incident = await createIncident(db.client);
  const { rows } = await db.client.query(
    `INSERT INTO affected_subjects (incident_id, external_ref, email) SELECT $1, 'S' || g, 'p' || g || '@example.org' FROM generate_series(1, $2::int) g RETURNING id::text`,
    [incident.id, n],
  );
  return { campaignId: await createCampaign(db.client, incident.id, ['email']), subjectIds: rows.map((r) => r.id as string) };
}

const insertDeliveries = (c: pg.Client, campaignId: string, subjectIds: string[]) =>
  c.query(
    `INSERT INTO deliveries (campaign_id, subject_id, state, step, channel, notice_token)
     SELECT $1, s, 'queued', 1, 'email', md5(random()::text) FROM unnest($2::bigint[]) s`,
    [campaignId, subjectIds],
  );

const count = async (sql: string, params: unknown[]) => (await db.client.query(sql, params)).rows[0].n as number;

describe('deliveries keep their campaign and subject', () => {
  it('an insert naming a missing campaign or subject fails as a foreign key did (23503), writing nothing', async () => {
    const { campaignId, subjectIds } = await campaignWithSubjects(3);
    expect(await sqlstate(insertDeliveries(db.client, '00000000-0000-4000-8000-00000000dead', subjectIds))).toBe('23503');
    expect(await sqlstate(insertDeliveries(db.client, campaignId, [...subjectIds, '987654321']))).toBe('23503');
    expect(await count('SELECT count(*)::int AS n FROM deliveries WHERE campaign_id = $1', [campaignId])).toBe(0);
    await insertDeliveries(db.client, campaignId, subjectIds);
    expect(await count('SELECT count(*)::int AS n FROM deliveries WHERE campaign_id = $1', [campaignId])).toBe(3);
  });

  it('moving a delivery to a missing subject is refused', async () => {
    const { campaignId, subjectIds } = await campaignWithSubjects(1);
    await insertDeliveries(db.client, campaignId, subjectIds);
    expect(await sqlstate(db.client.query('UPDATE deliveries SET subject_id = 987654321 WHERE campaign_id = $1', [campaignId]))).toBe('23503');
  });

  it('a campaign or subject with deliveries cannot be deleted or re-keyed; without, it can', async () => {
    const { campaignId, subjectIds } = await campaignWithSubjects(2);
    await insertDeliveries(db.client, campaignId, [subjectIds[0]!]);
    expect(await sqlstate(db.client.query('DELETE FROM affected_subjects WHERE id = $1', [subjectIds[0]]))).toBe('23503');
    expect(await sqlstate(db.client.query('UPDATE affected_subjects SET id = DEFAULT WHERE id = $1', [subjectIds[0]]))).toBe('23503');
    expect(await sqlstate(db.client.query('DELETE FROM notice_campaigns WHERE id = $1', [campaignId]))).toBe('23503');
    expect(await sqlstate(db.client.query('DELETE FROM affected_subjects WHERE id = $1', [subjectIds[1]]))).toBeUndefined();
    expect(await sqlstate(db.client.query('TRUNCATE affected_subjects CASCADE'))).toBe('0A000');
  });

  it('a subject delete that starts while an expansion is uncommitted waits for it, then is refused', async () => {
    const { campaignId, subjectIds } = await campaignWithSubjects(1);
    await db.client.query('BEGIN');
    await insertDeliveries(db.client, campaignId, subjectIds);
    let settled = false;
    const deleting = sqlstate(other.query('DELETE FROM affected_subjects WHERE id = $1', [subjectIds[0]])).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false); // waiting on the campaign the expansion holds
    await db.client.query('COMMIT');
    expect(await deleting).toBe('23503');
    expect(await count('SELECT count(*)::int AS n FROM affected_subjects WHERE id = $1', [subjectIds[0]])).toBe(1);
  });

  it('an expansion that starts while a subject delete is uncommitted waits for it, then fails', async () => {
    const { campaignId, subjectIds } = await campaignWithSubjects(1);
    await other.query('BEGIN');
    await other.query('DELETE FROM affected_subjects WHERE id = $1', [subjectIds[0]]);
    let settled = false;
    const inserting = sqlstate(insertDeliveries(db.client, campaignId, subjectIds)).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    await other.query('COMMIT');
    expect(await inserting).toBe('23503');
    expect(await count('SELECT count(*)::int AS n FROM deliveries WHERE campaign_id = $1', [campaignId])).toBe(0);
  });

  it('outside READ COMMITTED a subject cannot be deleted (its check needs a fresh snapshot)', async () => {
    const { subjectIds } = await campaignWithSubjects(1);
    await db.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    expect(await sqlstate(db.client.query('DELETE FROM affected_subjects WHERE id = $1', [subjectIds[0]]))).toBe('55000');
    await db.client.query('ROLLBACK');
  });
});
