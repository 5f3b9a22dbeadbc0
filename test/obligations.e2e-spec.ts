import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startApi, type ApiHarness } from './support/api-harness.js';

let api: ApiHarness;
let admin: string;
let responder: string;
let viewer: string;
let db: pg.Client;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Health data, maximum identifiability: 4 × 1 + 0.25 = 4.25, very high, a high risk. */
const HIGH_RISK = {
  dataCategories: ['contact', 'health'],
  approxSubjects: 920,
  approxRecords: 2000,
  jurisdictions: ['DE', 'FR', 'US-CA', 'US-TX', 'CN'],
  confidentiality: 'known_recipients',
  integrity: 'none',
  availability: 'none',
  maliciousIntent: false,
  easeOfIdentification: 'maximum',
  dataUnintelligible: false,
  backupsAvailable: true,
  vulnerableSubjects: false,
  likelyConsequences: 'Patients may face discrimination if their conditions become known.',
};

const ORGANISATION = {
  name: 'Example Health GmbH',
  timeZone: 'Europe/Berlin',
  holidays: ['2026-11-11', '2026-12-25'],
  cnOperatorType: 'other',
  listedCompany: true,
  contactPoint: 'Data protection officer, dpo@example.org, +49 30 1234567',
};

/** DE 5, FR 5, US-CA 600, US-TX 300, CN 10. */
function subjectsCsv(): string {
  const lines = ['externalRef,country,region'];
  const add = (n: number, country: string, region = '') => {
    for (let i = 0; i < n; i++) lines.push(`${country}${region}-${i},${country},${region}`);
  };
  add(5, 'DE');
  add(5, 'FR');
  add(600, 'US', 'US-CA');
  add(300, 'US', 'US-TX');
  add(10, 'CN');
  return lines.join('\n') + '\n';
}

async function newIncident(awareAt: string): Promise<{ id: string; ref: string }> {
  const res = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'Clinic export leaked', description: 'An export of appointments was left on a public share.', awareAt });
  expect(res.status).toBe(201);
  return res.body;
}

function item(body: { items: { key: string }[] }, key: string) {
  const found = body.items.find((i) => i.key === key);
  if (!found) throw new Error(`no obligation ${key}; have ${body.items.map((i) => i.key).join(', ')}`);
  return found as Record<string, unknown> & { key: string };
}

async function auditActions(incidentId: string): Promise<string[]> {
  const rows = await db.query('SELECT action FROM audit_events WHERE incident_id = $1 ORDER BY seq', [incidentId]);
  return rows.rows.map((r) => r.action);
}

beforeAll(async () => {
  api = await startApi();
  admin = api.adminToken;
  responder = await api.token('responder');
  viewer = await api.token('viewer');
  db = new pg.Client({ connectionString: api.database.url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await api?.close();
});

describe('organisation profile', () => {
  it('starts unconfigured in UTC, is changed only by an admin, validated and audited', async () => {
    const first = await api.http.get('/v1/organisation').set(auth(viewer));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ configured: false, version: 0, timeZone: 'UTC', holidays: [], listedCompany: false });

    expect((await api.http.put('/v1/organisation').set(auth(responder)).send({ version: 0, timeZone: 'Europe/Berlin' })).status).toBe(403);

    const bad = await api.http.put('/v1/organisation').set(auth(admin)).send({ version: 0, timeZone: 'Europe/Atlantis', holidays: ['2026-11-11', '2026-02-30'], nis2Entity: 'huge' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['holidays', 'nis2Entity', 'timeZone']);
    expect(bad.body.errors.find((e: { field: string }) => e.field === 'holidays').reason).toMatch(/entry 1/);

    const saved = await api.http.put('/v1/organisation').set(auth(admin)).send({ version: 0, ...ORGANISATION });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ configured: true, version: 1, timeZone: 'Europe/Berlin', holidays: ['2026-11-11', '2026-12-25'], cnOperatorType: 'other', listedCompany: true, hipaaCoveredEntity: false });

    const stale = await api.http.put('/v1/organisation').set(auth(admin)).send({ version: 0, timeZone: 'UTC' });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(1);
    expect((await api.http.get('/v1/organisation').set(auth(viewer))).body.timeZone).toBe('Europe/Berlin');

    const audit = await db.query(`SELECT before, after FROM audit_events WHERE action = 'organisation.updated'`);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].before).toBeNull();
    expect(audit.rows[0].after.timeZone).toBe('Europe/Berlin');
  });
});

