import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startApi, type ApiHarness } from './support/api-harness.js';

let api: ApiHarness;
let responder: string;
let db: pg.Client;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  api = await startApi();
  responder = await api.token('responder');
  db = new pg.Client({ connectionString: api.database.url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await api?.close();
});

async function createAndChange(): Promise<string> {
  const created = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'Laptop stolen', awareAt: '2026-11-20T08:00:00Z' });
  await api.http.patch(`/v1/incidents/${created.body.id}`).set(auth(responder)).send({ version: 1, title: 'Laptop stolen from car' });
  await api.http.post(`/v1/incidents/${created.body.id}/transitions`).set(auth(responder)).send({ version: 2, to: 'triaged' });
  return created.body.id;
}

describe('audit trail', () => {
  it('records every change with actor, before and after, in order', async () => {
    const id = await createAndChange();
    const res = await api.http.get(`/v1/audit/events?incidentId=${id}`).set(auth(api.adminToken));
    expect(res.status).toBe(200);
    expect(res.body.items.map((e: { action: string }) => e.action)).toEqual(['incident.created', 'incident.updated', 'incident.triaged']);
    const updated = res.body.items[1];
    expect(updated.before.title).toBe('Laptop stolen');
    expect(updated.after.title).toBe('Laptop stolen from car');
    expect(updated.actorRole).toBe('responder');
    expect(res.body.items[1].prevHash).toBe(res.body.items[0].hash);
  });

  it('a refused request writes no audit event', async () => {
    const before = (await db.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n;
    await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'x' });
    await api.http.patch('/v1/incidents/INC-2026-9999').set(auth(responder)).send({ version: 1, title: 'y' });
    expect((await db.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n).toBe(before);
  });

  it('the database refuses to rewrite history', async () => {
    await expect(db.query("UPDATE audit_events SET action = 'x' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_events WHERE seq = 1')).rejects.toThrow(/append-only/);
  });

  it('verifies the chain, and names the first broken link after tampering', async () => {
    await createAndChange();
    const ok = await api.http.get('/v1/audit/verify').set(auth(api.adminToken));
    expect(ok.body.valid).toBe(true);
    expect(ok.body.checked).toBeGreaterThanOrEqual(7);

    const { rows } = await db.query("SELECT seq FROM audit_events WHERE action = 'incident.updated' ORDER BY seq LIMIT 1");
    const tampered = rows[0].seq;
    await db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update');
    await db.query(`UPDATE audit_events SET after = jsonb_set(after, '{title}', '"nothing happened"') WHERE seq = $1`, [tampered]);
    await db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update');

    const broken = await api.http.get('/v1/audit/verify').set(auth(api.adminToken));
    expect(broken.body.valid).toBe(false);
    expect(broken.body.firstBrokenLink).toEqual({ seq: tampered, reason: 'hash_mismatch' });
  });

  it('only admins and approvers read the audit trail', async () => {
    expect((await api.http.get('/v1/audit/verify').set(auth(responder))).status).toBe(403);
    expect((await api.http.get('/v1/audit/events').set(auth(await api.token('approver')))).status).toBe(200);
  });
});
