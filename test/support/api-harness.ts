import { Writable } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { Role } from '#domain';
import { createPinoLogger, StructuredLogger } from '#observability';
import { TokenService } from '../../apps/api/src/access/token.service.js';
import { createApiApp } from '../../apps/api/src/api-app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface ApiHarness {
  app: NestExpressApplication;
  http: ReturnType<typeof request>;
  database: TestDatabase;
  adminToken: string;
  /** Every log line the api wrote, to prove no contact data leaks into logs. */
  logs: string[];
  /** The api's logger (pass it to a notifier started in the same test so the api keeps logging). */
  logger: StructuredLogger;
  token(role: Role): Promise<string>;
  close(): Promise<void>;
}

/** The real api on a real database of its own, driven over HTTP in-process. */
export async function startApi(): Promise<ApiHarness> {
  const database = await createTestDatabase();
  const logs: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { logs.push(String(chunk)); cb(); } });
  const logger = new StructuredLogger(createPinoLogger('api', sink));
  const adminToken = 'tcn_test_admin_' + Math.random().toString(36).slice(2);
  const app = await createApiApp({ databaseUrl: database.url, port: 0, adminToken, jsonBodyLimit: '1mb' }, logger);
  await app.init();
  await app.get(TokenService).bootstrapAdmin(adminToken);
  const http = request(app.getHttpServer());
  const tokens = new Map<Role, string>();
  return {
    app,
    http,
    database,
    adminToken,
    logs,
    logger,
    async token(role) {
      if (role === 'admin') return adminToken;
      if (!tokens.has(role)) {
        const res = await http.post('/v1/tokens').set('Authorization', `Bearer ${adminToken}`).send({ name: `test ${role}`, role });
        if (res.status !== 201) throw new Error(`token for ${role}: ${res.status} ${JSON.stringify(res.body)}`);
        tokens.set(role, res.body.token);
      }
      return tokens.get(role)!;
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
