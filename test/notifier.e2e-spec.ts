import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { notifierConfigFromEnv } from '../apps/notifier/src/notifier-config.js';
import { NotifierModule } from '../apps/notifier/src/notifier.module.js';
import { WorkerPresence } from '../apps/notifier/src/worker-presence.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

describe('notifier process', () => {
  it('connects, registers itself, beats, and signs off on shutdown', async () => {
    const app = await NestFactory.createApplicationContext(NotifierModule.forRoot(notifierConfigFromEnv({}, database.url), { env: {} }), { logger: false, abortOnError: false });
    await app.init();
    const id = app.get(WorkerPresence).id;
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const started = await client.query('SELECT pid, heartbeat_at, stopped_at FROM notifier_workers WHERE id = $1', [id]);
      expect(started.rows).toHaveLength(1);
      expect(started.rows[0].pid).toBe(process.pid);
      expect(started.rows[0].stopped_at).toBeNull();

      await new Promise((r) => setTimeout(r, 20));
      await app.get(WorkerPresence).heartbeat();
      const beat = await client.query('SELECT heartbeat_at FROM notifier_workers WHERE id = $1', [id]);
      expect(beat.rows[0].heartbeat_at.getTime()).toBeGreaterThan(started.rows[0].heartbeat_at.getTime());

      await app.close();
      const stopped = await client.query('SELECT stopped_at FROM notifier_workers WHERE id = $1', [id]);
      expect(stopped.rows[0].stopped_at).not.toBeNull();
    } finally {
      await client.end();
    }
  });
});
