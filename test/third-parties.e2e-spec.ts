import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiHarness } from './support/api-harness.js';

let api: ApiHarness;
let admin: string;
let responder: string;
let viewer: string;
let approver: string;
let regulator: string;
let incident: { id: string; ref: string };
let other: { id: string; ref: string };
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const base = (key: string) => `/v1/incidents/${key}/third-parties`;

const ACME = {
  name: 'Acme Mail Ltd', role: 'processor', contactName: 'Dana Privacy', contactEmail: 'dpo@acme-mail.example',
  contactPhone: '+4915112345678', dataCategories: ['contact', 'identity'], notes: 'Runs our newsletter',
};

async function createIncident(title: string) {
  const res = await api.http.post('/v1/incidents').set(auth(responder)).send({ title, awareAt: '2026-11-20T08:00:00Z' });
  expect(res.status).toBe(201);
  return res.body as { id: string; ref: string };
}

async function createParty(key: string, body: Record<string, unknown>) {
  const res = await api.http.post(base(key)).set(auth(responder)).send(body);
  expect(res.status).toBe(201);
  return res.body;
}

function fieldsOf(res: { body: { errors?: { field: string }[] } }): string[] {
  return (res.body.errors ?? []).map((e) => e.field);
}

beforeAll(async () => {
  api = await startApi();
  admin = api.adminToken;
  responder = await api.token('responder');
  viewer = await api.token('viewer');
  approver = await api.token('approver');
  regulator = await api.token('regulator');
  incident = await createIncident('Customer database exposed');
  other = await createIncident('Laptop stolen');
});
afterAll(async () => api?.close());

