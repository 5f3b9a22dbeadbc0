import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from '@jest/globals';
import pg from 'pg';
import { createDataSource, dropDatabase, ensureDatabase, migrate, withDatabase } from '#database';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) throw new Error('TEST_DATABASE_URL is not set: run the tests through `npm test`');
  const url = withDatabase(server, `tocsin_test_${randomBytes(6).toString('hex')}`);
  await ensureDatabase(url);
  const dataSource = createDataSource(url, 2);
  await dataSource.initialize();
  await migrate(dataSource);
  await dataSource.destroy();
  return { url, drop: () => dropDatabase(url) };
}

/**
 * A database of its own and a connected client for the tests of one file: call at the top level of the file
 * (it registers the beforeAll/afterAll that create, connect, disconnect and drop), read the fields in tests.
 * Other connections a file opens are closed through `beforeDrop` (afterAll hooks run in declaration order,
 * so a file's own afterAll would run after the drop, which terminates them).
 */
export function useTestDatabase(): { readonly url: string; readonly client: pg.Client; beforeDrop(close: () => Promise<unknown>): void } {
  const closers: Array<() => Promise<unknown>> = [];
  const handle = { beforeDrop: (close: () => Promise<unknown>) => void closers.push(close) } as {
    url: string; client: pg.Client; database: TestDatabase; beforeDrop(close: () => Promise<unknown>): void;
  };
  beforeAll(async () => {
    handle.database = await createTestDatabase();
    handle.url = handle.database.url;
    handle.client = new pg.Client({ connectionString: handle.url });
    await handle.client.connect();
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await handle.client?.end();
    await handle.database?.drop();
  });
  return handle;
}
