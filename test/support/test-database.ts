import { randomBytes } from 'node:crypto';
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
