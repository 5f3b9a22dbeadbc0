import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import pg from 'pg';
import { CLOCK, type Clock } from '#records';
import { notifierConfigFromEnv } from '../apps/notifier/src/notifier-config.js';
import { NotifierModule } from '../apps/notifier/src/notifier.module.js';
import { ReportScheduler } from '../apps/notifier/src/scheduler/report-scheduler.js';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { memoryProviders } from './support/notifier-harness.js';

let api: ApiHarness;
let db: pg.Client;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The clock every scheduler instance reads; the test moves it. */
class FakeClock implements Clock {
  constructor(private t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
}

const silent: LoggerService = { log: () => undefined, error: () => undefined, warn: () => undefined, debug: () => undefined, verbose: () => undefined };

async function notifier(clock: FakeClock): Promise<TestingModule> {
  const config = notifierConfigFromEnv({ NOTIFIER_TICK_MS: '1000', NOTIFIER_IDLE_MS: '200' }, api.database.url);
  const moduleRef = await Test.createTestingModule({ imports: [NotifierModule.forRoot(config, { providers: memoryProviders(), env: { REPORT_LEAD_HOURS: '6', REPORT_ALERT_HOURS: '24,4,1' } })] })
    .overrideProvider(CLOCK).useValue(clock)
    .setLogger(silent)
    .compile();
  await moduleRef.init();
  return moduleRef;
}

const HIGH_RISK = {
  dataCategories: ['contact', 'health'], approxRecords: 2000, confidentiality: 'known_recipients', integrity: 'none', availability: 'none', maliciousIntent: false,
  easeOfIdentification: 'maximum', dataUnintelligible: false, backupsAvailable: true, vulnerableSubjects: false, likelyConsequences: 'Discrimination.',
};

async function incidentWith(counts: Record<string, number>, awareAt: string, responder: string): Promise<{ id: string; ref: string }> {
  const res = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'Export leaked', description: 'An export was public.', awareAt });
  const lines = ['externalRef,country,region'];
  for (const [code, n] of Object.entries(counts)) for (let i = 0; i < n; i++) lines.push(`${res.body.ref}-${code}-${i},${code.split('-')[0]},${code.includes('-') ? code : ''}`);
  expect((await api.http.post(`/v1/incidents/${res.body.ref}/subjects/import`).set(auth(responder)).set('Content-Type', 'text/csv').send(lines.join('\n') + '\n')).status).toBe(200);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  expect((await api.http.post(`/v1/incidents/${res.body.ref}/assessments`).set(auth(responder)).send({ ...HIGH_RISK, approxSubjects: total, jurisdictions: Object.keys(counts) })).status).toBe(201);
  return res.body;
}

const q = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;

let main: { id: string; ref: string };
let small: { id: string; ref: string };
const clock = new FakeClock(Date.parse('2026-11-20T08:00:00Z'));
const AWARE = '2026-11-20T08:00:00Z';

async function obligationId(incidentId: string, key: string): Promise<string> {
  return (await q<{ id: string }>('SELECT id FROM obligations WHERE incident_id = $1 AND key = $2', [incidentId, key]))[0]!.id;
}

async function alertsFor(obligation: string): Promise<string[]> {
  return (await q<{ dedupe_key: string }>(`SELECT dedupe_key FROM alerts WHERE dedupe_key LIKE $1 ORDER BY id`, [`deadline:${obligation}:%`])).map((r) => r.dedupe_key.split(':').pop()!);
}

async function drafts(incidentId: string): Promise<string[]> {
  return (await q<{ notification_id: string; phase: string }>(`SELECT notification_id, phase FROM reports WHERE incident_id = $1 ORDER BY notification_id, phase`, [incidentId])).map((r) => `${r.notification_id}:${r.phase}`);
}

