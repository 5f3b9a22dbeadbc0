import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startApi, type ApiHarness } from './support/api-harness.js';

let api: ApiHarness;
let db: pg.Client;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  api = await startApi();
  db = new pg.Client({ connectionString: api.database.url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await api?.close();
});

describe('alerts', () => {
  it('lists open alerts newest first, and an acknowledgement (audited) closes one', async () => {
    const responder = await api.token('responder');
    const incident = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'x', awareAt: '2026-11-20T08:00:00Z' });
    await db.query(`INSERT INTO alerts (kind, severity, incident_id, message) VALUES ('deadline_near', 'warning', $1, 'GDPR report due in 4 h'), ('deadline_missed', 'critical', $1, 'GDPR report overdue')`, [incident.body.id]);
    const open = await api.http.get(`/v1/alerts?incidentId=${incident.body.id}`).set(auth(await api.token('viewer')));
    expect(open.status).toBe(200);
    expect(open.body.items.map((a: { kind: string }) => a.kind)).toEqual(['deadline_missed', 'deadline_near']);

    const id = open.body.items[0].id;
    const ack = await api.http.post(`/v1/alerts/${id}/acknowledge`).set(auth(responder));
    expect(ack.status).toBe(200);
    expect(ack.body.acknowledgedAt).not.toBeNull();
    const after = await api.http.get(`/v1/alerts?incidentId=${incident.body.id}`).set(auth(responder));
    expect(after.body.items.map((a: { kind: string }) => a.kind)).toEqual(['deadline_near']);
    const all = await api.http.get(`/v1/alerts?incidentId=${incident.body.id}&open=false`).set(auth(responder));
    expect(all.body.items).toHaveLength(2);
    const events = await api.http.get(`/v1/audit/events?incidentId=${incident.body.id}`).set(auth(api.adminToken));
    expect(events.body.items.map((e: { action: string }) => e.action)).toContain('alert.acknowledged');
  });

  it('refuses bad ids and queries naming the field, unknown alerts with 404, viewers acknowledging with 403', async () => {
    const responder = await api.token('responder');
    expect((await api.http.post('/v1/alerts/abc/acknowledge').set(auth(responder))).body.errors[0].field).toBe('id');
    expect((await api.http.get('/v1/alerts?open=maybe').set(auth(responder))).body.errors[0].field).toBe('open');
    expect((await api.http.post('/v1/alerts/999999/acknowledge').set(auth(responder))).status).toBe(404);
    expect((await api.http.post('/v1/alerts/1/acknowledge').set(auth(await api.token('viewer')))).status).toBe(403);
  });
});