describe('clock facts', () => {
  it('are replaced as a whole, validated (no future times) and audited', async () => {
    const incident = await newIncident('2026-11-10T09:00:00Z');
    const empty = await api.http.get(`/v1/incidents/${incident.ref}/clock-facts`).set(auth(viewer));
    expect(empty.body).toMatchObject({ version: 0, discoveredAt: null, cnLossCny: null });

    expect((await api.http.put(`/v1/incidents/${incident.ref}/clock-facts`).set(auth(viewer)).send({ version: 0 })).status).toBe(403);
    const future = await api.http.put(`/v1/incidents/${incident.ref}/clock-facts`).set(auth(responder)).send({ version: 0, handledAt: '2099-01-01T00:00:00Z', cnGradeOtherAxes: 'enormous', cnLossCny: -1 });
    expect(future.status).toBe(400);
    expect(future.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['cnGradeOtherAxes', 'cnLossCny']);
    const futureOnly = await api.http.put(`/v1/incidents/${incident.ref}/clock-facts`).set(auth(responder)).send({ version: 0, handledAt: '2099-01-01T00:00:00Z' });
    expect(futureOnly.status).toBe(400);
    expect(futureOnly.body.errors).toEqual([{ field: 'handledAt', reason: 'must not be in the future' }]);

    const saved = await api.http.put(`/v1/incidents/${incident.ref}/clock-facts`).set(auth(responder)).send({ version: 0, discoveredAt: '2026-11-10T07:00:00Z', nis2Significant: false, cnLossCny: 1234.5 });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ version: 1, discoveredAt: '2026-11-10T07:00:00.000Z', nis2Significant: false, cnLossCny: 1234.5, classifiedMajorAt: null });
    const cleared = await api.http.put(`/v1/incidents/${incident.ref}/clock-facts`).set(auth(responder)).send({ version: 1 });
    expect(cleared.body).toMatchObject({ version: 2, discoveredAt: null, nis2Significant: null });
    expect((await api.http.put(`/v1/incidents/${incident.ref}/clock-facts`).set(auth(responder)).send({ version: 1 })).status).toBe(409);
    expect((await auditActions(incident.id)).filter((a) => a === 'incident.clock_facts_updated')).toHaveLength(2);
  });
});

