/**
 * Affected-subject import benchmark: `npm run bench:import -- --rows 1000000 [--repeat 3]`.
 *
 * In one run, against one PostgreSQL: (1) the floor, a raw `COPY … (FORMAT csv)` of the generated file into a
 * bare table without indexes; (2) the api, running as its own process, importing the same file through
 * `POST /v1/incidents/:incident/subjects/import` (parse, validate, COPY into the table or staging + upsert, rejections,
 * audit). Prints rows, seconds and rows/s of both, the ratio api/floor and the api's peak RSS, sampled from
 * /proc every 100 ms, and the CPU seconds the api and PostgreSQL spent on each side (from /proc: where the time
 * goes). Goal: api within 3x the floor, RSS under 256 MB and flat as rows grow.
 *
 * Without BENCH_DATABASE_URL it starts an embedded PostgreSQL in a temporary directory and removes it after.
 * BENCH_API_NODE_ARGS passes node flags to the api (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"); BENCH_WAIT_SAMPLES=1
 * samples what the api's database session waits for during the import.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createDataSource, ensureDatabase, freePort, migrate, startEmbeddedDatabase, withDatabase, type EmbeddedDatabase } from '#database';
import { cpuOf, postgresCpu } from './support/cpu.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '1' },
    'keep-file': { type: 'boolean', default: false },
  },
});
const ROWS = Number(values.rows);
const REPEAT = Number(values.repeat);
if (!Number.isInteger(ROWS) || ROWS < 1 || !Number.isInteger(REPEAT) || REPEAT < 1) {
  console.error('usage: npm run bench:import -- --rows N [--repeat K]');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------------------
// Realistic rows, deterministic (a seeded generator), written as a stream: the file is never held in memory.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Anna', 'Ben', 'Chloé', 'David', 'Elif', 'Farid', 'Greta', 'Hiro', 'Ines', 'Jonas', 'Kofi', 'Lena', 'Marta', 'Noah', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sven', 'Zoë'];
const LAST = ['Müller', 'Smith', 'García', 'Rossi', 'Dubois', 'Kowalski', 'Jensen', 'Novak', 'Silva', 'Yılmaz', "O'Brien", 'Schmidt'];
const DOMAINS = ['example.com', 'Mail.Example.org', 'example.net', 'post.example.de'];
// Country, a few of its subdivisions, its language, and a valid mobile prefix (E.164) with the digits to add.
const PLACES: { country: string; regions: string[]; language: string; prefix: string; digits: number; city: string }[] = [
  { country: 'DE', regions: ['DE-BE', 'DE-BY', 'DE-HH', 'DE-NW'], language: 'de', prefix: '+49151', digits: 8, city: '10115 Berlin' },
  { country: 'US', regions: ['US-CA', 'US-NY', 'US-TX', 'US-WA'], language: 'en-US', prefix: '+1415555', digits: 4, city: 'San Francisco, CA 94103' },
  { country: 'FR', regions: ['FR-IDF', 'FR-ARA', 'FR-OCC'], language: 'fr', prefix: '+3361', digits: 7, city: '75001 Paris' },
  { country: 'GB', regions: ['GB-LND', 'GB-MAN', 'GB-EDH'], language: 'en-GB', prefix: '+44740', digits: 7, city: 'London SW1A 1AA' },
  { country: 'ES', regions: ['ES-MD', 'ES-CT', 'ES-AN'], language: 'es', prefix: '+346', digits: 8, city: '28001 Madrid' },
  { country: 'IT', regions: ['IT-RM', 'IT-MI'], language: 'it', prefix: '+39347', digits: 7, city: '00118 Roma' },
  { country: 'BR', regions: ['BR-SP', 'BR-RJ'], language: 'pt-BR', prefix: '+55119', digits: 8, city: 'São Paulo - SP' },
];
const CATEGORIES = ['contact', 'identity', 'financial', 'credentials', 'health', 'location'];

function digits(next: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(next() * 10);
  return s;
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

async function generateCsv(file: string, rows: number): Promise<void> {
  const next = rng(42);
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('external_ref,name,email,phone,push_tokens,postal_address,country,region,language,is_minor,guardian_name,guardian_email,guardian_phone,data_categories\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const p = PLACES[Math.floor(next() * PLACES.length)]!;
    const first = FIRST[Math.floor(next() * FIRST.length)]!;
    const last = LAST[Math.floor(next() * LAST.length)]!;
    const minor = next() < 0.05;
    const hasEmail = next() < 0.85;
    const hasPhone = next() < 0.6;
    const hasPush = next() < 0.3;
    const hasPostal = next() < 0.5;
    const local = `${first}.${last}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '');
    const cats = CATEGORIES.filter(() => next() < 0.3).join('|') || 'contact';
    const fields = [
      `CUST-${String(i).padStart(9, '0')}`,
      `${first} ${last}`,
      hasEmail ? `${local}${i}@${DOMAINS[i % DOMAINS.length]}` : '',
      hasPhone ? p.prefix + digits(next, p.digits) : '',
      hasPush ? `fcm:${randomToken(next)}|apns:${randomToken(next)}` : '',
      hasPostal ? `${1 + Math.floor(next() * 200)} ${last}straße|${p.city}` : '',
      p.country,
      p.regions[Math.floor(next() * p.regions.length)]!,
      p.language,
      minor ? 'yes' : 'no',
      minor ? `Parent of ${first}` : '',
      minor ? `parent${i}@${DOMAINS[(i + 1) % DOMAINS.length]}` : '',
      minor && next() < 0.5 ? p.prefix + digits(next, p.digits) : '',
      cats,
    ];
    chunk += fields.map(csvField).join(',') + '\n';
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

function randomToken(next: () => number): string {
  let s = '';
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  for (let i = 0; i < 40; i++) s += abc[Math.floor(next() * abc.length)];
  return s;
}

// ---------------------------------------------------------------------------------------------------------

async function floorCopy(url: string, file: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS bench_floor;
      CREATE TABLE bench_floor (external_ref text, name text, email text, phone text, push_tokens text, postal_address text,
        country text, region text, language text, is_minor text, guardian_name text, guardian_email text, guardian_phone text, data_categories text)`);
    const started = performance.now();
    await pipeline(createReadStream(file, { highWaterMark: 256 * 1024 }), client.query(copyFrom('COPY bench_floor FROM STDIN (FORMAT csv, HEADER true)')));
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await client.query('SELECT count(*)::int AS n FROM bench_floor');
    if (rows[0].n !== ROWS) throw new Error(`floor copied ${rows[0].n} rows, expected ${ROWS}`);
    await client.query('DROP TABLE bench_floor');
    return seconds;
  } finally {
    await client.end();
  }
}

interface CpuSplit {
  api: number;
  postgres: number;
}

async function cpuSnapshot(apiPid: number): Promise<CpuSplit> {
  return { api: await cpuOf(apiPid), postgres: await postgresCpu(dbDir) };
}
const cpuDelta = (a: CpuSplit, b: CpuSplit): CpuSplit => ({ api: b.api - a.api, postgres: b.postgres - a.postgres });

interface ApiProcess {
  child: ChildProcess;
  port: number;
  token: string;
  stderr: string[];
  /** The api's own account of each import (counts and phase durations), from its log. */
  imports: { batches: number; batchesCopied?: number; ms: { total: number; copyTail: number; upsert: number } }[];
}

