/**
 * notice_links keeps its reference to deliveries with statement-level triggers instead of a foreign key
 * (see migrations/1732400060000-NoticeLinks.ts): the same refusals and clean-ups, checked here.
 */
import { describe, expect, it } from '@jest/globals';
import { approveCampaign, createCampaign, createIncident } from '../bench/support/fanout-fixture.js';
import { sqlstate } from './support/sqlstate.js';
import { useTestDatabase } from './support/test-database.js';

const db = useTestDatabase();

async function deliveriesWithLinks(n: number): Promise<Array<{ id: string; token: string }>> {
  const incident = await createIncident(db.client);
  await db.client.query(
    `INSERT INTO affected_subjects (incident_id, external_ref, email) SELECT $1, 'S' || g, 'p' || g || '@example.org' FROM generate_series(1, $2::int) g`,
    [incident.id, n],
  );
  const campaignId = await createCampaign(db.client, incident.id, ['email']);
  await approveCampaign(db.client, campaignId);
  const { rows } = await db.client.query(
    `WITH ins AS (
       INSERT INTO deliveries (campaign_id, subject_id, state, step, channel, notice_token)
       SELECT $1, s.id, 'queued', 1, 'email', md5(random()::text) || md5(random()::text) FROM affected_subjects s WHERE s.incident_id = $2
       RETURNING id, notice_token
     ), links AS (INSERT INTO notice_links (token, delivery_id) SELECT notice_token, id FROM ins)
     SELECT id::text, notice_token AS token FROM ins ORDER BY id`,
    [campaignId, incident.id],
  );
  return rows;
}

describe('notice_links → deliveries', () => {
  it('a link to a delivery that does not exist is refused as a foreign key would (23503), and nothing is written', async () => {
    expect(await sqlstate(db.client.query(`INSERT INTO notice_links (token, delivery_id) VALUES ('t-missing', 987654321)`))).toBe('23503');
    const [delivery] = await deliveriesWithLinks(1);
    const mixed = db.client.query(`INSERT INTO notice_links (token, delivery_id) VALUES ('t-ok', $1), ('t-bad', 987654321)`, [delivery!.id]);
    expect(await sqlstate(mixed)).toBe('23503');
    const { rows } = await db.client.query(`SELECT token FROM notice_links WHERE token IN ('t-ok', 't-bad', 't-missing')`);
    expect(rows).toEqual([]);
  });

  it('each token is unique, and links written with their deliveries in one statement are accepted', async () => {
    const made = await deliveriesWithLinks(3);
    const { rows } = await db.client.query(`SELECT token, delivery_id::text AS id FROM notice_links WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id`, [made.map((m) => m.id)]);
    expect(rows).toEqual(made.map((m) => ({ token: m.token, id: m.id })));
    expect(await sqlstate(db.client.query(`INSERT INTO notice_links (token, delivery_id) VALUES ($1, $2)`, [made[0]!.token, made[1]!.id]))).toBe('23505');
  });

  it('deleting deliveries deletes their links; truncating deliveries truncates the links', async () => {
    const made = await deliveriesWithLinks(4);
    await db.client.query('DELETE FROM deliveries WHERE id = ANY($1::bigint[])', [[made[0]!.id, made[1]!.id]]);
    const left = await db.client.query(`SELECT delivery_id::text AS id FROM notice_links WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id`, [made.map((m) => m.id)]);
    expect(left.rows.map((r) => r.id)).toEqual([made[2]!.id, made[3]!.id]);
    await db.client.query('TRUNCATE deliveries CASCADE');
    expect((await db.client.query('SELECT count(*)::int AS n FROM notice_links')).rows[0].n).toBe(0);
  });
});