describe('obligations', () => {
  let incident: { id: string; ref: string };

  beforeAll(async () => {
    // Monday 2 November 2026, 09:00 in Berlin; discovered the evening before.
    incident = await newIncident('2026-11-02T08:00:00Z');
    const imported = await api.http.post(`/v1/incidents/${incident.ref}/subjects/import`).set(auth(responder)).set('Content-Type', 'text/csv').send(subjectsCsv());
    expect(imported.body.rowsAccepted).toBe(920);
    expect((await api.http.post(`/v1/incidents/${incident.ref}/assessments`).set(auth(responder)).send(HIGH_RISK)).status).toBe(201);
    const facts = await api.http.put(`/v1/incidents/${incident.ref}/clock-facts`).set(auth(responder))
      .send({ version: 0, discoveredAt: '2026-11-01T20:00:00Z', materialityDeterminedAt: '2026-11-06T15:00:00Z', cnLossCny: 6_000_000 });
    expect(facts.status).toBe(200);
  });

  it('derives them from subjects in DE, FR, US-CA (600), US-TX and CN, a high-risk assessment and the profile, with exact due times', async () => {
    const res = await api.http.get(`/v1/incidents/${incident.ref}/obligations`).set(auth(viewer));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ timeZone: 'Europe/Berlin', catalogVersion: '2026-11-24', subjectCounts: { DE: 5, FR: 5, 'US-CA': 600, 'US-TX': 300, CN: 10 }, unknownJurisdiction: 0 });
    const regimes = [...new Set(res.body.items.map((i: { regime: string }) => i.regime))];
    expect(regimes).toEqual(['EU_GDPR', 'CN_PIPL', 'CN_CAC_2025', 'US_CA', 'US_TX', 'US_SEC_8K']);

    // GDPR: 72 h on the clock from awareness; individuals (high risk) without undue delay.
    expect(item(res.body, 'gdpr_sa:initial')).toMatchObject({ status: 'due', dueAt: '2026-11-05T08:00:00.000Z', qualifier: 'without_undue_delay', party: 'authority' });
    expect(item(res.body, 'gdpr_individuals:initial')).toMatchObject({ status: 'due', dueAt: null, qualifier: 'without_undue_delay' });
    // CAC: ¥6 m direct loss grades it relatively major; other operators report within 4 h of discovery.
    expect(item(res.body, 'cac_provincial:initial')).toMatchObject({ status: 'due', dueAt: '2026-11-02T00:00:00.000Z' });
    expect((item(res.body, 'cac_provincial:initial').unconfirmed as string[]).join(' ')).toMatch(/numbering of the CAC initial-report items is UNCONFIRMED/);
    expect(item(res.body, 'pipl_departments:initial')).toMatchObject({ status: 'due', dueAt: null, qualifier: 'immediately' });
    // California: 30 calendar days from discovery (1 Nov in Berlin), to the end of the day; the AG waits for the residents' notice.
    expect(item(res.body, 'ca_residents:initial')).toMatchObject({ status: 'due', dueAt: '2026-12-01T22:59:59.999Z' });
    expect(item(res.body, 'ca_ag:initial')).toMatchObject({ status: 'waiting', waitingFor: 'notice_sent:ca_residents', dueAt: null });
    // Texas: 300 residents ≥ 250: the AG within 30 days, individuals within 60, from discovery (no determination recorded).
    expect(item(res.body, 'tx_ag:initial')).toMatchObject({ status: 'due', dueAt: '2026-12-01T22:59:59.999Z' });
    expect(item(res.body, 'tx_individuals:initial')).toMatchObject({ status: 'due', dueAt: '2026-12-31T22:59:59.999Z' });
    // SEC: 4 business days after Friday 6 Nov, skipping the weekend and the 11 Nov holiday: end of Friday 13 Nov.
    expect(item(res.body, 'sec_8k:initial')).toMatchObject({ status: 'due', dueAt: '2026-11-13T22:59:59.999Z' });

    // The countdown is read at the response's `now`; all of these lie in the past.
    const now = Date.parse(res.body.now);
    const sa = item(res.body, 'gdpr_sa:initial');
    expect(sa.dueInSeconds).toBe(Math.floor((Date.parse('2026-11-05T08:00:00Z') - now) / 1000));
    expect(sa).toMatchObject({ overdue: true, state: 'overdue', submittedAt: null });
    expect(item(res.body, 'gdpr_individuals:initial')).toMatchObject({ dueInSeconds: null, overdue: false, state: 'due' });
    expect(item(res.body, 'ca_ag:initial')).toMatchObject({ dueInSeconds: null, overdue: false, state: 'waiting' });
  });

  it('persists one row per obligation key and audits each new obligation once; reading again writes nothing', async () => {
    const rows = await db.query('SELECT key, status, due_at, catalog_version FROM obligations WHERE incident_id = $1', [incident.id]);
    const keys = rows.rows.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(rows.rows.find((r) => r.key === 'gdpr_sa:initial')).toMatchObject({ status: 'due', catalog_version: '2026-11-24' });
    expect(rows.rows.find((r) => r.key === 'gdpr_sa:initial').due_at.toISOString()).toBe('2026-11-05T08:00:00.000Z');
    const before = await auditActions(incident.id);
    const live = rows.rows.filter((r) => r.status !== 'not_applicable').length;
    expect(before.filter((a) => a === 'obligation.added')).toHaveLength(live);
    await api.http.get(`/v1/incidents/${incident.ref}/obligations`).set(auth(viewer));
    expect(await auditActions(incident.id)).toEqual(before);
  });

  it('audits a moved due time when a clock fact changes, attributed to whoever changed it', async () => {
    const facts = await api.http.get(`/v1/incidents/${incident.ref}/clock-facts`).set(auth(viewer));
    const moved = await api.http.put(`/v1/incidents/${incident.ref}/clock-facts`).set(auth(responder))
      .send({ version: facts.body.version, discoveredAt: '2026-11-02T07:00:00Z', materialityDeterminedAt: '2026-11-06T15:00:00Z', cnLossCny: 6_000_000 });
    expect(moved.status).toBe(200);
    const events = await db.query(`SELECT actor_role, before, after FROM audit_events WHERE incident_id = $1 AND action = 'obligation.due_changed' ORDER BY seq`, [incident.id]);
    const ca = events.rows.find((e) => e.before.dueAt === '2026-12-01T22:59:59.999Z' && e.after.dueAt === '2026-12-02T22:59:59.999Z');
    expect(ca).toMatchObject({ actor_role: 'responder' });
    const cac = events.rows.find((e) => e.after.dueAt === '2026-11-02T11:00:00.000Z');
    expect(cac?.before.dueAt).toBe('2026-11-02T00:00:00.000Z');
  });

  it('records a submission; the clocks that run from it start and the obligation counts as submitted', async () => {
    const path = `/v1/incidents/${incident.ref}/obligations`;
    const before = await api.http.get(path).set(auth(viewer));
    expect(item(before.body, 'gdpr_sa:follow_up')).toMatchObject({ status: 'waiting', waitingFor: 'submission_of:initial' });

    const res = await api.http.post(`${path}/gdpr_sa:initial/submissions`).set(auth(responder))
      .send({ submittedAt: '2026-11-04T16:30:00+01:00', method: 'portal', reference: 'BfDI-2026-4711' });
    expect(res.status).toBe(201);
    expect(res.body.submission).toMatchObject({ submittedAt: '2026-11-04T15:30:00.000Z', method: 'portal', reference: 'BfDI-2026-4711', phase: 'initial', notification: 'gdpr_sa' });
    expect(res.body.obligation).toMatchObject({ key: 'gdpr_sa:initial', state: 'submitted', overdue: false, submittedLate: false, submittedAt: '2026-11-04T15:30:00.000Z' });

    const after = await api.http.get(path).set(auth(viewer));
    expect(item(after.body, 'gdpr_sa:follow_up')).toMatchObject({ status: 'due', qualifier: 'without_undue_delay', clockStart: { anchor: 'submission_of:initial', at: '2026-11-04T15:30:00.000Z' } });
    expect(item(after.body, 'gdpr_sa:initial').submissions).toHaveLength(1);
    const actions = await auditActions(incident.id);
    expect(actions).toContain('obligation.submission_recorded');
    expect(actions).toContain('obligation.status_changed');
  });

  it('starts the California AG clock from the first notice a campaign to Californians sent', async () => {
    const texts = {
      subject: 'Security incident {{incidentRef}}',
      whatHappened: 'An export of appointments was left on a public share.',
      measuresTaken: 'We removed the share.',
      selfProtection: 'Be wary of calls about your appointments.',
      remedialMeasures: 'We offer a helpline.',
      contactPoint: 'dpo@example.org',
    };
    const created = await api.http.post(`/v1/incidents/${incident.ref}/campaigns`).set(auth(responder))
      .send({ name: 'California notice', audience: { kind: 'filter', jurisdictions: ['US-CA'], dataCategories: [] }, channelChain: ['email'], defaultLanguage: 'en', content: { en: texts } });
    expect(created.status).toBe(201);
    const approver = await api.token('approver');
    expect((await api.http.post(`/v1/incidents/${incident.ref}/campaigns/${created.body.id}/approve`).set(auth(approver)).send({ version: created.body.version, contentHash: created.body.contentHash })).status).toBe(200);
    // What the notifier leaves behind when the campaign has gone out (its kept summary).
    await db.query(`UPDATE notice_campaigns SET status = 'completed', started_at = now(), finished_at = now(), summary = $2 WHERE id = $1`,
      [created.body.id, JSON.stringify({ total: 600, firstSentAt: '2026-11-20T10:00:00.000Z', lastSentAt: '2026-11-20T10:05:00.000Z' })]);

    const res = await api.http.get(`/v1/incidents/${incident.ref}/obligations`).set(auth(viewer));
    expect(item(res.body, 'ca_residents:initial')).toMatchObject({ state: 'submitted', submittedAt: '2026-11-20T10:00:00.000Z' });
    // 15 calendar days after the notice (20 Nov in Berlin): the end of 5 December.
    expect(item(res.body, 'ca_ag:initial')).toMatchObject({ status: 'due', dueAt: '2026-12-05T22:59:59.999Z', clockStart: { anchor: 'notice_sent:ca_residents', at: '2026-11-20T10:00:00.000Z' } });
    // The campaign reached only Californians: the Texas notice is still open.
    expect(item(res.body, 'tx_individuals:initial')).toMatchObject({ submittedAt: null, state: 'due' });
  });

  it.each<[string, string, Record<string, unknown>, number, RegExp]>([
    ['a malformed key', 'gdpr sa', {}, 400, /obligation key/],
    ['an unknown key', 'gdpr_sa:nothing', {}, 404, /No obligation with id gdpr_sa:nothing/],
    ['an obligation whose clock has not started', 'sec_8k:amendment', {}, 409, /waits for info_determined/],
    ['an obligation that does not apply', 'tx_cras:initial', {}, 409, /not applicable: .*not more than 10,000/],
    ['a submission in the future', 'sec_8k:initial', { submittedAt: '2099-01-01T00:00:00Z' }, 400, /submittedAt: must not be in the future/],
    ['an unknown method', 'sec_8k:initial', { method: 'pigeon' }, 400, /method/],
  ])('refuses %s without writing', async (_name, key, over, status, detail) => {
    const count = async () => (await db.query('SELECT count(*)::int AS n FROM obligation_submissions')).rows[0].n;
    const n = await count();
    const res = await api.http.post(`/v1/incidents/${incident.ref}/obligations/${encodeURIComponent(key)}/submissions`).set(auth(responder))
      .send({ submittedAt: '2026-11-09T10:00:00Z', method: 'email', ...over });
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toMatch(detail);
    expect(await count()).toBe(n);
  });

  it('is read by staff only and refuses a viewer’s submission', async () => {
    const regulator = await api.token('regulator');
    expect((await api.http.get(`/v1/incidents/${incident.ref}/obligations`).set(auth(regulator))).status).toBe(403);
    expect((await api.http.post(`/v1/incidents/${incident.ref}/obligations/sec_8k:initial/submissions`).set(auth(viewer)).send({ submittedAt: '2026-11-09T10:00:00Z', method: 'email' })).status).toBe(403);
    expect((await api.http.get('/v1/incidents/INC-2026-9999/obligations').set(auth(viewer))).status).toBe(404);
  });
});