async function startApiProcess(databaseUrl: string): Promise<ApiProcess> {
  const port = await freePort();
  const token = 'tcn_bench_' + randomBytes(16).toString('hex');
  const stderr: string[] = [];
  // BENCH_API_NODE_ARGS: extra node flags for the api, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'dist/apps/api/src/main.js')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), TOCSIN_ADMIN_TOKEN: token, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const imports: ApiProcess['imports'] = [];
  let partial = '';
  child.stdout!.on('data', (d) => {
    const lines = (partial + String(d)).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (process.env.BENCH_API_LOGS) process.stdout.write(line + '\n');
      if (line.includes('"subjects imported"')) imports.push((JSON.parse(line) as { data: ApiProcess['imports'][number] }).data);
    }
  });
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`api exited (${child.exitCode}): ${stderr.join('')}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/live`);
      if (res.ok) return { child, port, token, stderr, imports };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('api did not start within 20 s');
}

async function memory(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/**
 * BENCH_WAIT_SAMPLES=1: while the api imports, what its database session is doing, sampled from
 * pg_stat_activity every few milliseconds (on CPU, waiting for the api's data, for I/O, …).
 */
function sampleWaits(databaseUrl: string): { stop(): Promise<Record<string, number>> } {
  if (!process.env.BENCH_WAIT_SAMPLES) return { stop: async () => ({}) };
  const client = new pg.Client({ connectionString: databaseUrl });
  const counts: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ state: string; wait: string | null }>(
        `SELECT state, wait_event_type || '/' || wait_event AS wait FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'`);
      for (const r of rows) counts[`${r.state} ${r.wait ?? 'CPU'}`] = (counts[`${r.state} ${r.wait ?? 'CPU'}`] ?? 0) + 1;
      await new Promise((r) => setTimeout(r, 2));
    }
    await client.end();
  })();
  return { stop: async () => { running = false; await loop; return counts; } };
}

