import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { Response } from 'supertest';
import { pdfText } from '../libs/documents/src/testing/pdf-text.js';
import { startApi, type ApiHarness } from './support/api-harness.js';

let api: ApiHarness;
let admin: string;
let responder: string;
let approver: string;
let viewer: string;
let ids: { responder: string; approver: string };
let other: { token: string; id: string };
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const base = (incident: string) => `/v1/incidents/${incident}/campaigns`;

const HEADER = 'externalRef,name,email,phone,pushTokens,postalAddress,country,region,language,isMinor,guardianName,guardianEmail,guardianPhone,dataCategories';
const SUBJECTS = [
  'S-1,Ana Adult,ana@example.org,+4915123456789,tokA,"Hauptstr. 1|10115 Berlin",DE,,de-AT,false,,,,contact|financial',
  'S-2,Ben Minor,,,,"Ringstr. 2|80331 München",DE,,de,true,Clara Guardian,clara@example.org,,contact',
  'S-3,Carl Nowhere,,,,,FR,,fr,false,,,,contact',
  'S-4,Dora Phone,,+33612345678,,,FR,,fr,false,,,,health',
  'S-5,Eve Push,,,tokE,,US,US-CA,en,false,,,,financial',
];
const CONTACT_VALUES = ['ana@example.org', '+4915123456789', 'clara@example.org', '+33612345678', 'Hauptstr. 1', 'Ringstr. 2'];

const texts = (lang: string) => ({
  subject: `[${lang}] Security incident {{incidentRef}}`,
  whatHappened: `[${lang}] Dear {{name}}, on 20 November a storage bucket holding your address was public for three hours.`,
  possibleImpact: `[${lang}] Someone may use your address for phishing.`,
  measuresTaken: `[${lang}] We closed access and rotated every key.`,
  selfProtection: `[${lang}] Be wary of messages asking for your password.`,
  remedialMeasures: `[${lang}] We offer 12 months of identity monitoring.`,
  contactPoint: `[${lang}] Data protection officer, dpo@example.org`,
});

function campaignBody(over: Record<string, unknown> = {}) {
  return {
    name: 'Customers: first notice',
    audience: { kind: 'all' },
    channelChain: ['email', 'sms', 'letter'],
    defaultLanguage: 'en',
    content: { en: texts('en'), de: texts('de') },
    substitutePolicy: { unreachableShare: 0.1, mode: 'draft_for_approval', durationDays: 90 },
    ...over,
  };
}

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: api.database.url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function newIncident(title = 'Campaign test'): Promise<string> {
  const res = await api.http.post('/v1/incidents').set(auth(responder)).send({ title, awareAt: '2026-11-20T08:00:00Z' });
  expect(res.status).toBe(201);
  return res.body.ref as string;
}

async function create(incident: string, over: Record<string, unknown> = {}, token = responder) {
  const res = await api.http.post(base(incident)).set(auth(token)).send(campaignBody(over));
  expect(res.status).toBe(201);
  return res.body;
}

async function auditActions(incidentRef: string): Promise<{ action: string; entityId: string; actorId: string }[]> {
  const incident = await api.http.get(`/v1/incidents/${incidentRef}`).set(auth(admin));
  const res = await api.http.get('/v1/audit/events').query({ incidentId: incident.body.id, entityType: 'notice_campaign', limit: 1000 }).set(auth(admin));
  expect(res.status).toBe(200);
  return res.body.items;
}

const fields = (res: Response) => ((res.body.errors ?? []) as { field: string }[]).map((e) => e.field);

let ref: string;
let subjectIds: Record<string, string>;

