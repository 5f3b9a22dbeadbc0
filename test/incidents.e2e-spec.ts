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
