import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Database } from '#database';
import { startApi, type ApiHarness } from './support/api-harness.js';

let api: ApiHarness;
let admin: string;
let responder: string;
let viewer: string;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Health data, limited identifiability, known recipients: 4 × 0.5 + 0.25 = 2.25, medium, risk. */
const body = (over: Record<string, unknown> = {}) => ({
  dataCategories: ['contact', 'health'],
  approxSubjects: 12000,
  approxRecords: 30000,
  jurisdictions: ['DE', 'US-CA', 'CN'],
  confidentiality: 'known_recipients',
  integrity: 'none',
  availability: 'none',
  maliciousIntent: false,
  easeOfIdentification: 'limited',
  dataUnintelligible: false,
  backupsAvailable: true,
  vulnerableSubjects: false,
  likelyConsequences: 'Patients may face embarrassment or discrimination if their conditions become known.',
  ...over,
});

async function newIncident(title = 'Clinic appointment export leaked'): Promise<{ id: string; ref: string }> {
  const res = await api.http.post('/v1/incidents').set(auth(responder)).send({ title, awareAt: '2026-11-20T08:00:00Z' });
  expect(res.status).toBe(201);
  return res.body;
}

beforeAll(async () => {
  api = await startApi();
  admin = api.adminToken;
  responder = await api.token('responder');
  viewer = await api.token('viewer');
});
afterAll(async () => api?.close());

