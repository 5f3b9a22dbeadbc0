import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiHarness } from './support/api-harness.js';

// The CLI runs as users run it: the compiled file, in its own process (`npm test` compiles it first).
const CLI = path.resolve('dist/scripts/cli.js');

let api: ApiHarness;
let url: string;
let dir: string;
let responder: string;

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function newIncident(): Promise<string> {
  const res = await api.http.post('/v1/incidents').set('Authorization', `Bearer ${responder}`).send({ title: 'CLI test', awareAt: '2026-11-20T08:00:00Z' });
  return res.body.ref as string;
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test compiles it) before this test`);
  api = await startApi();
  await api.app.listen(0, '127.0.0.1');
  url = (await api.app.getUrl()).replace('[::1]', '127.0.0.1');
  responder = await api.token('responder');
  dir = await mkdtemp(path.join(tmpdir(), 'tocsin-cli-'));
});
afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('tocsin import', () => {
  it('streams a CSV file, shows progress on stderr and prints the summary with the first rejections', async () => {
    const ref = await newIncident();
    const file = path.join(dir, 'subjects.csv');
    const rows = Array.from({ length: 5000 }, (_, i) => `CLI-${i},person${i}@example.com,${i % 1000 === 7 ? 'XX' : 'DE'}`);
    await writeFile(file, ['externalRef,email,country', ...rows].join('\n') + '\n');
    const run = await cli(['import', '--incident', ref, '--file', file, '--url', url], { TOCSIN_TOKEN: responder });
    expect(run.stderr).toContain('uploading');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/import [0-9a-f-]{36}: 5000 rows/);
    expect(run.stdout).toContain('accepted 4995, rejected 5');
    expect(run.stdout).toContain('inserted 4995, updated 0');
    expect(run.stdout).toContain('line 9  country: must be an ISO 3166-1 alpha-2 country code');
    const listed = await api.http.get(`/v1/incidents/${ref}/subjects/summary`).set('Authorization', `Bearer ${responder}`);
    expect(listed.body.total).toBe(4995);
  });

  it('reads NDJSON from the .ndjson extension, takes --token, and supports a dry run', async () => {
    const ref = await newIncident();
    const file = path.join(dir, 'subjects.ndjson');
    await writeFile(file, [{ externalRef: 'N-1', email: 'n1@example.com' }, { externalRef: 'N-2', phone: '+4915123456789' }].map((o) => JSON.stringify(o)).join('\n'));
    const dry = await cli(['import', '--incident', ref, '--file', file, '--url', url, '--token', responder, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run (nothing written): 2 rows');
    expect(dry.stdout).toContain('would insert 2');
    const real = await cli(['import', '--incident', ref, '--file', file, '--url', url, '--token', responder, '--json']);
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({ format: 'ndjson', rowsAccepted: 2, inserted: 2 });
  });

  it('exits non-zero and prints the problem detail when the api refuses the file', async () => {
    const ref = await newIncident();
    const file = path.join(dir, 'bad.csv');
    await writeFile(file, 'externalRef,shoeSize\nB-1,44\n');
    const run = await cli(['import', '--incident', ref, '--file', file, '--url', url], { TOCSIN_TOKEN: responder });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: 400');
    expect(run.stderr).toContain('columns[1]: "shoeSize" is not a known column');
  });

  it('exits non-zero on a bad token and on an unknown incident', async () => {
    const file = path.join(dir, 'one.csv');
    await writeFile(file, 'externalRef\nO-1\n');
    const unauthenticated = await cli(['import', '--incident', await newIncident(), '--file', file, '--url', url], { TOCSIN_TOKEN: 'tcn_wrong' });
    expect(unauthenticated.code).toBe(1);
    expect(unauthenticated.stderr).toContain('error: 401');
    const missing = await cli(['import', '--incident', 'INC-2026-9999', '--file', file, '--url', url], { TOCSIN_TOKEN: responder });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error: 404');
  });

  it('refuses wrong usage with exit code 2', async () => {
    const noToken = await cli(['import', '--incident', 'INC-2026-0001', '--file', path.join(dir, 'x.csv')]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('TOCSIN_TOKEN');
    const badExtension = await cli(['import', '--incident', 'INC-2026-0001', '--file', path.join(dir, 'x.txt'), '--token', 't']);
    expect(badExtension.code).toBe(2);
    expect(badExtension.stderr).toContain('--format');
  });
});
