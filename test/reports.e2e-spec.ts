import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { REPORT_JSON_SCHEMA, validateJson } from '#domain';
import { pdfText } from '../libs/documents/src/testing/pdf-text.js';
import { startApi, type ApiHarness } from './support/api-harness.js';

let api: ApiHarness;
let admin: string;
let responder: string;
let approver: string;
let viewer: string;
let db: pg.Client;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

const HIGH_RISK = {
  dataCategories: ['contact', 'health'],
  approxSubjects: 920,
  approxRecords: 2000,
  jurisdictions: ['DE', 'FR', 'US-CA', 'US-TX', 'CN'],
  confidentiality: 'known_recipients',
  integrity: 'none',
  availability: 'none',
  maliciousIntent: true,
  easeOfIdentification: 'maximum',
  dataUnintelligible: false,
  backupsAvailable: true,
  vulnerableSubjects: false,
  likelyConsequences: 'Patients may face discrimination if their conditions become known.',
};

function subjectsCsv(counts: Record<string, number>, prefix: string): string {
  const lines = ['externalRef,country,region'];
  for (const [code, n] of Object.entries(counts)) {
    const [country, sub] = code.split('-');
    for (let i = 0; i < n; i++) lines.push(`${prefix}${code}-${i},${country},${sub ? code : ''}`);
  }
  return lines.join('\n') + '\n';
}

async function incidentWith(counts: Record<string, number>, assessment: Record<string, unknown>, awareAt = '2026-11-16T08:00:00Z', title = 'Clinic export leaked'): Promise<{ id: string; ref: string }> {
  const res = await api.http.post('/v1/incidents').set(auth(responder)).send({ title, description: 'An export of appointments was left on a public file share for six hours.', awareAt, occurredFrom: '2026-11-15T22:00:00Z', occurredTo: '2026-11-16T04:00:00Z' });
  expect(res.status).toBe(201);
  const imported = await api.http.post(`/v1/incidents/${res.body.ref}/subjects/import`).set(auth(responder)).set('Content-Type', 'text/csv').send(subjectsCsv(counts, res.body.ref));
  expect(imported.status).toBe(200);
  expect((await api.http.post(`/v1/incidents/${res.body.ref}/assessments`).set(auth(responder)).send(assessment)).status).toBe(201);
  return res.body;
}

type Doc = { fields: { id: string; label: string; value: string | null; status: string; source: string | null }[]; missingFields: string[]; changesSinceLast: null | { since: { reportId: string }; changes: { field: string; before: string | null; after: string | null }[] } };
const fieldOf = (doc: Doc, id: string) => doc.fields.find((f) => f.id === id)!;

