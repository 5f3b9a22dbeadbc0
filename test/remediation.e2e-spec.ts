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
const base = (key: string) => `/v1/incidents/${key}/remediation-actions`;

async function createIncident(title: string) {
  const res = await api.http.post('/v1/incidents').set(auth(responder)).send({ title, awareAt: '2026-11-20T08:00:00Z' });
  expect(res.status).toBe(201);
  return res.body as { id: string; ref: string };
}

async function createAction(key: string, body: Record<string, unknown>) {
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

describe('remediation actions', () => {
  it('creates, lists, reads and updates an action (round trip)', async () => {
    const created = await createAction(incident.ref, {
      kind: 'containment', title: 'Make the bucket private', description: 'ACL changed to private', owner: 'Cloud team', dueAt: '2026-11-21T12:00:00Z',
    });
    expect(created).toMatchObject({
      incidentId: incident.id, kind: 'containment', title: 'Make the bucket private', description: 'ACL changed to private',
      status: 'planned', owner: 'Cloud team', dueAt: '2026-11-21T12:00:00.000Z', doneAt: null, includeInNotice: false, publicWording: null, version: 1,
    });

    const got = await api.http.get(`${base(incident.id)}/${created.id}`).set(auth(responder));
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created);

    const list = await api.http.get(base(incident.ref)).set(auth(responder));
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: { id: string }) => a.id)).toContain(created.id);

    const patched = await api.http.patch(`${base(incident.ref)}/${created.id}`).set(auth(responder))
      .send({ version: 1, status: 'in_progress', owner: 'Platform team', includeInNotice: true, publicWording: 'We closed public access to the storage.' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ status: 'in_progress', owner: 'Platform team', includeInNotice: true, publicWording: 'We closed public access to the storage.', version: 2, title: 'Make the bucket private' });

    const reread = await api.http.get(`${base(incident.ref)}/${created.id}`).set(auth(viewer));
    expect(reread.body).toEqual(patched.body);
  });

  it('lists in order of creation', async () => {
    const inc = await createIncident('Ordering');
    const ids = [];
    for (const title of ['first', 'second', 'third']) ids.push((await createAction(inc.id, { kind: 'recovery', title })).id);
    const list = await api.http.get(base(inc.id)).set(auth(viewer));
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual(ids);
    const page = await api.http.get(base(inc.id)).query({ limit: 2 }).set(auth(viewer));
    expect(page.body.items.map((a: { id: string }) => a.id)).toEqual(ids.slice(0, 2));
    const next = await api.http.get(base(inc.id)).query({ limit: 2, cursor: page.body.nextCursor }).set(auth(viewer));
    expect(next.body.items.map((a: { id: string }) => a.id)).toEqual(ids.slice(2));
  });

  it('stamps doneAt when moving to done, clears it when leaving done, and keeps a cancelled action', async () => {
    const a = await createAction(incident.id, { kind: 'eradication', title: 'Remove the web shell' });
    const before = Date.now();
    const done = await api.http.patch(`${base(incident.id)}/${a.id}`).set(auth(admin)).send({ version: 1, status: 'done' });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('done');
    const stamped = Date.parse(done.body.doneAt);
    expect(stamped).toBeGreaterThanOrEqual(before - 1000);
    expect(stamped).toBeLessThanOrEqual(Date.now() + 1000);

    const explicit = await createAction(incident.id, { kind: 'recovery', title: 'Restore from backup', status: 'done', doneAt: '2026-11-21T10:00:00Z' });
    expect(explicit.doneAt).toBe('2026-11-21T10:00:00.000Z');

    const cancelled = await api.http.patch(`${base(incident.id)}/${a.id}`).set(auth(responder)).send({ version: 2, status: 'cancelled' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', doneAt: null, version: 3 });
    const list = await api.http.get(base(incident.id)).query({ status: 'cancelled' }).set(auth(responder));
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([a.id]);
  });

  it('refuses a stale version with 409, the current version, and writes nothing', async () => {
    const a = await createAction(incident.id, { kind: 'prevention', title: 'Enable bucket policy checks' });
    const first = await api.http.patch(`${base(incident.id)}/${a.id}`).set(auth(responder)).send({ version: 1, title: 'Enable policy checks on every bucket' });
    expect(first.status).toBe(200);
    const auditBefore = await api.http.get('/v1/audit/events').query({ incidentId: incident.id, limit: 1000 }).set(auth(admin));

    const stale = await api.http.patch(`${base(incident.id)}/${a.id}`).set(auth(responder)).send({ version: 1, title: 'Overwritten', status: 'done' });
    expect(stale.status).toBe(409);
    expect(stale.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(stale.body.currentVersion).toBe(2);

    const read = await api.http.get(`${base(incident.id)}/${a.id}`).set(auth(responder));
    expect(read.body).toMatchObject({ title: 'Enable policy checks on every bucket', status: 'planned', doneAt: null, version: 2 });
    const auditAfter = await api.http.get('/v1/audit/events').query({ incidentId: incident.id, limit: 1000 }).set(auth(admin));
    expect(auditAfter.body.items.length).toBe(auditBefore.body.items.length);
  });

  describe('validation', () => {
    it.each([
      ['missing kind', { title: 'x' }, 'kind'],
      ['missing title', { kind: 'containment' }, 'title'],
      ['empty title', { kind: 'containment', title: '' }, 'title'],
      ['unknown field', { kind: 'containment', title: 'x', severity: 'high' }, 'severity'],
      ['wrong type: includeInNotice', { kind: 'containment', title: 'x', includeInNotice: 'yes', publicWording: 'y' }, 'includeInNotice'],
      ['wrong type: title', { kind: 'containment', title: 42 }, 'title'],
      ['null for a required column', { kind: 'containment', title: 'x', status: null }, 'status'],
      ['bad enum: kind', { kind: 'apology', title: 'x' }, 'kind'],
      ['bad enum: status', { kind: 'containment', title: 'x', status: 'finished' }, 'status'],
      ['includeInNotice without publicWording', { kind: 'support', title: 'Credit monitoring', includeInNotice: true }, 'publicWording'],
      ['includeInNotice with blank publicWording', { kind: 'support', title: 'Credit monitoring', includeInNotice: true, publicWording: '   ' }, 'publicWording'],
      ['doneAt with status planned', { kind: 'containment', title: 'x', status: 'planned', doneAt: '2026-11-21T10:00:00Z' }, 'doneAt'],
      ['doneAt without status (planned)', { kind: 'containment', title: 'x', doneAt: '2026-11-21T10:00:00Z' }, 'doneAt'],
      ['doneAt in the future', { kind: 'containment', title: 'x', status: 'done', doneAt: '2099-01-01T00:00:00Z' }, 'doneAt'],
      ['doneAt not a timestamp', { kind: 'containment', title: 'x', status: 'done', doneAt: '2026-11-21' }, 'doneAt'],
      ['dueAt not a timestamp', { kind: 'containment', title: 'x', dueAt: 'tomorrow' }, 'dueAt'],
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
      ['missing version', { title: 'y' }, 'version'],
      ['version as a string', { version: '1', title: 'y' }, 'version'],
      ['unknown field', { version: 1, incidentId: randomUUID() }, 'incidentId'],
      ['bad enum: status', { version: 1, status: 'closed' }, 'status'],
      ['null title', { version: 1, title: null }, 'title'],
      ['doneAt while the action stays planned', { version: 1, doneAt: '2026-11-21T10:00:00Z' }, 'doneAt'],
      ['includeInNotice without publicWording', { version: 1, includeInNotice: true }, 'publicWording'],
      ['doneAt cleared while moving to done', { version: 1, status: 'done', doneAt: null }, 'doneAt'],
    ])('PATCH refuses %s, naming the field, and changes nothing', async (_case, body, field) => {
      const a = await createAction(other.id, { kind: 'containment', title: 'Original' });
      const res = await api.http.patch(`${base(other.id)}/${a.id}`).set(auth(responder)).send(body);
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toContain(field);
      const read = await api.http.get(`${base(other.id)}/${a.id}`).set(auth(responder));
      expect(read.body).toEqual(a);
    });

    it('refuses clearing publicWording while includeInNotice stays true', async () => {
      const a = await createAction(other.id, { kind: 'support', title: 'Helpline', includeInNotice: true, publicWording: 'Call our helpline.' });
      const res = await api.http.patch(`${base(other.id)}/${a.id}`).set(auth(responder)).send({ version: 1, publicWording: null });
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toEqual(['publicWording']);
    });

    it('refuses an action id that is not a UUID and a bad list filter', async () => {
      const res = await api.http.get(`${base(incident.id)}/not-a-uuid`).set(auth(responder));
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toEqual(['id']);
      const filter = await api.http.get(base(incident.id)).query({ includeInNotice: 'yes' }).set(auth(responder));
      expect(filter.status).toBe(400);
      expect(fieldsOf(filter)).toEqual(['includeInNotice']);
    });
  });

  describe('access', () => {
    it.each(['viewer', 'approver'] as const)('%s gets 403 on writes', async (role) => {
      const token = role === 'viewer' ? viewer : approver;
      const a = await createAction(incident.id, { kind: 'containment', title: `For ${role}` });
      const post = await api.http.post(base(incident.id)).set(auth(token)).send({ kind: 'containment', title: 'Nope' });
      expect(post.status).toBe(403);
      const patch = await api.http.patch(`${base(incident.id)}/${a.id}`).set(auth(token)).send({ version: 1, title: 'Nope' });
      expect(patch.status).toBe(403);
      const read = await api.http.get(`${base(incident.id)}/${a.id}`).set(auth(responder));
      expect(read.body).toMatchObject({ title: `For ${role}`, version: 1 });
    });

    it('viewer and approver can read; regulator cannot; no token is 401', async () => {
      const a = await createAction(incident.id, { kind: 'containment', title: 'Readable' });
      for (const token of [viewer, approver]) {
        expect((await api.http.get(base(incident.id)).set(auth(token))).status).toBe(200);
        expect((await api.http.get(`${base(incident.id)}/${a.id}`).set(auth(token))).status).toBe(200);
      }
      expect((await api.http.get(base(incident.id)).set(auth(regulator))).status).toBe(403);
      expect((await api.http.get(`${base(incident.id)}/${a.id}`).set(auth(regulator))).status).toBe(403);
      expect((await api.http.get(base(incident.id))).status).toBe(401);
    });
  });

  describe('not found', () => {
    it('an unknown incident is a 404 on every route', async () => {
      for (const key of [randomUUID(), 'INC-2099-9999']) {
        expect((await api.http.get(base(key)).set(auth(responder))).status).toBe(404);
        expect((await api.http.post(base(key)).set(auth(responder)).send({ kind: 'containment', title: 'x' })).status).toBe(404);
        expect((await api.http.get(`${base(key)}/${randomUUID()}`).set(auth(responder))).status).toBe(404);
      }
    });

    it("an action id of another incident is a 404, and it is not changed", async () => {
      const a = await createAction(other.id, { kind: 'recovery', title: 'Belongs to the other incident' });
      const got = await api.http.get(`${base(incident.id)}/${a.id}`).set(auth(responder));
      expect(got.status).toBe(404);
      expect(got.headers['content-type']).toMatch(/application\/problem\+json/);
      const patch = await api.http.patch(`${base(incident.ref)}/${a.id}`).set(auth(responder)).send({ version: 1, title: 'Hijacked' });
      expect(patch.status).toBe(404);
      const read = await api.http.get(`${base(other.id)}/${a.id}`).set(auth(responder));
      expect(read.body).toMatchObject({ title: 'Belongs to the other incident', version: 1 });
    });
  });

  it('includeInNotice=true returns only the flagged actions, with their wording', async () => {
    const inc = await createIncident('Notice wording');
    const flagged1 = await createAction(inc.id, { kind: 'support', title: 'Credit monitoring', includeInNotice: true, publicWording: 'We offer 12 months of free credit monitoring.' });
    await createAction(inc.id, { kind: 'eradication', title: 'Internal clean-up' });
    const flagged2 = await createAction(inc.id, { kind: 'containment', title: 'Reset passwords', status: 'done', includeInNotice: true, publicWording: 'We reset every password.' });
    await createAction(inc.id, { kind: 'prevention', title: 'Wording kept but not flagged', includeInNotice: false, publicWording: 'Draft sentence.' });

    const res = await api.http.get(base(inc.id)).query({ includeInNotice: 'true' }).set(auth(viewer));
    expect(res.status).toBe(200);
    expect(res.body.items.map((a: { id: string; publicWording: string; includeInNotice: boolean }) => [a.id, a.includeInNotice, a.publicWording])).toEqual([
      [flagged1.id, true, 'We offer 12 months of free credit monitoring.'],
      [flagged2.id, true, 'We reset every password.'],
    ]);
    const unflagged = await api.http.get(base(inc.id)).query({ includeInNotice: 'false' }).set(auth(viewer));
    expect(unflagged.body.items.map((a: { title: string }) => a.title)).toEqual(['Internal clean-up', 'Wording kept but not flagged']);
  });

  it('records an audit event for every create and update, and the chain verifies', async () => {
    const inc = await createIncident('Audited');
    const a = await createAction(inc.id, { kind: 'containment', title: 'Block the attacker IP' });
    const upd = await api.http.patch(`${base(inc.id)}/${a.id}`).set(auth(responder)).send({ version: 1, status: 'done' });
    expect(upd.status).toBe(200);
    const noop = await api.http.patch(`${base(inc.id)}/${a.id}`).set(auth(responder)).send({ version: 2, status: 'done' });
    expect(noop.body.version).toBe(2);

    const events = await api.http.get('/v1/audit/events').query({ incidentId: inc.id, entityType: 'remediation_action' }).set(auth(admin));
    expect(events.status).toBe(200);
    expect(events.body.items.map((e: { action: string }) => e.action)).toEqual(['remediation.created', 'remediation.updated']);
    const [created, updated] = events.body.items;
    expect(created).toMatchObject({ entityId: a.id, incidentId: inc.id, actorRole: 'responder', before: null });
    expect(created.after).toMatchObject({ id: a.id, status: 'planned', version: 1 });
    expect(updated.before).toMatchObject({ status: 'planned', done_at: null, version: 1 });
    expect(updated.after).toMatchObject({ status: 'done', version: 2 });
    expect(updated.after.done_at).not.toBeNull();

    const verify = await api.http.get('/v1/audit/verify').set(auth(admin));
    expect(verify.status).toBe(200);
    expect(verify.body.valid).toBe(true);
    expect(verify.body.checked).toBeGreaterThan(2);
  });
});