beforeAll(async () => {
  api = await startApi();
  admin = api.adminToken;
  responder = await api.token('responder');
  approver = await api.token('approver');
  viewer = await api.token('viewer');
  const second = await api.http.post('/v1/tokens').set(auth(admin)).send({ name: 'second approver', role: 'approver' });
  other = { token: second.body.token, id: second.body.id };
  const tokens = (await api.http.get('/v1/tokens').set(auth(admin))).body.items as { id: string; name: string }[];
  ids = { responder: tokens.find((t) => t.name === 'test responder')!.id, approver: tokens.find((t) => t.name === 'test approver')!.id };

  ref = await newIncident('Bucket exposed');
  const imported = await api.http.post(`/v1/incidents/${ref}/subjects/import`).set(auth(responder)).set('Content-Type', 'text/csv').send([HEADER, ...SUBJECTS, ''].join('\n'));
  expect(imported.status).toBe(200);
  expect(imported.body.rowsAccepted).toBe(5);
  const subjects = (await api.http.get(`/v1/incidents/${ref}/subjects`).set(auth(responder))).body.items as { id: string; externalRef: string }[];
  subjectIds = Object.fromEntries(subjects.map((s) => [s.externalRef, s.id]));
});
afterAll(async () => api?.close());

describe('creating a campaign', () => {
  it('creates a validated draft authored by the caller, with its content hash, and audits it', async () => {
    const c = await create(ref);
    expect(c).toMatchObject({
      status: 'draft', name: 'Customers: first notice', channelChain: ['email', 'sms', 'letter'], defaultLanguage: 'en', languages: ['de', 'en'],
      authorId: ids.responder, approval: null, version: 1, includeRemediation: false, remediation: null,
      substitutePolicy: { unreachableShare: 0.1, mode: 'draft_for_approval', durationDays: 90 },
    });
    expect(c.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const got = await api.http.get(`${base(ref)}/${c.id}`).set(auth(viewer));
    expect(got.status).toBe(200);
    expect(got.body).toEqual(c);
    const list = await api.http.get(base(ref)).set(auth(viewer));
    expect(list.body.items.map((x: { id: string }) => x.id)).toContain(c.id);
    expect((await auditActions(ref)).filter((e) => e.entityId === c.id).map((e) => e.action)).toEqual(['campaign.created']);
  });

  it('refuses missing elements with a 400 naming each of them, with every bad field, and stores nothing', async () => {
    const inc = await newIncident('Validation');
    const res = await api.http.post(base(inc)).set(auth(responder)).send(campaignBody({
      channelChain: ['email', 'fax', 'email'],
      audience: { kind: 'filter', jurisdictions: ['XX'] },
      content: {
        en: { ...texts('en'), contactPoint: '' },
        fr: { subject: 'Incident', whatHappened: 'Bonjour {{prenom}}', measuresTaken: 'x', remedialMeasures: 'y' },
      },
    }));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(fields(res)).toEqual([
      'audience.jurisdictions[0]', 'channelChain[1]', 'channelChain[2]',
      'content.en.contactPoint', 'content.fr.whatHappened', 'content.fr.selfProtection', 'content.fr.contactPoint',
    ]);
    const reasons = Object.fromEntries((res.body.errors as { field: string; reason: string }[]).map((e) => [e.field, e.reason]));
    expect(reasons['content.fr.selfProtection']).toBe('required element missing');
    expect(reasons['content.en.contactPoint']).toBe('required element missing');
    expect(reasons['content.fr.whatHappened']).toMatch(/unknown placeholder \{\{prenom\}\}/);
    expect(res.body.detail).toContain('content.fr.selfProtection: required element missing');
    expect((await api.http.get(base(inc)).set(auth(responder))).body.items).toEqual([]);
    expect(await auditActions(inc)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a default language without content', { defaultLanguage: 'fr' }, ['content.fr']],
    ['an SMS that cannot fit in 4 segments with its link', { content: { en: { ...texts('en'), sms: 'ж'.repeat(250) }, de: texts('de') } }, ['content.en.sms']],
    ['a blank name', { name: '  ' }, ['name']],
    ['a policy with an unknown mode', { substitutePolicy: { unreachableCount: 10, mode: 'shout', durationDays: 30 } }, ['substitutePolicy.mode']],
    ['content as a string', { content: 'hello' }, ['content']],
  ])('refuses %s, naming the field', async (_case, over, expected) => {
    const res = await api.http.post(base(ref)).set(auth(responder)).send(campaignBody(over));
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(expected);
  });

  it.each([
    ['an unknown top-level field', { colour: 'red' }, 'colour'],
    ['a missing content', { content: undefined }, 'content'],
    ['includeRemediation not a boolean', { includeRemediation: 'yes' }, 'includeRemediation'],
  ])('refuses %s at the edge', async (_case, over, field) => {
    const res = await api.http.post(base(ref)).set(auth(responder)).send(campaignBody(over));
    expect(res.status).toBe(400);
    expect(fields(res)).toContain(field);
  });

  it('viewers, approvers and regulators cannot create; an admin can', async () => {
    for (const token of [viewer, approver, await api.token('regulator')]) {
      expect((await api.http.post(base(ref)).set(auth(token)).send(campaignBody())).status).toBe(403);
    }
    expect((await api.http.post(base(ref)).set(auth(admin)).send(campaignBody())).status).toBe(201);
  });

  it('404 for an unknown incident or campaign, 400 for a malformed id', async () => {
    expect((await api.http.post(base('INC-2026-9999')).set(auth(responder)).send(campaignBody())).status).toBe(404);
    expect((await api.http.get(`${base(ref)}/00000000-0000-4000-8000-000000000000`).set(auth(viewer))).status).toBe(404);
    const bad = await api.http.get(`${base(ref)}/nope`).set(auth(viewer));
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['id']);
    const c = await create(ref);
    const elsewhere = await newIncident('Elsewhere');
    expect((await api.http.get(`${base(elsewhere)}/${c.id}`).set(auth(viewer))).status).toBe(404);
  });
});

describe('preview', () => {
  let campaign: { id: string; contentHash: string };
  beforeAll(async () => {
    campaign = await create(ref);
  });
  const preview = (query: Record<string, string>, token = approver) => api.http.get(`${base(ref)}/${campaign.id}/preview`).query(query).set(auth(token));

  it('e-mail for a German-speaking minor: German, addressed to the guardian, five elements under headings', async () => {
    const res = await preview({ channel: 'email', subject: subjectIds['S-2']! });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ channel: 'email', language: 'de', addressedTo: 'guardian', sample: false, contentHash: campaign.contentHash });
    expect(res.body.subject).toBe(`[de] Security incident ${ref}`);
    expect(res.body.text.split('\n')[0]).toBe('An die Erziehungsberechtigten von Ben Minor');
    for (const heading of ['Was ist passiert', 'Mögliche Folgen für Sie', 'Was wir unternommen haben und unternehmen werden', 'Was Sie selbst tun können', 'Was wir Ihnen anbieten', 'Kontakt']) {
      expect(res.body.html).toContain(`<h2>${heading}</h2>`);
    }
    expect(res.body.html).toContain('Dear Ben Minor, on 20 November');
  });

  it.each([
    ['S-1', 'de'],
    ['S-3', 'en'],
  ])('language: subject %s reads %s', async (subject, language) => {
    const res = await preview({ channel: 'push', subject: subjectIds[subject]! });
    expect(res.body.language).toBe(language);
    expect(res.body.title).toBe(`[${language}] Security incident ${ref}`);
    expect(res.body.link).toBe('http://127.0.0.1:3000/n/preview');
  });

  it('SMS: the short text and the link, within 4 segments', async () => {
    const res = await preview({ channel: 'sms', subject: subjectIds['S-4']! });
    expect(res.status).toBe(200);
    expect(res.body.text).toBe(`[en] Security incident ${ref} http://127.0.0.1:3000/n/preview`);
    expect(res.body).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('the notice page is a full HTML document', async () => {
    const res = await preview({ channel: 'page', language: 'de' });
    expect(res.status).toBe(200);
    expect(res.body.html).toMatch(/^<!DOCTYPE html>\n<html lang="de">/);
    expect(res.body.html).toContain('<h1>[de] Security incident');
    expect(res.body.sample).toBe(true);
  });

  it('letter: a PDF with the address block of the guardian', async () => {
    const res = await preview({ channel: 'letter', subject: subjectIds['S-2']! }).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    const text = pdfText(pdf);
    for (const line of ['Clara Guardian', 'Ringstr. 2', '80331 München', 'An die Erziehungsberechtigten von Ben Minor', 'Was Sie selbst tun können', `Zeichen: ${ref}`]) {
      expect(text).toContain(line);
    }
  });

  it('letter for the synthetic sample of a minor', async () => {
    const res = await preview({ channel: 'letter', minor: 'true' }, viewer).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    const text = pdfText(res.body as Buffer);
    expect(text).toContain('Sam Sample');
    expect(text).toContain('To the parent or guardian of Alex Sample');
  });

  it('a subject without a postal address has no letter (409); another incident\'s subject is not found', async () => {
    expect((await preview({ channel: 'letter', subject: subjectIds['S-3']! })).status).toBe(409);
    expect((await preview({ channel: 'email', subject: '999999' })).status).toBe(404);
  });

  it.each([
    [{ channel: 'fax' }, 'channel'],
    [{}, 'channel'],
    [{ channel: 'email', subject: 'abc' }, 'subject'],
    [{ channel: 'email', language: 'fr' }, 'language'],
  ])('refuses a bad query %j, naming %s', async (query, field) => {
    const res = await preview(query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(fields(res)).toContain(field);
  });

  it('a viewer previews with the synthetic sample only', async () => {
    expect((await preview({ channel: 'email' }, viewer)).status).toBe(200);
    const res = await preview({ channel: 'email', subject: subjectIds['S-1']! }, viewer);
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/synthetic sample only/);
  });
});

describe('approval', () => {
  it('the author cannot approve: as a responder by role, and as an approver by the four-eyes rule', async () => {
    const c = await create(ref);
    const byAuthor = await api.http.post(`${base(ref)}/${c.id}/approve`).set(auth(responder)).send({ version: 1, contentHash: c.contentHash });
    expect(byAuthor.status).toBe(403);
    // An approver who wrote the campaign (roles may change hands): authorship is by token id.
    await sql('UPDATE notice_campaigns SET author_id = $1 WHERE id = $2', [ids.approver, c.id]);
    const selfApproval = await api.http.post(`${base(ref)}/${c.id}/approve`).set(auth(approver)).send({ version: 1, contentHash: c.contentHash });
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.body.type).toBe('urn:tocsin:problem:author-cannot-approve');
    expect(selfApproval.body.detail).toMatch(/another approver must approve it/);
    expect((await api.http.get(`${base(ref)}/${c.id}`).set(auth(viewer))).body).toMatchObject({ status: 'draft', approval: null });
    // The database holds the rule too.
    await expect(sql("UPDATE notice_campaigns SET status = 'approved', approved_by = author_id, approved_at = now(), approved_hash = content_hash WHERE id = $1", [c.id])).rejects.toThrow(/notice_campaigns_four_eyes/);
  });

  it.each(['admin', 'responder', 'viewer'] as const)('a %s cannot approve', async (role) => {
    const c = await create(ref);
    const res = await api.http.post(`${base(ref)}/${c.id}/approve`).set(auth(await api.token(role))).send({ version: 1, contentHash: c.contentHash });
    expect(res.status).toBe(403);
  });

  it('another approver approves what they saw: hash recorded, audited; a stale hash or version is 409', async () => {
    const c = await create(ref);
    const url = `${base(ref)}/${c.id}/approve`;
    const wrongHash = await api.http.post(url).set(auth(approver)).send({ version: 1, contentHash: 'f'.repeat(64) });
    expect(wrongHash.status).toBe(409);
    expect(wrongHash.body.currentHash).toBe(c.contentHash);
    const stale = await api.http.post(url).set(auth(approver)).send({ version: 2, contentHash: c.contentHash });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(1);
    const malformed = await api.http.post(url).set(auth(approver)).send({ version: 1, contentHash: 'abc' });
    expect(malformed.status).toBe(400);
    expect(fields(malformed)).toEqual(['contentHash']);

    const ok = await api.http.post(url).set(auth(approver)).send({ version: 1, contentHash: c.contentHash });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved', version: 2, contentHash: c.contentHash, approval: { approvedBy: ids.approver, approvedHash: c.contentHash } });
    expect(Date.parse(ok.body.approval.approvedAt)).toBeGreaterThan(Date.now() - 60_000);
    const again = await api.http.post(url).set(auth(other.token)).send({ version: 2, contentHash: c.contentHash });
    expect(again.status).toBe(409);
    const actions = (await auditActions(ref)).filter((e) => e.entityId === c.id);
    expect(actions.map((e) => e.action)).toEqual(['campaign.created', 'campaign.approved']);
    expect(actions[1]!.actorId).toBe(ids.approver);
  });

  it('an edit after approval puts the campaign back to draft, clears the approval, and needs a new one', async () => {
    const c = await create(ref);
    const approved = await api.http.post(`${base(ref)}/${c.id}/approve`).set(auth(approver)).send({ version: 1, contentHash: c.contentHash });
    expect(approved.status).toBe(200);

    const edited = await api.http.patch(`${base(ref)}/${c.id}`).set(auth(responder))
      .send({ version: 2, content: { en: { ...texts('en'), selfProtection: 'Change your password now.' }, de: texts('de') } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'draft', approval: null, version: 3 });
    expect(edited.body.contentHash).not.toBe(c.contentHash);
    expect(edited.body.content.en.selfProtection).toBe('Change your password now.');
    const stored = (await sql<{ approved_by: string | null; approved_hash: string | null }>('SELECT approved_by, approved_hash FROM notice_campaigns WHERE id = $1', [c.id]))[0]!;
    expect(stored).toEqual({ approved_by: null, approved_hash: null });

    // The old approval does not carry over: the approver must approve the new content.
    const oldHash = await api.http.post(`${base(ref)}/${c.id}/approve`).set(auth(approver)).send({ version: 3, contentHash: c.contentHash });
    expect(oldHash.status).toBe(409);
    const reapproved = await api.http.post(`${base(ref)}/${c.id}/approve`).set(auth(other.token)).send({ version: 3, contentHash: edited.body.contentHash });
    expect(reapproved.status).toBe(200);
    expect(reapproved.body.approval.approvedBy).toBe(other.id);

    const renamed = await api.http.patch(`${base(ref)}/${c.id}`).set(auth(admin)).send({ version: 4, name: 'Renamed' });
    expect(renamed.body).toMatchObject({ status: 'draft', approval: null, contentHash: edited.body.contentHash });

    expect((await auditActions(ref)).filter((e) => e.entityId === c.id).map((e) => e.action)).toEqual([
      'campaign.created', 'campaign.approved', 'campaign.updated', 'campaign.approval_cleared', 'campaign.approved', 'campaign.updated', 'campaign.approval_cleared',
    ]);
  });

  it('a stale version is a 409 and writes nothing; an edit that changes nothing writes nothing', async () => {
    const c = await create(ref);
    const first = await api.http.patch(`${base(ref)}/${c.id}`).set(auth(responder)).send({ version: 1, channelChain: ['letter', 'email'] });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    const stale = await api.http.patch(`${base(ref)}/${c.id}`).set(auth(responder)).send({ version: 1, name: 'Overwritten' });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(2);
    const same = await api.http.patch(`${base(ref)}/${c.id}`).set(auth(responder)).send({ version: 2, channelChain: ['letter', 'email'] });
    expect(same.body.version).toBe(2);
    const read = await api.http.get(`${base(ref)}/${c.id}`).set(auth(viewer));
    expect(read.body).toMatchObject({ name: 'Customers: first notice', channelChain: ['letter', 'email'], version: 2 });
    expect((await auditActions(ref)).filter((e) => e.entityId === c.id).map((e) => e.action)).toEqual(['campaign.created', 'campaign.updated']);
  });

  it('a PATCH is validated on the campaign as it would be stored, naming each missing element', async () => {
    const c = await create(ref);
    const res = await api.http.patch(`${base(ref)}/${c.id}`).set(auth(responder))
      .send({ version: 1, defaultLanguage: 'fr', content: { en: { ...texts('en'), measuresTaken: ' ' }, de: { ...texts('de'), remedialMeasures: undefined } } });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['content.en.measuresTaken', 'content.de.remedialMeasures', 'content.fr']);
    expect((await api.http.get(`${base(ref)}/${c.id}`).set(auth(viewer))).body.version).toBe(1);
  });

  it('viewers cannot edit or cancel', async () => {
    const c = await create(ref);
    expect((await api.http.patch(`${base(ref)}/${c.id}`).set(auth(viewer)).send({ version: 1, name: 'x' })).status).toBe(403);
    expect((await api.http.post(`${base(ref)}/${c.id}/cancel`).set(auth(viewer)).send({})).status).toBe(403);
    expect((await api.http.patch(`${base(ref)}/${c.id}`).set(auth(approver)).send({ version: 1, name: 'x' })).status).toBe(403);
  });
});

