import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { ROLES, type Role } from '#domain';
import { PUBLIC_KEY, ROLES_KEY } from '../apps/api/src/access/roles.decorator.js';
import { TokenService } from '../apps/api/src/access/token.service.js';
import { startApi, type ApiHarness } from './support/api-harness.js';

let api: ApiHarness;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.close());

describe('authentication', () => {
  it.each([
    ['no header', undefined],
    ['not bearer', 'Basic abc'],
    ['unknown token', 'Bearer tcn_unknown_token_value'],
  ])('%s is a 401 problem', async (_name, header) => {
    const req = api.http.get('/v1/incidents');
    const res = header ? await req.set('Authorization', header) : await req;
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('health is public', async () => {
    expect((await api.http.get('/health/live')).status).toBe(200);
    expect((await api.http.get('/health/ready')).body).toEqual({ status: 'ok', database: 'ok' });
  });
});

describe('tokens', () => {
  it('shows the secret once, stores only its hash, and a revoked token stops working', async () => {
    const created = await api.http.post('/v1/tokens').set(auth(api.adminToken)).send({ name: 'analyst', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^tcn_[A-Za-z0-9_-]{43}$/);
    expect(created.body.role).toBe('viewer');

    const list = await api.http.get('/v1/tokens').set(auth(api.adminToken));
    const listed = list.body.items.find((t: { id: string }) => t.id === created.body.id);
    expect(listed).toBeDefined();
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);

    const { Client } = (await import('pg')).default;
    const client = new Client({ connectionString: api.database.url });
    await client.connect();
    const stored = await client.query('SELECT token_hash::text AS h FROM api_tokens WHERE id = $1', [created.body.id]);
    await client.end();
    expect(stored.rows[0].h).not.toContain(created.body.token);

    expect((await api.http.get('/v1/incidents').set(auth(created.body.token))).status).toBe(200);
    const revoked = await api.http.post(`/v1/tokens/${created.body.id}/revoke`).set(auth(api.adminToken));
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await api.http.get('/v1/incidents').set(auth(created.body.token))).status).toBe(401);
  });

  it('refuses an unknown role, naming the field', async () => {
    const res = await api.http.post('/v1/tokens').set(auth(api.adminToken)).send({ name: 'x', role: 'root' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'role' })]);
  });

  it('only admins manage tokens', async () => {
    for (const role of ['responder', 'approver', 'viewer', 'regulator'] as Role[]) {
      const res = await api.http.post('/v1/tokens').set(auth(await api.token(role))).send({ name: 'x', role: 'admin' });
      expect(res.status).toBe(403);
    }
  });

  it('revoking an unknown token is a 404', async () => {
    expect((await api.http.post('/v1/tokens/00000000-0000-4000-8000-000000000000/revoke').set(auth(api.adminToken))).status).toBe(404);
  });

  it('bootstraps the admin token only on a database without tokens', async () => {
    const again = await api.app.get(TokenService).bootstrapAdmin(undefined);
    expect(again).toEqual({ created: false });
  });
});

describe('roles', () => {
  it.each([
    ['viewer', 'post', 403],
    ['approver', 'post', 403],
    ['regulator', 'get', 403],
    ['regulator', 'post', 403],
    ['viewer', 'get', 200],
    ['responder', 'post', 201],
  ] as [Role, 'get' | 'post', number][])('%s %s /v1/incidents → %d', async (role, method, status) => {
    const token = await api.token(role);
    const res = method === 'get'
      ? await api.http.get('/v1/incidents').set(auth(token))
      : await api.http.post('/v1/incidents').set(auth(token)).send({ title: 'x', awareAt: '2026-11-20T08:00:00Z' });
    expect(res.status).toBe(status);
  });

  it('every route declares its roles or is explicitly public', () => {
    const reflector = api.app.get(Reflector);
    const undeclared: string[] = [];
    let routes = 0;
    const controllers = [...api.app.get(ModulesContainer).values()].flatMap((m) => [...m.controllers.values()]);
    for (const wrapper of controllers) {
      const controller = wrapper.metatype as { prototype: Record<string, unknown>; name: string } | undefined;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function' || !Reflect.hasMetadata('path', handler)) continue;
        routes++;
        const targets = [handler, controller] as never[];
        const roles = reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
        const isPublic = reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets);
        if (!isPublic && !(roles && roles.length > 0 && roles.every((r) => ROLES.includes(r)))) undeclared.push(`${controller.name}.${name}`);
      }
    }
    expect(routes).toBeGreaterThan(5);
    expect(undeclared).toEqual([]);
  });
});
