import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freePort } from '#database';

// `npm start` on a fresh machine: embedded PostgreSQL under a data directory, migrations, api + notifier.
const entry = path.resolve('dist/scripts/start.js');
let dataDir: string;
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function startTocsin(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [entry], { env: { ...process.env, ...env, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

async function waitReady(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`start exited early:\n${output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (res.status === 200 && output().includes('waiting for work')) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not ready in time:\n${output()}`);
}

async function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('npm start with no configuration', () => {
  it('runs on an embedded database, prints a bootstrap token once, and keeps data across restarts', async () => {
    expect(existsSync(entry)).toBe(true);
    dataDir = await mkdtemp(path.join(tmpdir(), 'tocsin-start-'));
    const env = { TOCSIN_DATA_DIR: dataDir, PORT: String(await freePort()), TOCSIN_PG_PORT: String(await freePort()) };
    const port = Number(env.PORT);

    const first = await startTocsin(env);
    await waitReady(port, first.child, first.output);
    const token = /\n\s+(tcn_[A-Za-z0-9_-]{43})\n/.exec(first.output())?.[1];
    expect(token).toBeDefined();
    const created = await fetch(`http://127.0.0.1:${port}/v1/incidents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Survives restarts', awareAt: '2026-11-21T10:00:00Z' }),
    });
    expect(created.status).toBe(201);
    expect(await stop(first.child)).toBe(0);

    const second = await startTocsin(env);
    await waitReady(port, second.child, second.output);
    expect(second.output()).not.toMatch(/tcn_[A-Za-z0-9_-]{43}/);
    expect(second.output()).toContain('schema is up to date');
    const list = await fetch(`http://127.0.0.1:${port}/v1/incidents`, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await list.json()) as { items: { title: string }[] };
    expect(body.items.map((i) => i.title)).toEqual(['Survives restarts']);
    expect(await stop(second.child)).toBe(0);
  }, 120_000);
});