async function apiImport(api: ApiProcess, file: string, databaseUrl: string): Promise<{ seconds: number; peakRss: number; hwm: number; baseRss: number; body: Record<string, unknown> }> {
  const base = `http://127.0.0.1:${api.port}`;
  const headers = { Authorization: `Bearer ${api.token}`, 'Content-Type': 'application/json' };
  const incident = await (await fetch(`${base}/v1/incidents`, { method: 'POST', headers, body: JSON.stringify({ title: 'Benchmark', awareAt: new Date().toISOString() }) })).json() as { ref: string };
  const baseRss = (await memory(api.child.pid!)).rss;
  let peakRss = baseRss;
  const sampler = setInterval(() => {
    memory(api.child.pid!).then((m) => (peakRss = Math.max(peakRss, m.rss)), () => undefined);
  }, 100);
  const size = (await stat(file)).size;
  const waits = sampleWaits(databaseUrl);
  const started = performance.now();
  try {
    const body = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = http.request(`${base}/v1/incidents/${incident.ref}/subjects/import`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${api.token}`, 'Content-Type': 'text/csv', 'Content-Length': size },
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`import answered ${res.statusCode}: ${text.slice(0, 500)}`))));
      });
      req.on('error', reject);
      pipeline(createReadStream(file, { highWaterMark: 256 * 1024 }), req).catch(reject);
    });
    const seconds = (performance.now() - started) / 1000;
    const sampled = await waits.stop();
    if (process.env.BENCH_WAIT_SAMPLES) {
      const total = Object.values(sampled).reduce((a, b) => a + b, 0);
      console.log(`  the api's database session (${total} samples): ${Object.entries(sampled).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${Math.round((100 * n) / total)}%`).join(', ')}`);
    }
    const m = await memory(api.child.pid!);
    return { seconds, peakRss: Math.max(peakRss, m.rss), hwm: m.hwm, baseRss, body };
  } finally {
    clearInterval(sampler);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// ---------------------------------------------------------------------------------------------------------

const work = await mkdtemp(path.join(tmpdir(), 'tocsin-bench-'));
let embedded: EmbeddedDatabase | undefined;
let dbDir: string | undefined;
let api: ApiProcess | undefined;
try {
  let server = process.env.BENCH_DATABASE_URL;
  if (!server) {
    // Its own temporary directory: the embedded server hands it to the postgres user when run as root.
    dbDir = await mkdtemp(path.join(tmpdir(), 'tocsin-bench-db-'));
    embedded = await startEmbeddedDatabase({ dir: dbDir });
    server = embedded.url;
  }
  const databaseUrl = withDatabase(server, `tocsin_bench_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(databaseUrl);
  const dataSource = createDataSource(databaseUrl, 2);
  await dataSource.initialize();
  await migrate(dataSource);
  await dataSource.destroy();

  const file = path.join(work, 'subjects.csv');
  const genStarted = performance.now();
  await generateCsv(file, ROWS);
  const size = (await stat(file)).size;
  console.log(`generated ${ROWS.toLocaleString('en')} rows (${(size / 1024 / 1024).toFixed(1)} MB) in ${((performance.now() - genStarted) / 1000).toFixed(1)} s`);

  api = await startApiProcess(databaseUrl);
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const floors: number[] = [];
  const apis: number[] = [];
  const peaks: number[] = [];
  const apiCpus: number[] = [];
  const pgCpus: number[] = [];
  for (let run = 1; run <= REPEAT; run++) {
    // Each run starts from empty tables, so every run inserts the same rows (none are updates).
    await admin.query('TRUNCATE affected_subjects, subject_import_rejections, subject_imports CASCADE');
    await admin.query('VACUUM ANALYZE affected_subjects');
    const c0 = await cpuSnapshot(api.child.pid!);
    const floor = await floorCopy(databaseUrl, file);
    const c1 = await cpuSnapshot(api.child.pid!);
    const result = await apiImport(api, file, databaseUrl);
    const c2 = await cpuSnapshot(api.child.pid!);
    const floorCpu = cpuDelta(c0, c1);
    const apiCpu = cpuDelta(c1, c2);
    if (result.body.rowsTotal !== ROWS) throw new Error(`api saw ${String(result.body.rowsTotal)} rows, expected ${ROWS}`);
    const phases = api.imports[api.imports.length - 1];
    if (phases) console.log(`  api phases: ${phases.batches} COPY statements (${phases.batchesCopied ?? 0} straight into the table), streamed while the upload is read; upserts ${(phases.ms.upsert / 1000).toFixed(2)} s; the database finished ${(phases.ms.copyTail / 1000).toFixed(2)} s after the last row was read`);
    console.log(`  CPU s: floor: postgres ${floorCpu.postgres.toFixed(2)} | api import: api ${apiCpu.api.toFixed(2)}, postgres ${apiCpu.postgres.toFixed(2)} (incl. the incident's creation)`);
    floors.push(floor);
    apis.push(result.seconds);
    apiCpus.push(apiCpu.api);
    pgCpus.push(apiCpu.postgres);
    peaks.push(result.peakRss);
    console.log(`run ${run}/${REPEAT}: floor ${floor.toFixed(2)} s (${Math.round(ROWS / floor).toLocaleString('en')} rows/s) | api ${result.seconds.toFixed(2)} s (${Math.round(ROWS / result.seconds).toLocaleString('en')} rows/s), accepted ${String(result.body.rowsAccepted)}, rejected ${String(result.body.rowsRejected)}, inserted ${String(result.body.inserted)} | ratio ${(result.seconds / floor).toFixed(2)} | api RSS ${result.baseRss.toFixed(0)} MB before, peak ${result.peakRss.toFixed(0)} MB (VmHWM ${result.hwm.toFixed(0)} MB)`);
  }
  await admin.end();

  const floor = median(floors);
  const apiSeconds = median(apis);
  const peak = Math.max(...peaks);
  console.log('');
  console.log(`subject import, ${ROWS.toLocaleString('en')} rows, ${REPEAT === 1 ? '1 run' : `median of ${REPEAT} runs`}`);
  console.log(`  floor (raw COPY, bare table, no indexes): ${floor.toFixed(2)} s  ${Math.round(ROWS / floor).toLocaleString('en')} rows/s`);
  console.log(`  api   (HTTP → parse → validate → COPY → upsert): ${apiSeconds.toFixed(2)} s  ${Math.round(ROWS / apiSeconds).toLocaleString('en')} rows/s`);
  // Each run pairs a floor with an import measured right after it, under the same conditions: on this noisy
  // machine the median of those paired ratios is the steadier figure; the ratio of the medians is shown too.
  const ratios = apis.map((a, i) => a / floors[i]!);
  console.log(`  ratio api/floor: ${median(ratios).toFixed(2)} (median of the runs' ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}; goal ≤ 3); ratio of the medians ${(apiSeconds / floor).toFixed(2)}`);
  console.log(`  api peak RSS: ${peak.toFixed(0)} MB (goal < 256 MB)`);
  console.log(`  CPU of the api import: api process ${median(apiCpus).toFixed(2)} s, PostgreSQL ${median(pgCpus).toFixed(2)} s (medians)`);
} finally {
  if (api) {
    api.child.kill('SIGTERM');
    await new Promise((r) => (api!.child.exitCode !== null ? r(undefined) : api!.child.once('exit', r)));
  }
  await embedded?.stop();
  if (dbDir) await rm(dbDir, { recursive: true, force: true });
  if (!values['keep-file']) await rm(work, { recursive: true, force: true });
}
