/**
 * The Tocsin command line. `import` streams a file of affected subjects to the api:
 *
 *   npm run cli -- import --incident INC-2026-0001 --file subjects.csv [--dry-run]
 *
 * The file is read in chunks and sent as it is read (never loaded whole); a progress bar on stderr shows the
 * bytes sent, the rate and the time left. The summary and the first rejections go to stdout. Exit codes:
 * 0 done, 1 the api refused the request (its problem detail is printed), 2 wrong usage or no connection.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';

const USAGE = `usage: tocsin import --incident <INC-YYYY-NNNN|uuid> --file <subjects.csv|.ndjson|.jsonl>
         [--format csv|ndjson] [--dry-run] [--url http://127.0.0.1:3000] [--token <api token>] [--json] [--show N]

  --url      the api (default: $TOCSIN_URL or http://127.0.0.1:3000)
  --token    an api token of an admin or responder (default: $TOCSIN_TOKEN)
  --format   csv or ndjson (default: from the file extension)
  --dry-run  validate and report without writing anything
  --json     print the api's answer as JSON instead of the summary
  --show     how many rejections to print (default 20)`;

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson' } as const;
type Format = keyof typeof CONTENT_TYPES;

class UsageError extends Error {}

interface Rejection {
  line: number;
  field: string;
  reason: string;
}

interface ImportAnswer {
  importId: string | null;
  dryRun: boolean;
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  inserted: number;
  updated: number;
  duplicates?: number;
  rejectionsTotal?: number;
  rejections: Rejection[];
  rejectionsUrl?: string;
}

interface ProblemAnswer {
  title?: string;
  status?: number;
  detail?: string;
  errors?: { field: string; reason: string }[];
}

function formatFor(file: string, given: string | undefined): Format {
  if (given) {
    if (given === 'csv' || given === 'ndjson') return given;
    if (given === 'jsonl') return 'ndjson';
    throw new UsageError(`--format must be csv or ndjson, not "${given}"`);
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  throw new UsageError(`cannot tell the format from "${ext || 'no extension'}": name the file .csv, .ndjson or .jsonl, or pass --format`);
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

async function importCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      incident: { type: 'string' },
      file: { type: 'string' },
      format: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      show: { type: 'string', default: '20' },
    },
    strict: true,
  });
  if (!values.incident) throw new UsageError('--incident is required');
  if (!values.file) throw new UsageError('--file is required');
  const token = values.token ?? process.env.TOCSIN_TOKEN;
  if (!token) throw new UsageError('no api token: set TOCSIN_TOKEN or pass --token');
  const format = formatFor(values.file, values.format);
  const show = Number(values.show);
  if (!Number.isInteger(show) || show < 0) throw new UsageError('--show must be a whole number');
  const base = (values.url ?? process.env.TOCSIN_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const size = (await stat(values.file)).size;

  const url = `${base}/v1/incidents/${encodeURIComponent(values.incident)}/subjects/import${values['dry-run'] ? '?dryRun=true' : ''}`;
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'uploading |{bar}| {percentage}% | {sent}/{size} MB | {rate} MB/s | ETA {eta_formatted}',
    hideCursor: true,
    barsize: 30,
    etaBuffer: 50,
    fps: 5,
    noTTYOutput: true,
    notTTYSchedule: 2000,
  }, cliProgress.Presets.shades_classic);
  const started = Date.now();
  let sent = 0;
  bar.start(size, 0, { sent: '0.0', size: megabytes(size), rate: '0.0' });
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      bar.update(sent, { sent: megabytes(sent), rate: megabytes(sent / seconds) });
      done(null, chunk);
    },
  });
  const file = createReadStream(values.file, { highWaterMark: 256 * 1024 });
  file.on('error', (e) => counter.destroy(e));
  const body = Readable.toWeb(file.pipe(counter)) as ReadableStream<Uint8Array>;

  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': CONTENT_TYPES[format], Accept: 'application/json, application/problem+json' },
      body,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
  } catch (error) {
    bar.stop();
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    process.stderr.write(`error: cannot reach ${base}: ${cause ?? (error as Error).message}\n`);
    return 2;
  }
  bar.update(sent, { sent: megabytes(sent), rate: megabytes(sent / Math.max((Date.now() - started) / 1000, 0.001)) });
  bar.stop();

  const text = await response.text();
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  if (!response.ok) {
    const problem = (answer ?? {}) as ProblemAnswer;
    process.stderr.write(`error: ${response.status} ${problem.title ?? response.statusText}${problem.detail ? `: ${problem.detail}` : ''}\n`);
    for (const e of problem.errors ?? []) process.stderr.write(`  ${e.field}: ${e.reason}\n`);
    return 1;
  }
  const result = answer as ImportAnswer;
  if (values.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  const seconds = (Date.now() - started) / 1000;
  const out: string[] = [];
  out.push(`${result.dryRun ? 'dry run (nothing written)' : `import ${result.importId}`}: ${result.rowsTotal} rows in ${seconds.toFixed(1)} s`);
  out.push(`  accepted ${result.rowsAccepted}, rejected ${result.rowsRejected}`);
  out.push(`  ${result.dryRun ? 'would insert' : 'inserted'} ${result.inserted}, ${result.dryRun ? 'would update' : 'updated'} ${result.updated}${result.duplicates ? `, ${result.duplicates} repeated references (the last line won)` : ''}`);
  if (result.rejections.length > 0 && show > 0) {
    const total = result.rejectionsTotal ?? result.rejections.length;
    out.push(`rejections (first ${Math.min(show, result.rejections.length)} of ${total}):`);
    for (const r of result.rejections.slice(0, show)) out.push(`  line ${r.line}  ${r.field}: ${r.reason}`);
  }
  if (result.rejectionsUrl) out.push(`all rejections: ${base}${result.rejectionsUrl}`);
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'import') return await importCommand(rest);
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${(error as Error).message}\n${USAGE}\n`);
      return 2;
    }
    if ((error as { code?: string }).code === 'ENOENT') {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