describe('cancelling and the notifier\'s statuses', () => {
  it('an approver cancels; a cancelled campaign can be neither edited nor approved', async () => {
    const c = await create(ref);
    const cancelled = await api.http.post(`${base(ref)}/${c.id}/cancel`).set(auth(approver)).send({ version: 1 });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.cancelledAt).not.toBeNull();
    const twice = await api.http.post(`${base(ref)}/${c.id}/cancel`).set(auth(responder)).send({});
    expect(twice.status).toBe(200);
    expect(twice.body.version).toBe(2);
    expect((await api.http.patch(`${base(ref)}/${c.id}`).set(auth(responder)).send({ version: 2, name: 'x' })).status).toBe(409);
    expect((await api.http.post(`${base(ref)}/${c.id}/approve`).set(auth(approver)).send({ version: 2, contentHash: c.contentHash })).status).toBe(409);
    expect((await auditActions(ref)).filter((e) => e.entityId === c.id).map((e) => e.action)).toEqual(['campaign.created', 'campaign.cancelled']);
  });

  it('a running campaign cannot be edited but can be cancelled; a completed one neither', async () => {
    const c = await create(ref);
    await api.http.post(`${base(ref)}/${c.id}/approve`).set(auth(approver)).send({ version: 1, contentHash: c.contentHash });
    await sql("UPDATE notice_campaigns SET status = 'running', started_at = now() WHERE id = $1", [c.id]);
    const edit = await api.http.patch(`${base(ref)}/${c.id}`).set(auth(responder)).send({ version: 2, name: 'x' });
    expect(edit.status).toBe(409);
    expect(edit.body.type).toBe('urn:tocsin:problem:campaign-not-editable');
    expect((await api.http.post(`${base(ref)}/${c.id}/cancel`).set(auth(admin)).send({ version: 1 })).status).toBe(409);
    expect((await api.http.post(`${base(ref)}/${c.id}/cancel`).set(auth(admin)).send({ version: 2 })).body.status).toBe('cancelled');

    const done = await create(ref);
    await api.http.post(`${base(ref)}/${done.id}/approve`).set(auth(approver)).send({ version: 1, contentHash: done.contentHash });
    await sql("UPDATE notice_campaigns SET status = 'completed', finished_at = now() WHERE id = $1", [done.id]);
    const cancel = await api.http.post(`${base(ref)}/${done.id}/cancel`).set(auth(admin)).send({});
    expect(cancel.status).toBe(409);
  });
});

