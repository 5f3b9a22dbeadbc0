import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiHarness } from './support/api-harness.js';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.close());

describe('platform', () => {
  it('serves the OpenAPI document with the register endpoints and their schemas', async () => {
    const res = await api.http.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/v1/incidents', '/v1/incidents/{incident}', '/v1/incidents/{incident}/transitions', '/v1/tokens', '/v1/audit/verify', '/health/ready']));
    const create = res.body.components.schemas.CreateIncidentDto;
    expect(create.required).toEqual(expect.arrayContaining(['title', 'awareAt']));
    expect(create.properties.awareAt.format).toBe('date-time');
    const listParams = res.body.paths['/v1/incidents'].get.parameters.map((p: { name: string }) => p.name);
    expect(listParams).toEqual(expect.arrayContaining(['status', 'severity', 'q', 'limit', 'cursor']));
  });

  it('serves Swagger UI', async () => {
    const res = await api.http.get('/docs/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger');
  });

  it('logs one structured line per request, without headers or bodies', async () => {
    await api.http.post('/v1/incidents').set('Authorization', `Bearer ${api.adminToken}`).send({ title: 'Mail to jane@example.com', awareAt: '2026-11-21T10:00:00Z' });
    const line = api.logs.map((l) => JSON.parse(l)).find((l) => l.data?.msg === 'request' && l.data.path === '/v1/incidents');
    expect(line.data).toEqual(expect.objectContaining({ method: 'POST', status: 201 }));
    expect(api.logs.join('')).not.toContain(api.adminToken);
    expect(api.logs.join('')).not.toContain('jane@example.com');
  });
});