beforeAll(async () => {
  api = await startApi();
  db = new pg.Client({ connectionString: api.database.url });
  await db.connect();
  const admin = api.adminToken;
  const responder = await api.token('responder');
  expect((await api.http.put('/v1/organisation').set(auth(admin)).send({ version: 0, name: 'Example Health', timeZone: 'Europe/Berlin', cnOperatorType: 'other', hipaaCoveredEntity: true })).status).toBe(200);
  // The incident of the brief: DE, FR, US-CA (600), US-TX, CN; high risk; ¥6 m loss makes the CAC report due 4 h after discovery.
  main = await incidentWith({ DE: 5, FR: 5, 'US-CA': 600, 'US-TX': 300, CN: 10 }, AWARE, responder);
  expect((await api.http.put(`/v1/incidents/${main.ref}/clock-facts`).set(auth(responder)).send({ version: 0, discoveredAt: AWARE, cnLossCny: 6_000_000 })).status).toBe(200);
  // A small HIPAA breach (Massachusetts only: no State regime of the catalog), for the annual log.
  small = await incidentWith({ 'US-MA': 12 }, '2026-11-19T10:00:00Z', responder);
});
afterAll(async () => {
  await db?.end();
  await api?.close();
});

describe('report scheduler on a fake clock, two notifier processes', () => {
  let a: TestingModule;
  let b: TestingModule;
  const both = async () => {
    // Each process ticks twice, concurrently: the work must still happen once.
    await Promise.all([a.get(ReportScheduler).tick(), b.get(ReportScheduler).tick(), a.get(ReportScheduler).tick(), b.get(ReportScheduler).tick()]);
    await Promise.all([a.get(ReportScheduler).tick(), b.get(ReportScheduler).tick()]);
  };

  beforeAll(async () => {
    clock.set(AWARE);
    [a, b] = await Promise.all([notifier(clock), notifier(clock)]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('at awareness: drafts what is due within the lead time or "immediately", and the CAC 4-hour alert', async () => {
    await both();
    expect(await drafts(main.id)).toEqual(['cac_provincial:initial', 'pipl_departments:initial']);
    const cac = await obligationId(main.id, 'cac_provincial:initial');
    expect(await alertsFor(cac)).toEqual(['T-4h']);
    const gdpr = await obligationId(main.id, 'gdpr_sa:initial');
    expect(await alertsFor(gdpr)).toEqual([]);
    const row = (await q<{ severity: string; kind: string; message: string }>(`SELECT severity, kind, message FROM alerts WHERE dedupe_key LIKE $1`, [`deadline:${cac}:%`]))[0]!;
    expect(row).toMatchObject({ kind: 'deadline_near', severity: 'critical' });
    expect(row.message).toBe(`${main.ref}: CN_CAC_2025 cac_provincial (initial) to Provincial CAC (cyberspace administration) is due 2026-11-20T12:00:00.000Z (within 4h).`);
  });

  it('as the clock advances: each threshold alert and each draft once, then the missed alerts', async () => {
    const cac = await obligationId(main.id, 'cac_provincial:initial');
    const gdpr = await obligationId(main.id, 'gdpr_sa:initial');
    for (const t of ['2026-11-20T11:30:00Z', '2026-11-20T13:00:00Z', '2026-11-22T09:00:00Z']) {
      clock.set(t);
      await both();
    }
    expect(await alertsFor(cac)).toEqual(['T-4h', 'T-1h', 'missed']);
    expect(await alertsFor(gdpr)).toEqual(['T-24h']);
    expect(await drafts(main.id)).toEqual(['cac_provincial:initial', 'pipl_departments:initial']);

    clock.set('2026-11-23T03:00:00Z'); // 5 h before the GDPR deadline: within the 6 h lead
    await both();
    expect(await drafts(main.id)).toEqual(['cac_provincial:initial', 'gdpr_sa:initial', 'pipl_departments:initial']);
    expect(await alertsFor(gdpr)).toEqual(['T-24h']);
    for (const t of ['2026-11-23T07:30:00Z', '2026-11-24T00:00:00Z']) {
      clock.set(t);
      await both();
    }
    expect(await alertsFor(gdpr)).toEqual(['T-24h', 'T-1h', 'missed']);
  });

  it('did every piece of work exactly once, each with its audit event and job-run row', async () => {
    const series = await q<{ series_key: string; n: number }>('SELECT series_key, count(*)::int AS n FROM reports GROUP BY 1 HAVING count(*) > 1');
    expect(series).toEqual([]);
    const reports = await q<{ n: number }>(`SELECT count(*)::int AS n FROM reports`);
    const alerts = await q<{ n: number }>(`SELECT count(*)::int AS n FROM alerts WHERE kind LIKE 'deadline_%'`);
    expect(reports[0]!.n).toBe(3);
    expect(alerts[0]!.n).toBe(6);
    expect((await q(`SELECT 1 FROM audit_events WHERE action = 'report.draft_generated' AND actor_id = 'system'`)).length).toBe(3);
    expect((await q(`SELECT 1 FROM audit_events WHERE action = 'alert.raised'`)).length).toBe(6);
    expect((await q(`SELECT 1 FROM scheduler_job_runs WHERE job = 'report_draft'`)).length).toBe(3);
    expect((await q(`SELECT 1 FROM scheduler_job_runs WHERE job = 'deadline_alert'`)).length).toBe(6);
    // Every piece of work was done by one of the two processes (which one is a race: either may win all of it).
    const workers = await q<{ worker_id: string }>('SELECT DISTINCT worker_id FROM scheduler_job_runs');
    expect(workers.length).toBeGreaterThan(0);
    for (const w of workers) expect([a.get(ReportScheduler).workerId, b.get(ReportScheduler).workerId]).toContain(w.worker_id);
    // The drafts carry what the records hold, and flag the rest.
    const cac = (await q<{ missing_fields: string[]; status: string }>(`SELECT missing_fields, status FROM reports WHERE notification_id = 'cac_provincial'`))[0]!;
    expect(cac.status).toBe('draft');
    expect(cac.missing_fields).toEqual(expect.arrayContaining(['unit_and_system', 'time_place_type_grade_impact_measures']));
  });
});

describe('after downtime', () => {
  it('a fresh notifier catches up on start with what fell due meanwhile, once, and makes the year’s HIPAA log when the year has ended', async () => {
    clock.set('2026-12-20T20:00:00Z'); // Texas AG and California residents: due at the end of 20 December in Berlin
    const c = await notifier(clock); // no tick called: the start does it
    try {
      expect(await drafts(main.id)).toEqual(['cac_provincial:initial', 'gdpr_sa:initial', 'pipl_departments:initial', 'tx_ag:initial']);
      expect(await alertsFor(await obligationId(main.id, 'tx_ag:initial'))).toEqual(['T-4h']);
      expect(await alertsFor(await obligationId(main.id, 'ca_residents:initial'))).toEqual(['T-4h']);
      expect((await q(`SELECT 1 FROM reports WHERE kind = 'hipaa_annual_log'`)).length).toBe(0);

      clock.set('2026-12-31T23:30:00Z'); // 00:30 on 1 January in Berlin: 2026 has ended there
      const d = await notifier(clock);
      try {
        await Promise.all([c.get(ReportScheduler).tick(), d.get(ReportScheduler).tick()]);
        const logs = await q<{ period_key: string; document: { entries: { incident: { id: string } }[] } }>(`SELECT period_key, document FROM reports WHERE kind = 'hipaa_annual_log'`);
        expect(logs).toHaveLength(1);
        expect(logs[0]!.period_key).toBe('2026');
        expect(logs[0]!.document.entries.map((e) => e.incident.id)).toEqual([small.id]);
        // Missed while down: one alert each, not one per threshold skipped.
        expect(await alertsFor(await obligationId(main.id, 'tx_ag:initial'))).toEqual(['T-4h', 'missed']);
      } finally {
        await d.close();
      }
    } finally {
      await c.close();
    }
  });
});