describe('audience', () => {
  it.each<[string, Record<string, unknown>, string[], Record<string, unknown>]>([
    ['everyone, e-mail → SMS → letter', { kind: 'all' }, ['email', 'sms', 'letter'],
      { subjects: 5, minors: 1, reachable: 3, unreachable: 2, byChannel: { email: 2, sms: 2, letter: 2 }, byFirstChannel: { email: 2, sms: 1, letter: 0 } }],
    ['everyone, letter first', { kind: 'all' }, ['letter', 'push'],
      { subjects: 5, minors: 1, reachable: 3, unreachable: 2, byChannel: { letter: 2, push: 2 }, byFirstChannel: { letter: 2, push: 1 } }],
    ['France', { kind: 'filter', jurisdictions: ['FR'] }, ['email', 'sms'],
      { subjects: 2, minors: 0, reachable: 1, unreachable: 1, byChannel: { email: 0, sms: 1 }, byFirstChannel: { email: 0, sms: 1 } }],
    ['California by region, and financial data', { kind: 'filter', jurisdictions: ['US-CA', 'DE'], dataCategories: ['financial'] }, ['push'],
      { subjects: 2, minors: 0, reachable: 2, unreachable: 0, byChannel: { push: 2 }, byFirstChannel: { push: 2 } }],
  ])('%s', async (_case, audience, chain, expected) => {
    const c = await create(ref, { audience, channelChain: chain });
    const res = await api.http.get(`${base(ref)}/${c.id}/audience`).set(auth(viewer));
    expect(res.status).toBe(200);
    const stored = audience.kind === 'all' ? audience : { jurisdictions: [], dataCategories: [], ...audience };
    expect(res.body).toEqual({ campaignId: c.id, audience: stored, channelChain: chain, ...expected });
  });
});