async function draft(ref: string, obligation: string) {
  const res = await api.http.post(`/v1/incidents/${ref}/reports`).set(auth(responder)).send({ obligation });
  if (res.status !== 201 && res.status !== 200) throw new Error(`draft ${obligation}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

async function release(id: string, acceptMissing = true) {
  const current = await api.http.get(`/v1/reports/${id}`).set(auth(approver));
  const res = await api.http.post(`/v1/reports/${id}/release`).set(auth(approver)).send({ contentHash: current.body.contentHash, acceptMissing });
  expect(res.status).toBe(200);
  return res.body;
}

async function audited(action: string, entityId?: string): Promise<{ actor_role: string; entity_id: string; after: Record<string, unknown> }[]> {
  const rows = await db.query(`SELECT actor_role, entity_id, after FROM audit_events WHERE action = $1 ${entityId ? 'AND entity_id = $2' : ''} ORDER BY seq`, entityId ? [action, entityId] : [action]);
  return rows.rows;
}

let incident: { id: string; ref: string };

beforeAll(async () => {
  api = await startApi();
  admin = api.adminToken;
  responder = await api.token('responder');
  approver = await api.token('approver');
  viewer = await api.token('viewer');
  db = new pg.Client({ connectionString: api.database.url });
  await db.connect();
  expect((await api.http.put('/v1/organisation').set(auth(admin)).send({ version: 0, name: 'Example Health GmbH', timeZone: 'Europe/Berlin', contactPoint: 'Data protection officer, dpo@example.org' })).status).toBe(200);
  incident = await incidentWith({ DE: 5, FR: 5, 'US-CA': 600, 'US-TX': 300, CN: 10 }, HIGH_RISK);
  for (const action of [
    { kind: 'containment', title: 'Removed the public share', status: 'done', doneAt: '2026-11-16T09:00:00Z' },
    { kind: 'prevention', title: 'Block public sharing for exports', status: 'planned' },
  ]) expect((await api.http.post(`/v1/incidents/${incident.ref}/remediation-actions`).set(auth(responder)).send(action)).status).toBe(201);
});
afterAll(async () => {
  await db?.end();
  await api?.close();
});

describe('report drafts', () => {
  let reportId: string;

  it('builds the GDPR report from the records, flags what they do not hold and invents nothing', async () => {
    const res = await draft(incident.ref, 'gdpr_sa:initial');
    expect(res.status).toBe(201);
    reportId = res.body.id;
    const doc = res.body.document as Doc & { figures: { subjectsByJurisdiction: Record<string, number> } };
    expect(doc).toMatchObject({ kind: 'incident', schemaVersion: '1.0.0', regime: { id: 'EU_GDPR' }, phase: { id: 'initial', kind: 'initial' }, incident: { ref: incident.ref }, deadline: { dueAt: '2026-11-19T08:00:00.000Z', late: true } });
    expect(fieldOf(doc, 'nature')).toMatchObject({ status: 'present', source: 'incident', value: 'An export of appointments was left on a public file share for six hours.' });
    expect(fieldOf(doc, 'approx_data_subjects')).toMatchObject({ status: 'present', source: 'subjects', value: '920' });
    expect(fieldOf(doc, 'record_categories')).toMatchObject({ value: 'contact, health', source: 'assessment' });
    expect(fieldOf(doc, 'dpo_contact')).toMatchObject({ value: 'Data protection officer, dpo@example.org', source: 'organisation' });
    expect(fieldOf(doc, 'measures_taken_or_proposed').value).toContain('Removed the public share (containment, done');
    // Nothing in the records says which categories of people: missing, not guessed. Late: the reasons are asked for.
    expect(fieldOf(doc, 'data_subject_categories')).toMatchObject({ status: 'missing', value: null, source: null });
    expect(fieldOf(doc, 'reasons_for_delay')).toMatchObject({ status: 'missing', value: null });
    expect(doc.missingFields.sort()).toEqual(['data_subject_categories', 'reasons_for_delay']);
    expect(res.body.missingFields.sort()).toEqual(['data_subject_categories', 'reasons_for_delay']);
    expect(doc.figures.subjectsByJurisdiction).toEqual({ CN: 10, DE: 5, FR: 5, 'US-CA': 600, 'US-TX': 300 });
    expect(doc.changesSinceLast).toBeNull();
    expect(await audited('report.draft_generated', reportId)).toHaveLength(1);
  });

  it('refreshes the open draft instead of making a second one, and only writes when the content changed', async () => {
    const again = await draft(incident.ref, 'gdpr_sa:initial');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(reportId);
    const read = await api.http.get(`/v1/reports/${reportId}`).set(auth(viewer));
    expect(read.body.contentHash).toBe(again.body.contentHash);
    expect(await audited('report.draft_refreshed', reportId)).toHaveLength(0);
    // A new fact reaches the draft the next time it is read.
    expect((await api.http.post(`/v1/incidents/${incident.ref}/remediation-actions`).set(auth(responder)).send({ kind: 'support', title: 'Helpline for patients', status: 'in_progress' })).status).toBe(201);
    const after = await api.http.get(`/v1/reports/${reportId}`).set(auth(viewer));
    expect(after.body.document.fields.find((f: { id: string }) => f.id === 'measures_taken_or_proposed').value).toContain('Helpline for patients');
    expect(after.body.contentHash).not.toBe(read.body.contentHash);
    expect(await audited('report.draft_refreshed', reportId)).toHaveLength(1);
  });

  it.each<[string, string, number, RegExp]>([
    ['a notice to individuals', 'gdpr_individuals:initial', 409, /not a report to a regulator|notice to individuals/],
    ['an obligation that waits', 'ca_ag:initial', 409, /waits for notice_sent:ca_residents/],
    ['an unknown obligation', 'gdpr_sa:nothing', 404, /No obligation/],
  ])('refuses a report for %s', async (_name, obligation, status, detail) => {
    const res = await api.http.post(`/v1/incidents/${incident.ref}/reports`).set(auth(responder)).send({ obligation });
    expect(res.status).toBe(status);
    expect(res.body.detail).toMatch(detail);
  });

  it('takes staff values for what the records cannot fill, and refuses fields the report does not have', async () => {
    const bad = await api.http.put(`/v1/reports/${reportId}/fields`).set(auth(responder)).send({ values: { favourite_colour: 'blue' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'values.favourite_colour', reason: 'is not a field of this report' }]);
    const res = await api.http.put(`/v1/reports/${reportId}/fields`).set(auth(responder)).send({ values: { data_subject_categories: 'Patients of the clinic' } });
    expect(res.status).toBe(200);
    expect(res.body.missingFields).toEqual(['reasons_for_delay']);
    expect(res.body.document.fields.find((f: { id: string }) => f.id === 'data_subject_categories')).toMatchObject({ value: 'Patients of the clinic', source: 'manual', status: 'present' });
    expect(res.body.editedBy).not.toBeNull();
    expect(await audited('report.fields_updated', reportId)).toHaveLength(1);
  });

  it('is released by an approver, for the content reviewed, with missing fields only when accepted; then it never changes', async () => {
    expect((await api.http.post(`/v1/reports/${reportId}/release`).set(auth(responder)).send({ contentHash: 'a'.repeat(64) })).status).toBe(403);
    const stale = await api.http.post(`/v1/reports/${reportId}/release`).set(auth(approver)).send({ contentHash: 'a'.repeat(64) });
    expect(stale.status).toBe(409);
    expect(stale.body.type).toBe('urn:tocsin:problem:content-hash-mismatch');
    const current = await api.http.get(`/v1/reports/${reportId}`).set(auth(approver));
    const missing = await api.http.post(`/v1/reports/${reportId}/release`).set(auth(approver)).send({ contentHash: current.body.contentHash });
    expect(missing.status).toBe(409);
    expect(missing.body.missingFields).toEqual(['reasons_for_delay']);

    await api.http.put(`/v1/reports/${reportId}/fields`).set(auth(responder)).send({ values: { reasons_for_delay: 'The scope was only known after the forensic review on 20 November.' } });
    const released = await release(reportId, false);
    expect(released).toMatchObject({ status: 'released', missingFields: [], version: 1 });
    expect(released.document.report).toMatchObject({ status: 'released', releasedBy: expect.any(String) });

    const edit = await api.http.put(`/v1/reports/${reportId}/fields`).set(auth(responder)).send({ values: { data_subject_categories: 'Someone else' } });
    expect(edit.status).toBe(409);
    await expect(db.query(`UPDATE reports SET document = '{}' WHERE id = $1`, [reportId])).rejects.toThrow(/released and cannot be changed/);
    await expect(db.query(`DELETE FROM reports WHERE id = $1`, [reportId])).rejects.toThrow(/cannot be deleted/);
    // Reading it again does not rebuild it, whatever changed in the records.
    await api.http.post(`/v1/incidents/${incident.ref}/remediation-actions`).set(auth(responder)).send({ kind: 'recovery', title: 'Restored the share from backup', status: 'done' });
    expect((await api.http.get(`/v1/reports/${reportId}`).set(auth(viewer))).body.contentHash).toBe(released.contentHash);
  });

  it('records the submission of a released report against its obligation', async () => {
    const early = await api.http.post(`/v1/reports/${reportId}/submissions`).set(auth(responder)).send({ submittedAt: '2026-11-20T12:00:00Z', method: 'portal' });
    expect(early.status).toBe(400);
    expect(early.body.errors).toEqual([{ field: 'submittedAt', reason: 'must not be before the report was released' }]);
    const submittedAt = new Date().toISOString();
    const res = await api.http.post(`/v1/reports/${reportId}/submissions`).set(auth(responder)).send({ submittedAt, method: 'portal', reference: 'BfDI-77' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'submitted', submittedAt });
    const obligations = await api.http.get(`/v1/incidents/${incident.ref}/obligations`).set(auth(viewer));
    const sa = obligations.body.items.find((i: { key: string }) => i.key === 'gdpr_sa:initial');
    expect(sa).toMatchObject({ state: 'submitted', submittedLate: true });
    expect(sa.submissions[0]).toMatchObject({ reportId, reference: 'BfDI-77' });
  });

  it('carries the changes since the last report into the next phase', async () => {
    const res = await draft(incident.ref, 'gdpr_sa:follow_up');
    const doc = res.body.document as Doc;
    expect(doc.changesSinceLast?.since.reportId).toBe(reportId);
    const measures = doc.changesSinceLast!.changes.find((c) => c.field === 'measures_taken_or_proposed')!;
    expect(measures.after).toContain('Restored the share from backup');
    expect(measures.before).not.toContain('Restored the share from backup');
    // What staff typed into the first report carries over.
    expect(fieldOf(doc, 'data_subject_categories')).toMatchObject({ value: 'Patients of the clinic', source: 'manual' });
  });

  it('corrects a released report with a new version that names the old one', async () => {
    const res = await api.http.post(`/v1/reports/${reportId}/corrections`).set(auth(responder));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'draft', version: 2, supersedes: reportId });
    expect(res.body.document.changesSinceLast.since).toMatchObject({ reportId, version: 1 });
    expect((await api.http.post(`/v1/reports/${reportId}/corrections`).set(auth(responder))).status).toBe(409);
    expect(await audited('report.correction_created', res.body.id)).toHaveLength(1);
  });
});

describe('exports', () => {
  let tx: { id: string; document: Doc };

  beforeAll(async () => {
    const res = await draft(incident.ref, 'tx_ag:initial');
    tx = res.body;
  });

  it('serves a versioned JSON Schema, and every report validates against it', async () => {
    const schema = await api.http.get('/v1/reports/schema.json').set(auth(viewer));
    expect(schema.status).toBe(200);
    expect(schema.body).toMatchObject({ $id: 'urn:tocsin:schema:report:v1', 'x-version': '1.0.0' });
    const reports = await api.http.get(`/v1/incidents/${incident.ref}/reports`).set(auth(viewer));
    expect(reports.body.items.length).toBeGreaterThanOrEqual(4);
    for (const r of reports.body.items) {
      const json = await api.http.get(`/v1/reports/${r.id}/export.json`).set(auth(viewer));
      expect(json.status).toBe(200);
      expect(json.headers['content-type']).toMatch(/application\/json/);
      expect(validateJson(schema.body, JSON.parse(json.text))).toEqual([]);
    }
    // The validator does catch a broken document.
    const broken = { ...tx.document, fields: [{ id: 'x', label: 'x', value: 3, status: 'maybe' }] };
    expect(validateJson(REPORT_JSON_SCHEMA as never, broken).map((e) => e.path)).toEqual(expect.arrayContaining(['/fields/0/value', '/fields/0/status', '/fields/0/source']));
  });

  it('writes a CSV with every required field (missing ones flagged) and the aggregates', async () => {
    const res = await api.http.get(`/v1/reports/${tx.id}/export.csv`).set(auth(viewer));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toMatch(new RegExp(`${incident.ref}-tx_ag-initial-v1\\.csv`));
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe('section,key,label,value,status,source');
    for (const f of tx.document.fields) expect(lines.some((l) => l.startsWith(`field,${f.id},`) && l.includes(f.status))).toBe(true);
    expect(lines).toContain('field,texas_residents_affected,Number of Texas residents affected at the time of notice,300,present,subjects');
    expect(lines).toContain('field,law_enforcement_investigating,Whether law enforcement is investigating,,missing,');
    expect(lines).toContain('subjects,US-TX,People affected in US-TX,300,,subjects');
  });

  it('writes a PDF giving every required field with its value or MISSING', async () => {
    const res = await api.http.get(`/v1/reports/${tx.id}/export.pdf`).set(auth(viewer)).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // The api compresses; re-render the same document uncompressed to read its text back.
    const { renderReportPdf } = await import('#documents');
    const text = pdfText(await renderReportPdf(tx.document as never, { compress: false, unicodeFonts: null }));
    const flat = text.split('\n').join(' ').replace(/\s+/g, ' ');
    for (const f of tx.document.fields) expect(flat).toContain(`${f.label} [${f.id}]`);
    expect(text.split('\n').filter((l) => l === 'MISSING')).toHaveLength(tx.document.missingFields.length);
    expect(tx.document.missingFields).toEqual(expect.arrayContaining(['law_enforcement_investigating', 'residents_sent_direct_notice']));
    expect(text.split('\n')).toContain('300');
    expect(flat).toContain('Texas Attorney General');
  });
});

describe('regulator tokens', () => {
  let txReport: string;
  let gdprReport: string;
  let token: string;

  beforeAll(async () => {
    txReport = (await draft(incident.ref, 'tx_ag:initial')).body.id;
    await release(txReport);
    gdprReport = (await api.http.get(`/v1/incidents/${incident.ref}/reports?regime=EU_GDPR&status=submitted`).set(auth(viewer))).body.items[0].id;
    const issued = await api.http.post('/v1/regulator/tokens').set(auth(admin)).send({ name: 'Texas AG', reportId: txReport });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ role: 'regulator', grants: [{ reportId: txReport, regime: null, notificationId: null }] });
    token = issued.body.token;
  });

  it('reads the report it was issued for as JSON, CSV and PDF', async () => {
    const json = await api.http.get(`/v1/reports/${txReport}/export.json`).set(auth(token));
    expect(json.status).toBe(200);
    expect(JSON.parse(json.text)).toMatchObject({ report: { id: txReport, status: 'released' }, notification: { id: 'tx_ag' } });
    expect((await api.http.get(`/v1/reports/${txReport}/export.csv`).set(auth(token))).status).toBe(200);
    const pdf = await api.http.get(`/v1/reports/${txReport}/export.pdf`).set(auth(token));
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((await api.http.get('/v1/reports/schema.json').set(auth(token))).status).toBe(200);
    const listed = await api.http.get('/v1/regulator/reports').set(auth(token));
    expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual([txReport]);
    expect((await audited('regulator.report_read', txReport)).length).toBe(3);
  });

  it('gets a 404 for another report and a 403 for staff endpoints, and every attempt is audited', async () => {
    const before = (await audited('regulator.access_denied')).length;
    const other = await api.http.get(`/v1/reports/${gdprReport}/export.json`).set(auth(token));
    expect(other.status).toBe(404);
    expect((await api.http.get(`/v1/reports/${gdprReport}/export.pdf`).set(auth(token))).status).toBe(404);
    expect((await api.http.get(`/v1/reports/00000000-0000-4000-8000-000000000000/export.csv`).set(auth(token))).status).toBe(404);
    expect((await api.http.get(`/v1/reports/${txReport}`).set(auth(token))).status).toBe(403);
    expect((await api.http.get(`/v1/incidents/${incident.ref}`).set(auth(token))).status).toBe(403);
    expect((await api.http.get(`/v1/incidents/${incident.ref}/obligations`).set(auth(token))).status).toBe(403);
    const denied = (await audited('regulator.access_denied')).slice(before);
    expect(denied).toHaveLength(6);
    expect(denied[0]).toMatchObject({ actor_role: 'regulator', entity_id: gdprReport, after: { reason: 'not issued for this report' } });
    expect(denied[3]).toMatchObject({ entity_id: `GET /v1/reports/${txReport}`, after: { reason: 'staff endpoint' } });
  });

  it('issued for a regulator, reads that regime’s released reports only, never drafts', async () => {
    const issued = await api.http.post('/v1/regulator/tokens').set(auth(admin)).send({ name: 'BfDI', regime: 'EU_GDPR', notification: 'gdpr_sa' });
    const bfdi = issued.body.token;
    expect((await api.http.get(`/v1/reports/${gdprReport}/export.json`).set(auth(bfdi))).status).toBe(200);
    expect((await api.http.get(`/v1/reports/${txReport}/export.json`).set(auth(bfdi))).status).toBe(404);
    const listed = await api.http.get('/v1/regulator/reports').set(auth(bfdi));
    expect(listed.body.items.every((r: { regime: string; status: string }) => r.regime === 'EU_GDPR' && r.status !== 'draft')).toBe(true);
    const drafts = await api.http.get(`/v1/incidents/${incident.ref}/reports?regime=EU_GDPR&status=draft`).set(auth(viewer));
    expect(drafts.body.items.length).toBeGreaterThan(0);
    for (const d of drafts.body.items) expect((await api.http.get(`/v1/reports/${d.id}/export.json`).set(auth(bfdi))).status).toBe(404);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['neither report nor regime', { name: 'x' }, 'reportId'],
    ['both', { name: 'x', reportId: '00000000-0000-4000-8000-000000000000', regime: 'US_TX' }, 'regime'],
    ['an unknown regime', { name: 'x', regime: 'MARS_GDPR' }, 'regime'],
    ['a notification of another regime', { name: 'x', regime: 'US_TX', notification: 'gdpr_sa' }, 'notification'],
  ])('refuses to issue a token for %s', async (_name, body, field) => {
    const res = await api.http.post('/v1/regulator/tokens').set(auth(admin)).send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe(field);
  });
});

describe('periodic logs', () => {
  it('aggregates the HIPAA breaches under 500 discovered in a year into one log, with CSV rows per breach', async () => {
    const profile = await api.http.get('/v1/organisation').set(auth(admin));
    expect((await api.http.put('/v1/organisation').set(auth(admin)).send({ version: profile.body.version, name: 'Example Health GmbH', timeZone: 'Europe/Berlin', hipaaCoveredEntity: true, telecomProvider: true, contactPoint: 'Privacy office' })).status).toBe(200);
    const small = { ...HIGH_RISK, approxSubjects: 12, jurisdictions: ['US-NY'] };
    const a = await incidentWith({ 'US-NY': 12 }, small, '2026-03-02T10:00:00Z', 'Lost laptop');
    const b = await incidentWith({ 'US-MA': 40 }, small, '2026-06-10T10:00:00Z', 'Misdirected fax');
    const res = await api.http.post('/v1/reports/periodic').set(auth(responder)).send({ kind: 'hipaa_annual_log', period: '2026' });
    expect(res.status).toBe(201);
    const doc = res.body.document;
    expect(doc).toMatchObject({ kind: 'hipaa_annual_log', period: { key: '2026', from: '2026-01-01', to: '2026-12-31' }, deadline: { dueAt: '2027-03-01T22:59:59.999Z' }, notification: { id: 'hipaa_hhs_annual' } });
    expect(doc.entries.map((e: { incident: { ref: string } }) => e.incident.ref)).toEqual([a.ref, b.ref]);
    expect(doc.entries[1].fields.find((f: { id: string }) => f.id === 'approx_data_subjects').value).toBe('40');
    expect(doc.unconfirmed.join(' ')).toMatch(/HHS web-portal fields are UNCONFIRMED/);
    const csv = await api.http.get(`/v1/reports/${res.body.id}/export.csv`).set(auth(viewer));
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('incident_ref,incident_title,breach_date,discovery_date,approx_data_subjects,phi_types,what_happened,entity_actions,notice_date,missing_fields');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(new RegExp(`^${b.ref},Misdirected fax,`));
    expect(validateJson(REPORT_JSON_SCHEMA as never, doc)).toEqual([]);
    // The main incident (920 people) went to HHS at once, not into the log.
    expect(doc.entries.some((e: { incident: { id: string } }) => e.incident.id === incident.id)).toBe(false);

    // Submitting the log answers each listed breach's annual-log obligation.
    await release(res.body.id);
    expect((await api.http.post(`/v1/reports/${res.body.id}/submissions`).set(auth(responder)).send({ submittedAt: new Date().toISOString(), method: 'portal' })).status).toBe(201);
    const obligations = await api.http.get(`/v1/incidents/${a.ref}/obligations`).set(auth(viewer));
    expect(obligations.body.items.find((i: { key: string }) => i.key === 'hipaa_hhs_annual:annual_log')).toMatchObject({ state: 'submitted' });
  });

  it('makes a PECR nil return for a month without breaches', async () => {
    const res = await api.http.post('/v1/reports/periodic').set(auth(responder)).send({ kind: 'pecr_monthly_log', period: '2026-09' });
    expect(res.status).toBe(201);
    expect(res.body.document.entries).toEqual([]);
    expect(res.body.document.fields.find((f: { id: string }) => f.id === 'nil_return').value).toBe('Yes');
    expect(res.body.document.unconfirmed.join(' ')).toMatch(/PECR breach log is not in the reference|no due time is set/);
    const bad = await api.http.post('/v1/reports/periodic').set(auth(responder)).send({ kind: 'pecr_monthly_log', period: '2026' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('period');
  });
});
