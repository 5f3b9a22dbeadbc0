// Starts one embedded PostgreSQL for the whole run (unless TEST_DATABASE_URL points at one);
// each test file then creates its own database on it.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) return;
  const { startEmbeddedDatabase } = await import('../../dist/libs/database/src/embedded-database.js');
  const dir = await mkdtemp(path.join(tmpdir(), 'tocsin-test-'));
  const db = await startEmbeddedDatabase({ dir, ephemeral: true });
  globalThis.__TOCSIN_EMBEDDED__ = db;
  process.env.TEST_DATABASE_URL = db.url;
}