describe('remediation in notices', () => {
  it('pulls the flagged actions in as bullets when asked, freezes them in the hash, and refreshes them on edit', async () => {
    const inc = await newIncident('Remediation');
    const action = (body: Record<string, unknown>) => api.http.post(`/v1/incidents/${inc}/remediation-actions`).set(auth(responder)).send(body);
    expect((await action({ kind: 'containment', title: 'Close bucket', includeInNotice: true, publicWording: 'We made the storage private.' })).status).toBe(201);
    expect((await action({ kind: 'support', title: 'Monitoring', includeInNotice: true, publicWording: 'Free credit monitoring for 2 years.' })).status).toBe(201);
    expect((await action({ kind: 'recovery', title: 'Internal only', includeInNotice: false })).status).toBe(201);

    const plain = await create(inc, { channelChain: ['email'] });
    const c = await create(inc, { channelChain: ['email'], includeRemediation: true });
    expect(c.remediation.map((r: { kind: string; wording: string }) => [r.kind, r.wording])).toEqual([
      ['containment', 'We made the storage private.'], ['support', 'Free credit monitoring for 2 years.'],
    ]);
    expect(c.contentHash).not.toBe(plain.contentHash);

    const email = await api.http.get(`${base(inc)}/${c.id}/preview`).query({ channel: 'email' }).set(auth(responder));
    expect(email.body.text).toContain('[en] We closed access and rotated every key.\n\n• We made the storage private.');
    expect(email.body.text).toContain('[en] We offer 12 months of identity monitoring.\n\n• Free credit monitoring for 2 years.');
    expect(email.body.html).toContain('<ul><li>Free credit monitoring for 2 years.</li></ul>');

    expect((await action({ kind: 'prevention', title: 'Policy checks', includeInNotice: true, publicWording: 'We check every bucket daily.' })).status).toBe(201);
    const refreshed = await api.http.patch(`${base(inc)}/${c.id}`).set(auth(responder)).send({ version: 1, includeRemediation: true });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.remediation).toHaveLength(3);
    expect(refreshed.body.contentHash).not.toBe(c.contentHash);
  });
});

describe('logs', () => {
  it('carry no contact data of the subjects previewed', () => {
    const logs = api.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const value of CONTACT_VALUES) expect(logs).not.toContain(value);
  });
});