describe('assessments', () => {
  it('accumulates versions, leaves old ones unchanged, and the incident shows the latest severity', async () => {
    const incident = await newIncident();
    const path = `/v1/incidents/${incident.ref}/assessments`;

    const first = await api.http.post(path).set(auth(responder)).send(body());
    expect(first.status).toBe(201);
    expect(first.body.version).toBe(1);
    expect(first.body.incidentId).toBe(incident.id);
    expect(first.body.input.jurisdictions).toEqual(['DE', 'US-CA', 'CN']);
    expect(first.body.severity).toMatchObject({ score: 2.25, band: 'medium', riskLevel: 'risk', recommendation: 'notify_authority', method: 'ENISA 2013 v1.0' });
    expect(first.body.severity.components.dpc).toMatchObject({ base: 4, baseCategory: 'health', final: 4 });
    expect(first.body.severity.reasons).toContain('Health data is a sensitive category: data processing context 4.');

    let shown = await api.http.get(`/v1/incidents/${incident.id}`).set(auth(viewer));
    expect(shown.body.severity).toEqual({ band: 'medium', riskLevel: 'risk' });

    // New facts: the data were published and people are identifiable: 4 × 1 + 0.5 + 0.5 = 5, very high.
    const second = await api.http.post(`/v1/incidents/${incident.id}/assessments`).set(auth(admin))
      .send(body({ confidentiality: 'unknown_recipients', easeOfIdentification: 'maximum', maliciousIntent: true, contextAdjustments: ['volume'], notes: 'Posted on a leak forum.' }));
    expect(second.status).toBe(201);
    expect(second.body.version).toBe(2);
    expect(second.body.severity).toMatchObject({ score: 5, band: 'very_high', riskLevel: 'high', recommendation: 'notify_authority_and_individuals' });

    shown = await api.http.get(`/v1/incidents/${incident.ref}`).set(auth(viewer));
    expect(shown.body.severity).toEqual({ band: 'very_high', riskLevel: 'high' });

    // Encrypted after all: a third version brings the risk down, the band stays.
    const third = await api.http.post(path).set(auth(responder)).send(body({ dataUnintelligible: true }));
    expect(third.body.version).toBe(3);
    expect(third.body.severity).toMatchObject({ band: 'medium', riskLevel: 'unlikely', recommendation: 'document_only' });
    shown = await api.http.get(`/v1/incidents/${incident.ref}`).set(auth(viewer));
    expect(shown.body.severity).toEqual({ band: 'medium', riskLevel: 'unlikely' });

    const list = await api.http.get(path).set(auth(viewer));
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: { version: number }) => a.version)).toEqual([3, 2, 1]);
    expect(list.body.items[2]).toEqual(first.body);
    expect(list.body.items[1]).toEqual(second.body);

    const v1 = await api.http.get(`${path}/1`).set(auth(viewer));
    expect(v1.status).toBe(200);
    expect(v1.body).toEqual(first.body);
    const latest = await api.http.get(`${path}/latest`).set(auth(viewer));
    expect(latest.status).toBe(200);
    expect(latest.body).toEqual(third.body);

    // The denormalised columns agree with the stored result.
    const rows = await api.app.get(Database).rows<{ version: number; severity_score: string; severity_band: string; risk_level: string; recommendation: string }>(
      'SELECT version, severity_score::text, severity_band, risk_level, recommendation FROM assessments WHERE incident_id = $1 ORDER BY version',
      [incident.id],
    );
    expect(rows).toEqual([
      { version: 1, severity_score: '2.25', severity_band: 'medium', risk_level: 'risk', recommendation: 'notify_authority' },
      { version: 2, severity_score: '5.00', severity_band: 'very_high', risk_level: 'high', recommendation: 'notify_authority_and_individuals' },
      { version: 3, severity_score: '2.25', severity_band: 'medium', risk_level: 'unlikely', recommendation: 'document_only' },
    ]);
  });

  it('gives gapless versions to concurrent assessments of one incident', async () => {
    const incident = await newIncident('Concurrent assessors');
    const results = await Promise.all(
      Array.from({ length: 6 }, () => api.http.post(`/v1/incidents/${incident.id}/assessments`).set(auth(responder)).send(body())),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(results.map((r) => r.body.version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('writes an assessment.created audit event in the same request', async () => {
    const incident = await newIncident('Audited assessment');
    const created = await api.http.post(`/v1/incidents/${incident.id}/assessments`).set(auth(responder)).send(body());
    expect(created.status).toBe(201);
    const events = await api.http.get('/v1/audit/events').query({ incidentId: incident.id }).set(auth(admin));
    expect(events.status).toBe(200);
    const event = events.body.items.find((e: { action: string }) => e.action === 'assessment.created');
    expect(event).toMatchObject({
      entityType: 'assessment',
      entityId: created.body.id,
      incidentId: incident.id,
      before: { incidentSeverity: { band: null, riskLevel: null } },
      after: { version: 1, incidentSeverity: { band: 'medium', riskLevel: 'risk' } },
    });
  });

  it('a 2.0 score is medium, exactly', async () => {
    const res = await api.http.post('/v1/severity/preview').set(auth(viewer)).send(body({ dataCategories: ['location'], easeOfIdentification: 'maximum', confidentiality: 'none' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ score: 2, band: 'medium', riskLevel: 'risk' });
  });

  it('previews without storing anything', async () => {
    const incident = await newIncident('Preview only');
    const before = await api.app.get(Database).rows<{ n: number }>('SELECT count(*)::int AS n FROM assessments');
    const res = await api.http.post('/v1/severity/preview').set(auth(viewer))
      .send(body({ dataCategories: ['credentials'], credentialsGiveAccessTo: 'financial', easeOfIdentification: 'maximum' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ score: 3.25, band: 'high', components: { dpc: { base: 3, baseCategory: 'credentials' } } });
    const after = await api.app.get(Database).rows<{ n: number }>('SELECT count(*)::int AS n FROM assessments');
    expect(after[0]!.n).toBe(before[0]!.n);
    const shown = await api.http.get(`/v1/incidents/${incident.id}`).set(auth(viewer));
    expect(shown.body.severity).toBeNull();
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['an unknown category', 'dataCategories', { dataCategories: ['contact', 'shoe_size'] }],
    ['no category', 'dataCategories', { dataCategories: [] }],
    ['jurisdiction XX', 'jurisdictions', { jurisdictions: ['DE', 'XX'] }],
    ['jurisdiction US-ZZ', 'jurisdictions', { jurisdictions: ['US-ZZ'] }],
    ['lower-case jurisdiction', 'jurisdictions', { jurisdictions: ['de'] }],
    ['no jurisdiction', 'jurisdictions', { jurisdictions: [] }],
    ['negative approxSubjects', 'approxSubjects', { approxSubjects: -1 }],
    ['negative approxRecords', 'approxRecords', { approxRecords: -5 }],
    ['fractional approxSubjects', 'approxSubjects', { approxSubjects: 2.5 }],
    ['an unknown field', 'severityOverride', { severityOverride: 'low' }],
    ['a string for a number', 'approxSubjects', { approxSubjects: '12000' }],
    ['a string for a boolean', 'maliciousIntent', { maliciousIntent: 'yes' }],
    ['an unknown ease of identification', 'easeOfIdentification', { easeOfIdentification: 'easy' }],
    ['an unknown confidentiality loss', 'confidentiality', { confidentiality: 'some' }],
    ['an unknown context factor', 'contextAdjustments', { contextAdjustments: ['volume', 'mood'] }],
    ['a repeated context factor', 'contextAdjustments', { contextAdjustments: ['volume', 'volume'] }],
    ['credentials opening credentials', 'credentialsGiveAccessTo', { dataCategories: ['credentials'], credentialsGiveAccessTo: 'credentials' }],
    ['credentialsGiveAccessTo without credentials', 'credentialsGiveAccessTo', { credentialsGiveAccessTo: 'health' }],
    ['blank likelyConsequences', 'likelyConsequences', { likelyConsequences: '   ' }],
    ['missing likelyConsequences', 'likelyConsequences', { likelyConsequences: undefined }],
  ])('refuses %s with a 400 naming %s, and stores nothing', async (_label, field, over) => {
    const incident = await newIncident('Bad input');
    const res = await api.http.post(`/v1/incidents/${incident.id}/assessments`).set(auth(responder)).send(body(over));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    const preview = await api.http.post('/v1/severity/preview').set(auth(viewer)).send(body(over));
    expect(preview.status).toBe(400);
    expect(preview.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    const list = await api.http.get(`/v1/incidents/${incident.id}/assessments`).set(auth(viewer));
    expect(list.body.items).toEqual([]);
    const shown = await api.http.get(`/v1/incidents/${incident.id}`).set(auth(viewer));
    expect(shown.body.severity).toBeNull();
  });

  it('names the position of a bad jurisdiction', async () => {
    const incident = await newIncident('Bad jurisdiction');
    const res = await api.http.post(`/v1/incidents/${incident.id}/assessments`).set(auth(responder)).send(body({ jurisdictions: ['DE', 'XX', 'US-CA', 'US-ZZ'] }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'jurisdictions', reason: expect.stringContaining('[1], [3]') })]);
  });

  it('refuses POST to a viewer and an approver with 403', async () => {
    const incident = await newIncident('Read-only roles');
    for (const role of ['viewer', 'approver'] as const) {
      const res = await api.http.post(`/v1/incidents/${incident.id}/assessments`).set(auth(await api.token(role))).send(body());
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const list = await api.http.get(`/v1/incidents/${incident.id}/assessments`).set(auth(viewer));
    expect(list.body.items).toEqual([]);
  });

  it('refuses the preview without a token', async () => {
    const res = await api.http.post('/v1/severity/preview').send(body());
    expect(res.status).toBe(401);
  });

  it.each<[string, string, number, string | undefined]>([
    ['POST to an unknown incident', 'post:/v1/incidents/INC-2099-9999/assessments', 404, undefined],
    ['list of an unknown incident', 'get:/v1/incidents/00000000-0000-4000-8000-000000000000/assessments', 404, undefined],
    ['latest of an unknown incident', 'get:/v1/incidents/INC-2099-9999/assessments/latest', 404, undefined],
    ['a bad incident key', 'get:/v1/incidents/not-an-incident/assessments', 400, 'incident'],
  ])('%s (%s) gives %i', async (_label, route, status, field) => {
    const [method, path] = route.split(':') as ['get' | 'post', string];
    const req = method === 'post' ? api.http.post(path).set(auth(responder)).send(body()) : api.http.get(path).set(auth(viewer));
    const res = await req;
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    if (field) expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
  });

  it('404s a missing version and the latest of an incident with none; 400s a bad version naming it', async () => {
    const incident = await newIncident('Versions');
    const none = await api.http.get(`/v1/incidents/${incident.id}/assessments/latest`).set(auth(viewer));
    expect(none.status).toBe(404);
    await api.http.post(`/v1/incidents/${incident.id}/assessments`).set(auth(responder)).send(body()).expect(201);
    expect((await api.http.get(`/v1/incidents/${incident.id}/assessments/2`).set(auth(viewer))).status).toBe(404);
    for (const bad of ['0', '-1', '1.5', 'abc', '99999999999']) {
      const res = await api.http.get(`/v1/incidents/${incident.id}/assessments/${bad}`).set(auth(viewer));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'version' })]);
    }
  });

  it('never answered with a 500 and logged no body data', () => {
    expect(api.logs.some((l) => l.includes('"status":201'))).toBe(true); // the check below reads the right format
    expect(api.logs.filter((l) => l.includes('"status":500'))).toEqual([]);
    expect(api.logs.filter((l) => l.includes('Patients may face'))).toEqual([]);
  });
});
