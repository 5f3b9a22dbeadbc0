import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiHarness } from './support/api-harness.js';

let api: ApiHarness;
let responder: string;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  api = await startApi();
  responder = await api.token('responder');
});
afterAll(async () => api?.close());

describe('incidents', () => {
  it('creates an incident with a human reference and reads it back', async () => {
    const res = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'Bucket exposed', awareAt: '2026-11-20T08:00:00Z' });
    expect(res.status).toBe(201);
    expect(res.body.ref).toMatch(/^INC-\d{4}-0001$/);
    expect(res.body.status).toBe('detected');
    expect(res.body.version).toBe(1);
    const got = await api.http.get(`/v1/incidents/${res.body.ref}`).set(auth(responder));
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(res.body.id);
    expect(got.body.awareAt).toBe('2026-11-20T08:00:00.000Z');
  });

  it('refuses a missing awareAt with a problem naming the field', async () => {
    const res = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'x' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'awareAt' })]));
  });
});

describe('incident updates', () => {
  it('applies a change at the current version and refuses a stale one without writing', async () => {
    const created = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'Phishing', awareAt: '2026-11-21T10:00:00+01:00' });
    const id = created.body.id;
    const first = await api.http.patch(`/v1/incidents/${id}`).set(auth(responder)).send({ version: 1, description: 'Mailbox compromised', occurredFrom: '2026-11-19T00:00:00Z' });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    expect(first.body.awareAt).toBe('2026-11-21T09:00:00.000Z');

    const stale = await api.http.patch(`/v1/incidents/${id}`).set(auth(responder)).send({ version: 1, title: 'Overwritten' });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(2);
    const after = await api.http.get(`/v1/incidents/${id}`).set(auth(responder));
    expect(after.body.title).toBe('Phishing');
    expect(after.body.version).toBe(2);
  });

  it('clears an optional time with null but refuses to clear awareAt', async () => {
    const created = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'x', awareAt: '2026-11-21T10:00:00Z', detectedAt: '2026-11-21T09:00:00Z' });
    const cleared = await api.http.patch(`/v1/incidents/${created.body.id}`).set(auth(responder)).send({ version: 1, detectedAt: null });
    expect(cleared.body.detectedAt).toBeNull();
    const refused = await api.http.patch(`/v1/incidents/${created.body.id}`).set(auth(responder)).send({ version: 2, awareAt: null });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('awareAt');
  });
});

describe('incident lifecycle', () => {
  it('moves through explicit transitions, stamping containment and resolution', async () => {
    const created = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'Ransomware', awareAt: '2026-11-21T10:00:00Z' });
    expect(created.body.allowedTransitions).toEqual(['triaged']);
    let version = 1;
    for (const to of ['triaged', 'contained', 'notifying', 'resolved', 'closed']) {
      const res = await api.http.post(`/v1/incidents/${created.body.id}/transitions`).set(auth(responder)).send({ to, version });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(to);
      version = res.body.version;
      if (to === 'contained') expect(res.body.containedAt).not.toBeNull();
      if (to === 'resolved') expect(res.body.resolvedAt).not.toBeNull();
      if (to === 'closed') expect(res.body.closedAt).not.toBeNull();
    }
  });

  it('refuses an illegal transition with a 409 that lists the allowed ones', async () => {
    const created = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'x', awareAt: '2026-11-21T10:00:00Z' });
    const res = await api.http.post(`/v1/incidents/${created.body.id}/transitions`).set(auth(responder)).send({ to: 'closed', version: 1 });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.allowedTransitions).toEqual(['triaged']);
    expect(res.body.detail).toContain('triaged');
    const unchanged = await api.http.get(`/v1/incidents/${created.body.id}`).set(auth(responder));
    expect(unchanged.body.status).toBe('detected');
    expect(unchanged.body.version).toBe(1);
  });

  it('refuses an unknown status naming the field', async () => {
    const created = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'x', awareAt: '2026-11-21T10:00:00Z' });
    const res = await api.http.post(`/v1/incidents/${created.body.id}/transitions`).set(auth(responder)).send({ to: 'archived', version: 1 });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('to');
  });
});

describe('incident listing', () => {
  it('pages with a keyset cursor, each incident exactly once, and filters by status and text', async () => {
    for (let i = 0; i < 7; i++) {
      await api.http.post('/v1/incidents').set(auth(responder)).send({ title: `Batch incident ${i}`, awareAt: '2026-11-21T10:00:00Z' });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } =
        await api.http.get(`/v1/incidents?limit=3${cursor ? `&cursor=${cursor}` : ''}`).set(auth(responder));
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const all = await api.http.get('/v1/incidents?limit=200').set(auth(responder));
    expect(seen).toEqual(all.body.items.map((i: { id: string }) => i.id));
    expect(new Set(seen).size).toBe(seen.length);

    const text = await api.http.get('/v1/incidents?q=batch%20incident%203').set(auth(responder));
    expect(text.body.items.map((i: { title: string }) => i.title)).toEqual(['Batch incident 3']);
    const detected = await api.http.get('/v1/incidents?status=closed').set(auth(responder));
    expect(detected.body.items.every((i: { status: string }) => i.status === 'closed')).toBe(true);
    expect(detected.body.items.length).toBeGreaterThan(0);
  });

  it('numbers references without gaps under concurrent creation', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      api.http.post('/v1/incidents').set(auth(responder)).send({ title: `Concurrent ${i}`, awareAt: '2026-11-21T10:00:00Z' })));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const numbers = results.map((r) => Number(r.body.ref.split('-')[2])).sort((a, b) => a - b);
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe(numbers[i - 1]! + 1);
  });
});
