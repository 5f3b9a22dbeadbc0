import pg from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import { migrations } from '../../../migrations/index.js';

// int8 counts and ids fit in a double for every volume Tocsin targets (< 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Anything that runs SQL: the database itself or one transaction. */
export interface Sql {
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** The first row, or undefined. */
  one<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T | undefined>;
}

export interface Tx extends Sql {
  /** The raw `pg` client of this transaction, for COPY streams. */
  readonly client: pg.PoolClient;
  /**
   * Rows as arrays of column values, in the order selected. For hot statements that return thousands of rows:
   * the driver builds each row object from a null-prototype template, which V8 keeps in dictionary mode, so
   * every later read of a field is a hash lookup; the caller builds ordinary objects from the arrays instead.
   */
  tuples<T extends unknown[]>(sql: string, params?: unknown[]): Promise<T[]>;
}

class RunnerSql implements Tx {
  constructor(private readonly runner: QueryRunner) {}
  async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.runner.query(sql, params, true);
    return result.records as T[];
  }
  async one<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, params))[0];
  }
  get client(): pg.PoolClient {
    return (this.runner as unknown as { databaseConnection: pg.PoolClient }).databaseConnection;
  }
  async tuples<T extends unknown[]>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.client.query<T>({ text: sql, values: params, rowMode: 'array' });
    return result.rows;
  }
}

export function createDataSource(url: string, poolSize = 20): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    entities: [],
    extra: { max: poolSize, connectionTimeoutMillis: 10_000 },
    applicationName: 'tocsin',
  });
}

/** The one way services reach PostgreSQL: plain SQL, in or out of a transaction. */
export class Database implements Sql {
  constructor(readonly dataSource: DataSource) {}

  async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await new RunnerSql(runner).rows<T>(sql, params);
    } finally {
      await runner.release();
    }
  }

  async one<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, params))[0];
  }

  /** Rows as arrays of column values (see Tx.tuples). */
  async tuples<T extends unknown[]>(sql: string, params: unknown[] = []): Promise<T[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      return await new RunnerSql(runner).tuples<T>(sql, params);
    } finally {
      await runner.release();
    }
  }

  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const result = await work(new RunnerSql(runner));
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  async ping(): Promise<void> {
    await this.rows('SELECT 1');
  }
}

export async function migrate(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}