describe('third parties', () => {
  it('creates, lists, reads and updates a third party (round trip)', async () => {
    const created = await createParty(incident.ref, ACME);
    expect(created).toMatchObject({ ...ACME, incidentId: incident.id, notifiedAt: null, version: 1 });

    const got = await api.http.get(`${base(incident.id)}/${created.id}`).set(auth(viewer));
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created);

    const list = await api.http.get(base(incident.ref)).set(auth(viewer));
    expect(list.status).toBe(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).toContain(created.id);

    const patched = await api.http.patch(`${base(incident.ref)}/${created.id}`).set(auth(admin))
      .send({ version: 1, role: 'sub_processor', contactPhone: null, dataCategories: ['contact', 'payment_card'] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Acme Mail Ltd', role: 'sub_processor', contactPhone: null, contactEmail: ACME.contactEmail, dataCategories: ['contact', 'payment_card'], version: 2 });
    const reread = await api.http.get(`${base(incident.ref)}/${created.id}`).set(auth(responder));
    expect(reread.body).toEqual(patched.body);
  });

  it('records that a party was told, defaulting to now, and lists who still has to be told', async () => {
    const inc = await createIncident('Who to tell');
    const told = await createParty(inc.id, { name: 'Payroll partner', role: 'partner' });
    const pending = await createParty(inc.id, { name: 'Analytics vendor', role: 'processor' });
    const explicit = await createParty(inc.id, { name: 'Group parent', role: 'joint_controller' });

    const before = Date.now();
    const res = await api.http.post(`${base(inc.id)}/${told.id}/notified`).set(auth(responder)).send({ version: 1 });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(2);
    const at = Date.parse(res.body.notifiedAt);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);

    const set = await api.http.post(`${base(inc.id)}/${explicit.id}/notified`).set(auth(admin)).send({ version: 1, notifiedAt: '2026-11-21T09:15:00+01:00' });
    expect(set.status).toBe(200);
    expect(set.body.notifiedAt).toBe('2026-11-21T08:15:00.000Z');

    const open = await api.http.get(base(inc.id)).query({ notified: 'false' }).set(auth(viewer));
    expect(open.body.items.map((p: { id: string }) => p.id)).toEqual([pending.id]);
    const done = await api.http.get(base(inc.id)).query({ notified: 'true' }).set(auth(viewer));
    expect(done.body.items.map((p: { id: string }) => p.id)).toEqual([told.id, explicit.id]);
  });

  it('refuses a notification time in the future, and a second notification, writing nothing', async () => {
    const p = await createParty(incident.id, { name: 'Future', role: 'other' });
    const future = await api.http.post(`${base(incident.id)}/${p.id}/notified`).set(auth(responder)).send({ version: 1, notifiedAt: '2099-01-01T00:00:00Z' });
    expect(future.status).toBe(400);
    expect(fieldsOf(future)).toEqual(['notifiedAt']);
    expect((await api.http.get(`${base(incident.id)}/${p.id}`).set(auth(responder))).body).toMatchObject({ notifiedAt: null, version: 1 });

    const first = await api.http.post(`${base(incident.id)}/${p.id}/notified`).set(auth(responder)).send({ version: 1, notifiedAt: '2026-11-21T10:00:00Z' });
    expect(first.status).toBe(200);
    const again = await api.http.post(`${base(incident.id)}/${p.id}/notified`).set(auth(responder)).send({ version: 2 });
    expect(again.status).toBe(409);
    expect(again.body.notifiedAt).toBe('2026-11-21T10:00:00.000Z');
    expect((await api.http.get(`${base(incident.id)}/${p.id}`).set(auth(responder))).body).toMatchObject({ notifiedAt: '2026-11-21T10:00:00.000Z', version: 2 });

    const missingVersion = await api.http.post(`${base(incident.id)}/${p.id}/notified`).set(auth(responder)).send({});
    expect(missingVersion.status).toBe(400);
    expect(fieldsOf(missingVersion)).toContain('version');
  });

  it('refuses a stale version with 409 and the current version, on PATCH and on notified, and writes nothing', async () => {
    const p = await createParty(incident.id, { name: 'Stale Co', role: 'controller' });
    const first = await api.http.patch(`${base(incident.id)}/${p.id}`).set(auth(responder)).send({ version: 1, notes: 'Called their DPO' });
    expect(first.status).toBe(200);
    const auditBefore = await api.http.get('/v1/audit/events').query({ incidentId: incident.id, limit: 1000 }).set(auth(admin));

    const stale = await api.http.patch(`${base(incident.id)}/${p.id}`).set(auth(responder)).send({ version: 1, name: 'Overwritten' });
    expect(stale.status).toBe(409);
    expect(stale.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(stale.body.currentVersion).toBe(2);
    const staleNotified = await api.http.post(`${base(incident.id)}/${p.id}/notified`).set(auth(responder)).send({ version: 1 });
    expect(staleNotified.status).toBe(409);
    expect(staleNotified.body.currentVersion).toBe(2);

    const read = await api.http.get(`${base(incident.id)}/${p.id}`).set(auth(responder));
    expect(read.body).toMatchObject({ name: 'Stale Co', notes: 'Called their DPO', notifiedAt: null, version: 2 });
    const auditAfter = await api.http.get('/v1/audit/events').query({ incidentId: incident.id, limit: 1000 }).set(auth(admin));
    expect(auditAfter.body.items.length).toBe(auditBefore.body.items.length);
  });

  describe('validation', () => {
    it.each([
      ['missing name', { role: 'processor' }, 'name'],
      ['missing role', { name: 'x' }, 'role'],
      ['unknown field', { name: 'x', role: 'processor', website: 'https://x.example' }, 'website'],
      ['wrong type: name', { name: 7, role: 'processor' }, 'name'],
      ['wrong type: dataCategories', { name: 'x', role: 'processor', dataCategories: 'contact' }, 'dataCategories'],
      ['null for a required column', { name: 'x', role: 'processor', notes: null }, 'notes'],
      ['bad enum: role', { name: 'x', role: 'vendor' }, 'role'],
      ['unknown data category', { name: 'x', role: 'processor', dataCategories: ['contact', 'shoe_size'] }, 'dataCategories'],
      ['repeated data category', { name: 'x', role: 'processor', dataCategories: ['contact', 'contact'] }, 'dataCategories'],
      ['bad email', { name: 'x', role: 'processor', contactEmail: 'dpo at acme' }, 'contactEmail'],
      ['bad email: no domain', { name: 'x', role: 'processor', contactEmail: 'dpo@' }, 'contactEmail'],
      ['non-E.164 phone: national form', { name: 'x', role: 'processor', contactPhone: '0151 12345678' }, 'contactPhone'],
      ['non-E.164 phone: spaces', { name: 'x', role: 'processor', contactPhone: '+49 151 12345678' }, 'contactPhone'],
      ['non-E.164 phone: no such number', { name: 'x', role: 'processor', contactPhone: '+4912' }, 'contactPhone'],
      ['phone as a number', { name: 'x', role: 'processor', contactPhone: 4915112345678 }, 'contactPhone'],
      ['notifiedAt in the future', { name: 'x', role: 'processor', notifiedAt: '2099-01-01T00:00:00Z' }, 'notifiedAt'],
      ['notifiedAt not a timestamp', { name: 'x', role: 'processor', notifiedAt: 'yesterday' }, 'notifiedAt'],
    ])('POST refuses %s, naming the field, and stores nothing', async (_case, body, field) => {
      const inc = await createIncident('Validation');
      const res = await api.http.post(base(inc.id)).set(auth(responder)).send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(fieldsOf(res)).toContain(field);
      const list = await api.http.get(base(inc.id)).set(auth(responder));
      expect(list.body.items).toEqual([]);
    });

    it.each([
      ['missing version', { name: 'y' }, 'version'],
      ['version as a string', { version: '1', name: 'y' }, 'version'],
      ['unknown field', { version: 1, incidentId: randomUUID() }, 'incidentId'],
      ['bad enum: role', { version: 1, role: 'supplier' }, 'role'],
      ['null name', { version: 1, name: null }, 'name'],
      ['bad email', { version: 1, contactEmail: 'nobody' }, 'contactEmail'],
      ['non-E.164 phone', { version: 1, contactPhone: '(650) 253-0000' }, 'contactPhone'],
      ['notifiedAt in the future', { version: 1, notifiedAt: '2099-01-01T00:00:00Z' }, 'notifiedAt'],
    ])('PATCH refuses %s, naming the field, and changes nothing', async (_case, body, field) => {
      const p = await createParty(other.id, ACME);
      const res = await api.http.patch(`${base(other.id)}/${p.id}`).set(auth(responder)).send(body);
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toContain(field);
      const read = await api.http.get(`${base(other.id)}/${p.id}`).set(auth(responder));
      expect(read.body).toEqual(p);
    });

    it('accepts a valid E.164 number from another country and every listed data category', async () => {
      const res = await api.http.post(base(other.id)).set(auth(responder))
        .send({ name: 'US processor', role: 'processor', contactPhone: '+16502530000', contactEmail: 'privacy@us.example', dataCategories: ['health', 'children'] });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ contactPhone: '+16502530000', dataCategories: ['health', 'children'] });
    });

    it('refuses a bad list filter', async () => {
      const res = await api.http.get(base(incident.id)).query({ notified: 'no' }).set(auth(responder));
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toEqual(['notified']);
    });
  });

  describe('access', () => {
    it.each(['viewer', 'approver'] as const)('%s gets 403 on writes', async (role) => {
      const token = role === 'viewer' ? viewer : approver;
      const p = await createParty(incident.id, { name: `For ${role}`, role: 'partner' });
      expect((await api.http.post(base(incident.id)).set(auth(token)).send({ name: 'Nope', role: 'other' })).status).toBe(403);
      expect((await api.http.patch(`${base(incident.id)}/${p.id}`).set(auth(token)).send({ version: 1, name: 'Nope' })).status).toBe(403);
      expect((await api.http.post(`${base(incident.id)}/${p.id}/notified`).set(auth(token)).send({ version: 1 })).status).toBe(403);
      const read = await api.http.get(`${base(incident.id)}/${p.id}`).set(auth(responder));
      expect(read.body).toMatchObject({ name: `For ${role}`, notifiedAt: null, version: 1 });
    });

    it('viewer and approver can read; regulator cannot', async () => {
      const p = await createParty(incident.id, { name: 'Readable', role: 'other' });
      for (const token of [viewer, approver]) {
        expect((await api.http.get(base(incident.id)).set(auth(token))).status).toBe(200);
        expect((await api.http.get(`${base(incident.id)}/${p.id}`).set(auth(token))).status).toBe(200);
      }
      expect((await api.http.get(base(incident.id)).set(auth(regulator))).status).toBe(403);
      expect((await api.http.get(`${base(incident.id)}/${p.id}`).set(auth(regulator))).status).toBe(403);
    });
  });

  describe('not found', () => {
    it('an unknown incident is a 404 on every route', async () => {
      for (const key of [randomUUID(), 'INC-2099-9999']) {
        expect((await api.http.get(base(key)).set(auth(responder))).status).toBe(404);
        expect((await api.http.post(base(key)).set(auth(responder)).send({ name: 'x', role: 'other' })).status).toBe(404);
        expect((await api.http.get(`${base(key)}/${randomUUID()}`).set(auth(responder))).status).toBe(404);
        expect((await api.http.post(`${base(key)}/${randomUUID()}/notified`).set(auth(responder)).send({ version: 1 })).status).toBe(404);
      }
    });

    it('a third party of another incident is a 404, and it is not changed', async () => {
      const p = await createParty(other.id, { name: 'Other incident party', role: 'processor' });
      expect((await api.http.get(`${base(incident.id)}/${p.id}`).set(auth(responder))).status).toBe(404);
      expect((await api.http.patch(`${base(incident.id)}/${p.id}`).set(auth(responder)).send({ version: 1, name: 'Hijacked' })).status).toBe(404);
      expect((await api.http.post(`${base(incident.id)}/${p.id}/notified`).set(auth(responder)).send({ version: 1 })).status).toBe(404);
      const read = await api.http.get(`${base(other.id)}/${p.id}`).set(auth(responder));
      expect(read.body).toMatchObject({ name: 'Other incident party', notifiedAt: null, version: 1 });
    });
  });

  it('records audit events for create, update and notified, the chain verifies, and no contact data is logged', async () => {
    const inc = await createIncident('Audited');
    const p = await createParty(inc.id, ACME);
    expect((await api.http.patch(`${base(inc.id)}/${p.id}`).set(auth(responder)).send({ version: 1, notes: 'Contract clause 9' })).status).toBe(200);
    expect((await api.http.post(`${base(inc.id)}/${p.id}/notified`).set(auth(admin)).send({ version: 2 })).status).toBe(200);

    const events = await api.http.get('/v1/audit/events').query({ incidentId: inc.id, entityType: 'third_party' }).set(auth(admin));
    expect(events.status).toBe(200);
    expect(events.body.items.map((e: { action: string; actorRole: string }) => [e.action, e.actorRole])).toEqual([
      ['third_party.created', 'responder'], ['third_party.updated', 'responder'], ['third_party.notified', 'admin'],
    ]);
    const [created, updated, notified] = events.body.items;
    expect(created).toMatchObject({ entityId: p.id, incidentId: inc.id, before: null });
    expect(created.after).toMatchObject({ name: ACME.name, version: 1 });
    expect(updated.before).toMatchObject({ notes: ACME.notes, version: 1 });
    expect(updated.after).toMatchObject({ notes: 'Contract clause 9', version: 2 });
    expect(notified.before).toMatchObject({ notified_at: null, version: 2 });
    expect(notified.after.notified_at).not.toBeNull();

    const verify = await api.http.get('/v1/audit/verify').set(auth(admin));
    expect(verify.status).toBe(200);
    expect(verify.body.valid).toBe(true);

    const logs = api.logs.join('\n');
    for (const secret of [ACME.contactEmail, ACME.contactPhone, ACME.contactName]) expect(logs).not.toContain(secret);
  });
});
