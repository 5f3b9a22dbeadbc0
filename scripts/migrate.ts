/** Applies pending migrations to DATABASE_URL (production deploys run this before starting the api). */
import { createDataSource, migrate } from '#database';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
const dataSource = createDataSource(url, 2);
await dataSource.initialize();
const applied = await migrate(dataSource);
await dataSource.destroy();
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
