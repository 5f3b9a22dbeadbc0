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

async function incidentCount(): Promise<number> {
  const res = await api.http.get('/v1/incidents?limit=200').set(auth(responder));
  return res.body.items.length;
}

function expectProblem(res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number, field?: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(expect.objectContaining({ type: expect.stringMatching(/^urn:tocsin:problem:/), title: expect.any(String), status }));
  if (field) expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, reason: expect.any(String) })]));
}

describe('bad input never yields a 500 and never writes', () => {
  it('malformed JSON is a 400 naming the body', async () => {
    const res = await api.http.post('/v1/incidents').set(auth(responder)).set('Content-Type', 'application/json').send('{"title": "x",');
    expectProblem(res, 400, 'body');
  });

  it('an oversize body is a 413', async () => {
    const res = await api.http.post('/v1/incidents').set(auth(responder)).set('Content-Type', 'application/json')
      .send(JSON.stringify({ title: 'x', awareAt: '2026-11-20T08:00:00Z', description: 'a'.repeat(2 * 1024 * 1024) }));
    expectProblem(res, 413, 'body');
  });

  it.each([
    ['unknown field', { title: 'x', awareAt: '2026-11-20T08:00:00Z', severity: 'high' }, 'severity'],
    ['wrong type', { title: 42, awareAt: '2026-11-20T08:00:00Z' }, 'title'],
    ['empty title', { title: '', awareAt: '2026-11-20T08:00:00Z' }, 'title'],
    ['date without zone', { title: 'x', awareAt: '2026-11-20T08:00:00' }, 'awareAt'],
    ['impossible date', { title: 'x', awareAt: '2026-02-30T08:00:00Z' }, 'awareAt'],
    ['bare date', { title: 'x', awareAt: '2026-11-20' }, 'awareAt'],
    ['null required', { title: 'x', awareAt: null }, 'awareAt'],
    ['future awareness', { title: 'x', awareAt: '2099-01-01T00:00:00Z' }, 'awareAt'],
    ['period backwards', { title: 'x', awareAt: '2026-11-20T08:00:00Z', occurredFrom: '2026-11-10T00:00:00Z', occurredTo: '2026-11-01T00:00:00Z' }, 'occurredTo'],
  ])('%s is a 400 naming the field, nothing written', async (_name, body, field) => {
    const before = await incidentCount();
    const res = await api.http.post('/v1/incidents').set(auth(responder)).send(body);
    expectProblem(res, 400, field);
    expect(await incidentCount()).toBe(before);
  });

  it('a JSON array body is refused', async () => {
    const res = await api.http.post('/v1/incidents').set(auth(responder)).send([{ title: 'x' }]);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it.each([
    ['/v1/incidents/not-an-id', 'incident'],
    ['/v1/incidents/INC-26-1', 'incident'],
  ])('a bad id in %s is a 400 naming it', async (path, field) => {
    expectProblem(await api.http.get(path).set(auth(responder)), 400, field);
  });

  it('an unknown incident is a 404', async () => {
    expectProblem(await api.http.get('/v1/incidents/INC-2026-9999').set(auth(responder)), 404);
    expectProblem(await api.http.get('/v1/incidents/00000000-0000-4000-8000-000000000000').set(auth(responder)), 404);
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=abc', 'limit'],
    ['?limit=1000', 'limit'],
    ['?status=open', 'status'],
    ['?severity=extreme', 'severity'],
    ['?cursor=%%%', 'cursor'],
    ['?cursor=bm90LWpzb24', 'cursor'],
    ['?colour=red', 'colour'],
  ])('query %s is a 400 naming the parameter', async (query, field) => {
    expectProblem(await api.http.get('/v1/incidents' + query).set(auth(responder)), 400, field);
  });

  it('an unknown route is a 404 problem', async () => {
    expectProblem(await api.http.get('/v1/nothing-here').set(auth(responder)), 404);
  });

  it('a bad token id is a 400 naming it', async () => {
    expectProblem(await api.http.post('/v1/tokens/xyz/revoke').set(auth(api.adminToken)), 400, 'id');
  });
});

describe('updates that would clear a required value', () => {
  it.each(['title', 'description', 'awareAt'])('%s: null is a 400 naming it, nothing written', async (field) => {
    const created = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'x', description: 'd', awareAt: '2026-11-20T08:00:00Z' });
    const res = await api.http.patch(`/v1/incidents/${created.body.id}`).set(auth(responder)).send({ version: 1, [field]: null });
    expectProblem(res, 400, field);
    const after = await api.http.get(`/v1/incidents/${created.body.id}`).set(auth(responder));
    expect(after.body.version).toBe(1);
  });

  it('a forged cursor with a bad timestamp is a 400 naming the cursor', async () => {
    const forged = Buffer.from(JSON.stringify(['yesterday', '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    expectProblem(await api.http.get(`/v1/incidents?cursor=${forged}`).set(auth(responder)), 400, 'cursor');
  });
});
