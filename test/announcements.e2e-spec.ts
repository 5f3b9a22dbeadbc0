import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { XMLParser } from 'fast-xml-parser';
import pg from 'pg';
import { AuditTrail, createDataSource, Database } from '#database';
import { AnnouncementMonitor } from '../apps/notifier/src/announcements/announcement-monitor.js';
import { SubstituteNoticeRepository } from '../apps/notifier/src/announcements/substitute-notice.repository.js';
import { notifierConfigFromEnv } from '../apps/notifier/src/notifier-config.js';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { memoryProviders, startNotifier } from './support/notifier-harness.js';

let api: ApiHarness;
let admin: string;
let responder: string;
let approver: string;
let viewer: string;
let second: { token: string; id: string };
let ids: { responder: string; approver: string };
let db: pg.Client;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

const texts = (lang: string) => ({
  subject: `[${lang}] Security incident {{incidentRef}}`,
  whatHappened: `[${lang}] Dear {{name}}, a storage bucket holding <customer> addresses was public for three hours.`,
  measuresTaken: `[${lang}] We closed access and rotated every key.`,
  selfProtection: `[${lang}] Be wary of messages asking for your password.`,
  remedialMeasures: `[${lang}] We offer 12 months of identity monitoring.`,
  contactPoint: `[${lang}] Data protection officer, dpo@example.org`,
});

/** `withEmail` people with an e-mail address, then `without` people with no contact details at all. */
function subjectsCsv(withEmail: number, without: number): string {
  const lines = ['externalRef,name,email,phone,pushTokens,postalAddress,country,language'];
  for (let i = 0; i < withEmail; i++) lines.push(`E${i},Reachable ${i},person${i}@example.org,,,,DE,en`);
  for (let i = 0; i < without; i++) lines.push(`N${i},Lost ${i},,,,,DE,de`);
  return lines.join('\n') + '\n';
}

async function incidentWith(title: string, withEmail: number, without: number): Promise<string> {
  const incident = await api.http.post('/v1/incidents').set(auth(responder)).send({ title, awareAt: '2026-11-20T08:00:00Z' });
  expect(incident.status).toBe(201);
  const ref = incident.body.ref as string;
  if (withEmail + without > 0) {
    const imported = await api.http.post(`/v1/incidents/${ref}/subjects/import`).set(auth(responder)).set('Content-Type', 'text/csv').send(subjectsCsv(withEmail, without));
    expect(imported.body.rowsAccepted).toBe(withEmail + without);
  }
  return ref;
}

async function approvedCampaign(ref: string, substitutePolicy: unknown): Promise<string> {
  const created = await api.http.post(`/v1/incidents/${ref}/campaigns`).set(auth(responder))
    .send({ name: 'Notice', audience: { kind: 'all' }, channelChain: ['email'], defaultLanguage: 'en', content: { en: texts('en'), de: texts('de') }, substitutePolicy });
  expect(created.status).toBe(201);
  const approved = await api.http.post(`/v1/incidents/${ref}/campaigns/${created.body.id}/approve`).set(auth(approver))
    .send({ version: created.body.version, contentHash: created.body.contentHash });
  expect(approved.status).toBe(200);
  return created.body.id;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows as T[];
const announcementOf = async (campaignId: string) => (await q<{ id: string; slug: string; status: string }>('SELECT id, slug, status FROM announcements WHERE campaign_id = $1', [campaignId]))[0];
const staff = (key: string, token = viewer) => api.http.get(`/v1/announcements/${key}`).set(auth(token));

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => name === 'entry' || name === 'link' });
type AtomEntry = { id: string; title: string | { '#text': string }; updated: string; published?: string; link: { '@_href': string }[]; content?: unknown };
async function readFeed(): Promise<{ feed: Record<string, unknown> & { entry?: AtomEntry[] }; res: { headers: Record<string, string>; text: string } }> {
  const res = await api.http.get('/announcements/feed.atom');
  expect(res.status).toBe(200);
  const parsed = parser.parse(res.text) as { feed: Record<string, unknown> & { entry?: AtomEntry[] } };
  return { feed: parsed.feed, res: res as unknown as { headers: Record<string, string>; text: string } };
}
const entryTitle = (e: AtomEntry) => (typeof e.title === 'string' ? e.title : e.title['#text']);

// The campaigns the notifiers judge, and their announcements.
const c: Record<'auto' | 'draft' | 'nobody' | 'fine', { ref: string; campaign: string }> = {} as never;

beforeAll(async () => {
  api = await startApi();
  admin = api.adminToken;
  responder = await api.token('responder');
  approver = await api.token('approver');
  viewer = await api.token('viewer');
  const made = await api.http.post('/v1/tokens').set(auth(admin)).send({ name: 'second approver', role: 'approver' });
  second = { token: made.body.token, id: made.body.id };
  const tokens = (await api.http.get('/v1/tokens').set(auth(admin))).body.items as { id: string; name: string }[];
  ids = { responder: tokens.find((t) => t.name === 'test responder')!.id, approver: tokens.find((t) => t.name === 'test approver')!.id };
  db = new pg.Client({ connectionString: api.database.url });
  await db.connect();

  // Most of the audience cannot be reached: 8 of 10 have no contact details (policy: a share of 50%, published at once).
  c.auto = { ref: await incidentWith('Most unreachable', 2, 8), campaign: '' };
  c.auto.campaign = await approvedCampaign(c.auto.ref, { unreachableShare: 0.5, mode: 'auto_publish', durationDays: 30 });
  // 11 of 12 unreachable, policy: from 10 people, drafted for an approver.
  c.draft = { ref: await incidentWith('Draft for approval', 1, 11), campaign: '' };
  c.draft.campaign = await approvedCampaign(c.draft.ref, { unreachableCount: 10, mode: 'draft_for_approval', durationDays: 90 });
  // Nobody has contact details and the campaign has no policy: people must be told somehow.
  c.nobody = { ref: await incidentWith('Nobody reachable', 0, 3), campaign: '' };
  c.nobody.campaign = await approvedCampaign(c.nobody.ref, null);
  // Everyone reachable: no announcement.
  c.fine = { ref: await incidentWith('All reachable', 10, 0), campaign: '' };
  c.fine.campaign = await approvedCampaign(c.fine.ref, { unreachableShare: 0.5, mode: 'auto_publish', durationDays: 30 });

  // Two notifier processes on one database.
  const notifiers = await Promise.all([startNotifier(api.database.url, memoryProviders()), startNotifier(api.database.url, memoryProviders())]);
  try {
    for (const { campaign } of Object.values(c)) {
      await waitFor(`campaign ${campaign} completed`, async () => (await q('SELECT 1 FROM notice_campaigns WHERE id = $1 AND status = $2', [campaign, 'completed'])).length > 0);
    }
    for (const key of ['auto', 'draft', 'nobody'] as const) await waitFor(`announcement of ${key}`, () => announcementOf(c[key].campaign));
    // Let both monitors look again at every campaign after completion (they check every 0.5 s here).
    await new Promise((r) => setTimeout(r, 1_500));
  } finally {
    await Promise.all(notifiers.map((n) => n.close()));
  }
}, 120_000);

afterAll(async () => {
  await db?.end();
  await api?.close();
});

describe('the notifier creates the announcement', () => {
  it('once per campaign even with two notifier processes, with one alert and one audit event', async () => {
    for (const key of ['auto', 'draft', 'nobody'] as const) {
      expect(await q('SELECT id FROM announcements WHERE campaign_id = $1', [c[key].campaign])).toHaveLength(1);
      const alerts = await q<{ severity: string; dedupe_key: string; message: string }>(`SELECT severity, dedupe_key, message FROM alerts WHERE kind = 'announcement_created' AND campaign_id = $1`, [c[key].campaign]);
      expect(alerts).toEqual([expect.objectContaining({ severity: 'warning', dedupe_key: `announcement_created:${c[key].campaign}` })]);
      expect(alerts[0]!.message).not.toMatch(/@example\.org/);
      const a = (await announcementOf(c[key].campaign))!;
      const audit = await q<{ action: string; actor_id: string }>(`SELECT action, actor_id FROM audit_events WHERE entity_type = 'announcement' AND entity_id = $1 ORDER BY seq`, [a.id]);
      expect(audit.map((e) => e.action)).toEqual(key === 'auto' ? ['announcement.created', 'announcement.published'] : ['announcement.created']);
      expect(audit.every((e) => e.actor_id === 'system')).toBe(true);
    }
    expect(await announcementOf(c.fine.campaign)).toBeUndefined();
  });

  it('auto_publish: published at once with the campaign\'s content, the reason, and visible for the policy\'s days', async () => {
    const a = (await announcementOf(c.auto.campaign))!;
    const res = await staff(a.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'published', campaignId: c.auto.campaign, incidentRef: c.auto.ref, slug: `${c.auto.ref.toLowerCase()}-notice`,
      title: `[en] Security incident ${c.auto.ref}`, defaultLanguage: 'en', languages: ['de', 'en'], ground: 'unreachable_share',
      durationDays: 30, createdBy: null, publishedBy: null, withdrawal: null, updates: [],
    });
    expect(res.body.content.de).toEqual(texts('de'));
    expect(res.body.reason).toBe("8 of 10 people (80%) could not be reached: at or above the policy's threshold of 50% of the audience.");
    expect(new Date(res.body.visibleUntil).getTime() - new Date(res.body.publishedAt).getTime()).toBe(30 * 86_400_000);
  });

  it('draft_for_approval: a draft; no policy but nobody reachable: a draft that says people must be told', async () => {
    const draft = (await staff((await announcementOf(c.draft.campaign))!.id)).body;
    expect(draft).toMatchObject({ status: 'draft', ground: 'unreachable_count', durationDays: 90, publishedAt: null, visibleUntil: null });
    const nobody = (await staff((await announcementOf(c.nobody.campaign))!.id)).body;
    expect(nobody).toMatchObject({ status: 'draft', ground: 'no_contact', durationDays: 90 });
    expect(nobody.reason).toMatch(/people must be told somehow/);
  });

  it('two monitors racing on one campaign: the database lets one create it, the other writes nothing', async () => {
    const campaign = c.nobody.campaign;
    const before = (await announcementOf(campaign))!;
    await q('DELETE FROM alerts WHERE campaign_id = $1', [campaign]);
    await q('DELETE FROM announcements WHERE id = $1', [before.id]);
    const config = notifierConfigFromEnv({}, api.database.url);
    const monitors = await Promise.all([0, 1].map(async () => {
      const database = new Database(createDataSource(api.database.url, 2));
      await database.dataSource.initialize();
      return { database, monitor: new AnnouncementMonitor(database, new SubstituteNoticeRepository(database), new AuditTrail(), config) };
    }));
    try {
      const results = (await Promise.all(monitors.map((m) => m.monitor.check()))).flat();
      expect(results).toHaveLength(1);
      expect(await q('SELECT 1 FROM announcements WHERE campaign_id = $1', [campaign])).toHaveLength(1);
      expect(await q('SELECT 1 FROM alerts WHERE campaign_id = $1', [campaign])).toHaveLength(1);
      expect(await q(`SELECT 1 FROM audit_events WHERE action = 'announcement.created' AND entity_id = $1`, [results[0]!.id])).toHaveLength(1);
      expect(results[0]!.slug).toBe(before.slug);
      // A second pass finds nothing to do.
      expect((await Promise.all(monitors.map((m) => m.monitor.check()))).flat()).toEqual([]);
    } finally {
      await Promise.all(monitors.map((m) => m.database.dataSource.destroy()));
    }
  });
});

describe('public pages and feed', () => {
  it('the page needs no token, shows the notice under headings in the asked language, cached for a minute, escaped', async () => {
    const a = (await announcementOf(c.auto.campaign))!;
    const res = await api.http.get(`/announcements/${a.slug}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain(`<h1>[en] Security incident ${c.auto.ref}</h1>`);
    for (const h of ['What happened', 'What we have done and will do', 'What you can do to protect yourself', 'What we offer you', 'Contact']) expect(res.text).toContain(`<h2>${h}</h2>`);
    expect(res.text).toContain('Dear customer, a storage bucket holding &lt;customer&gt; addresses');
    expect(res.text).not.toMatch(/<script|<img|<iframe/);

    const de = await api.http.get(`/announcements/${a.slug}`).query({ lang: 'de' });
    expect(de.text).toContain('<html lang="de">');
    expect(de.text).toContain(`<h1>[de] Security incident ${c.auto.ref}</h1>`);
    expect(de.text).toContain('<h2>Was ist passiert</h2>');
    const accept = await api.http.get(`/announcements/${a.slug}`).set('Accept-Language', 'fr;q=0.9, de-AT;q=0.8');
    expect(accept.text).toContain('<html lang="de">');
    expect(accept.headers['vary']).toMatch(/Accept-Language/);
    const fallback = await api.http.get(`/announcements/${a.slug}`).query({ lang: 'ja' }).set('Accept-Language', 'ja');
    expect(fallback.text).toContain('<html lang="en">');
  });

  it('the index lists the current ones with links; drafts are not public', async () => {
    const auto = (await announcementOf(c.auto.campaign))!;
    const draft = (await announcementOf(c.draft.campaign))!;
    const index = await api.http.get('/announcements');
    expect(index.status).toBe(200);
    expect(index.headers['cache-control']).toBe('public, max-age=60');
    expect(index.text).toContain('<html lang="en">');
    expect(index.text).toContain(`/announcements/${auto.slug}"`);
    expect(index.text).not.toContain(draft.slug);
    const page = await api.http.get(`/announcements/${draft.slug}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('Announcement not found');
  });

  it('the feed is valid Atom: namespace, id, title, updated, and one entry per published announcement', async () => {
    const auto = (await staff((await announcementOf(c.auto.campaign))!.id)).body;
    const { feed, res } = await readFeed();
    expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    const base = auto.publicUrl.replace(/\/announcements\/.*$/, '');
    expect(feed.id).toBe(`${base}/announcements`);
    expect(feed.title).toBe('Public announcements');
    expect((feed.author as { name: string }).name).toBeTruthy();
    expect(Date.parse(feed.updated as string)).not.toBeNaN();
    expect(feed.entry).toHaveLength(1);
    const entry = feed.entry![0]!;
    expect(entry.id).toBe(`urn:uuid:${auto.id}`);
    expect(entryTitle(entry)).toBe(auto.title);
    expect(new Date(entry.updated).toISOString()).toBe(new Date(auto.publishedAt).toISOString());
    expect(entry.link[0]!['@_href']).toBe(auto.publicUrl);
    expect(entry.link[0]!['@_href']).toMatch(/^https?:\/\//);
    expect(new Date(feed.updated as string).toISOString()).toBe(new Date(auto.publishedAt).toISOString());
  });

  it('an unknown slug is a 404 page, a malformed one too', async () => {
    for (const slug of ['inc-1999-0001-notice', 'Not_A_Slug', 'x'.repeat(200)]) {
      const res = await api.http.get(`/announcements/${slug}`);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
    }
  });
});

describe('publishing a draft', () => {
  it('only an approver publishes; then it is public and in the feed, for the policy\'s 90 days', async () => {
    const a = (await announcementOf(c.draft.campaign))!;
    const url = `/v1/announcements/${a.id}/publish`;
    for (const token of [admin, responder, viewer]) expect((await api.http.post(url).set(auth(token)).send({ version: 1 })).status).toBe(403);
    expect((await api.http.post(url).send({ version: 1 })).status).toBe(401);
    const stale = await api.http.post(url).set(auth(approver)).send({ version: 9 });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(1);
    // Made by the system: any approver may publish it.
    const published = await api.http.post(url).set(auth(approver)).send({ version: 1 });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ status: 'published', publishedBy: ids.approver, version: 2 });
    expect(new Date(published.body.visibleUntil).getTime() - new Date(published.body.publishedAt).getTime()).toBe(90 * 86_400_000);
    expect((await api.http.get(`/announcements/${a.slug}`)).status).toBe(200);
    const { feed } = await readFeed();
    expect(feed.entry!.map((e) => e.id)).toContain(`urn:uuid:${a.id}`);
    const again = await api.http.post(url).set(auth(second.token)).send({ version: 2 });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('urn:tocsin:problem:announcement-not-draft');
  });
});

describe('the timeline', () => {
  it('updates appear on the page newest first, and move the feed entry\'s updated', async () => {
    const a = (await announcementOf(c.auto.campaign))!;
    const first = await api.http.post(`/v1/announcements/${a.id}/updates`).set(auth(responder)).send({ body: 'Our helpline is now open on weekends.' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ body: { en: 'Our helpline is now open on weekends.' }, createdBy: ids.responder });
    await new Promise((r) => setTimeout(r, 20));
    const second_ = await api.http.post(`/v1/announcements/${a.slug}/updates`).set(auth(admin)).send({ body: { en: 'The investigation is <closed>.', de: 'Die Untersuchung ist abgeschlossen.' } });
    expect(second_.status).toBe(201);

    const page = await api.http.get(`/announcements/${a.slug}`);
    expect(page.text.indexOf('The investigation is &lt;closed&gt;.')).toBeGreaterThan(0);
    expect(page.text.indexOf('The investigation is &lt;closed&gt;.')).toBeLessThan(page.text.indexOf('Our helpline is now open on weekends.'));
    const de = await api.http.get(`/announcements/${a.slug}?lang=de`);
    expect(de.text).toContain('Die Untersuchung ist abgeschlossen.');
    expect(de.text).toContain('<div lang="en"><p>Our helpline is now open on weekends.</p></div>');

    const { feed } = await readFeed();
    const entry = feed.entry!.find((e) => e.id === `urn:uuid:${a.id}`)!;
    expect(new Date(entry.updated).toISOString()).toBe(new Date(second_.body.at).toISOString());
    expect(new Date(feed.updated as string).getTime()).toBeGreaterThanOrEqual(new Date(second_.body.at).getTime());

    const got = await staff(a.id);
    expect(got.body.updates.map((u: { id: string }) => u.id)).toEqual([second_.body.id, first.body.id]);

    for (const [body, field] of [['  ', 'body'], [{ xx_bad: 'x' }, 'body.xx_bad'], [7, 'body']] as const) {
      const bad = await api.http.post(`/v1/announcements/${a.id}/updates`).set(auth(responder)).send({ body });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
    for (const token of [approver, viewer]) expect((await api.http.post(`/v1/announcements/${a.id}/updates`).set(auth(token)).send({ body: 'x' })).status).toBe(403);
  });
});

describe('withdrawing', () => {
  it('before visibleUntil: 409 without force, 400 with force but no reason, nothing changes; forced with a reason: 410 page', async () => {
    const a = (await announcementOf(c.auto.campaign))!;
    const url = `/v1/announcements/${a.id}/withdraw`;
    for (const token of [admin, responder, viewer]) expect((await api.http.post(url).set(auth(token)).send({})).status).toBe(403);
    const early = await api.http.post(url).set(auth(approver)).send({});
    expect(early.status).toBe(409);
    expect(early.body.type).toBe('urn:tocsin:problem:posting-period-not-over');
    expect(early.body.visibleUntil).toBeDefined();
    const noReason = await api.http.post(url).set(auth(approver)).send({ force: true });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([{ field: 'reason', reason: expect.stringContaining('required') }]);
    expect((await staff(a.id)).body.status).toBe('published');

    const forced = await api.http.post(url).set(auth(approver)).send({ force: true, reason: 'The authority ordered a corrected notice.' });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ status: 'withdrawn', withdrawal: { withdrawnBy: ids.approver, reason: 'The authority ordered a corrected notice.', forced: true } });
    const gone = await api.http.get(`/announcements/${a.slug}`);
    expect(gone.status).toBe(410);
    expect(gone.text).toContain('This announcement is no longer current');
    expect(gone.text).not.toContain('What happened');
    expect((await api.http.get('/announcements')).text).not.toContain(a.slug);
    expect((await readFeed()).feed.entry?.map((e) => e.id) ?? []).not.toContain(`urn:uuid:${a.id}`);
    // Twice is a no-op; a withdrawn one takes no updates and no edits.
    expect((await api.http.post(url).set(auth(approver)).send({})).status).toBe(200);
    expect((await api.http.post(`/v1/announcements/${a.id}/updates`).set(auth(responder)).send({ body: 'x' })).status).toBe(409);
    expect((await api.http.patch(`/v1/announcements/${a.id}`).set(auth(responder)).send({ version: forced.body.version, durationDays: 60 })).status).toBe(409);
  });
});

describe('staff-made announcements', () => {
  let ref: string;
  let id: string;
  const body = (over: Record<string, unknown> = {}) => ({ incident: ref, defaultLanguage: 'en', content: { en: texts('en') }, reason: 'Addresses of former customers are out of date.', durationDays: 7, ...over });

  beforeAll(async () => {
    ref = await incidentWith('By hand', 0, 0);
  });

  it('a responder drafts one for an incident; bad input is a 400 naming each field; other roles get 403', async () => {
    for (const token of [approver, viewer]) expect((await api.http.post('/v1/announcements').set(auth(token)).send(body())).status).toBe(403);
    const bad = await api.http.post('/v1/announcements').set(auth(responder)).send(body({ content: { en: { ...texts('en'), selfProtection: '' } }, reason: undefined, durationDays: 0 }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['content.en.selfProtection', 'durationDays', 'reason']);
    expect((await api.http.post('/v1/announcements').set(auth(responder)).send(body({ incident: 'INC-1999-0001' }))).status).toBe(404);
    expect((await api.http.post('/v1/announcements').set(auth(responder)).send(body({ campaignId: c.auto.campaign }))).status).toBe(400);
    expect((await api.http.post('/v1/announcements').set(auth(responder)).send(body({ incident: c.fine.ref, campaignId: c.fine.campaign }))).status).toBe(201);
    const taken = await api.http.post('/v1/announcements').set(auth(responder)).send(body({ incident: c.auto.ref, campaignId: c.auto.campaign }));
    expect(taken.status).toBe(409);
    expect(taken.body.type).toBe('urn:tocsin:problem:campaign-has-announcement');

    const res = await api.http.post('/v1/announcements').set(auth(responder)).send(body());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'draft', slug: `${ref.toLowerCase()}-notice`, title: `[en] Security incident ${ref}`, createdBy: ids.responder, ground: 'staff', durationDays: 7, version: 1 });
    id = res.body.id;
    const twin = await api.http.post('/v1/announcements').set(auth(admin)).send(body());
    expect(twin.body.slug).toBe(`${ref.toLowerCase()}-notice-2`);
    await api.http.post(`/v1/announcements/${twin.body.id}/withdraw`).set(auth(approver)).send({});
  });

  it('PATCH with version: drafts edited, stale versions refused', async () => {
    const stale = await api.http.patch(`/v1/announcements/${id}`).set(auth(responder)).send({ version: 5, title: 'New' });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(1);
    const ok = await api.http.patch(`/v1/announcements/${id}`).set(auth(responder)).send({ version: 1, title: 'Former customers: data exposed' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ title: 'Former customers: data exposed', version: 2 });
    const missing = await api.http.patch(`/v1/announcements/${id}`).set(auth(responder)).send({ version: 2, content: { en: { subject: 'x' } } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toContain('content.en.whatHappened');
    for (const token of [approver, viewer]) expect((await api.http.patch(`/v1/announcements/${id}`).set(auth(token)).send({ version: 2, title: 'y' })).status).toBe(403);
  });

  it('four eyes: the creator cannot publish (nor can the database be made to); another approver can', async () => {
    // An approver who created it (roles may change hands): creation is by token id.
    await q('UPDATE announcements SET created_by = $1 WHERE id = $2', [ids.approver, id]);
    const self = await api.http.post(`/v1/announcements/${id}/publish`).set(auth(approver)).send({ version: 2 });
    expect(self.status).toBe(403);
    expect(self.body.type).toBe('urn:tocsin:problem:creator-cannot-publish');
    await expect(q(`UPDATE announcements SET status = 'published', published_at = now(), visible_until = now() + interval '7 days', published_by = created_by WHERE id = $1`, [id]))
      .rejects.toThrow(/announcements_four_eyes/);
    const published = await api.http.post(`/v1/announcements/${id}/publish`).set(auth(second.token)).send({ version: 2 });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ status: 'published', publishedBy: second.id });
  });

  it('a published one: text frozen, period only extended; after the period it is gone (410) and withdraws without force', async () => {
    const now = (await staff(id)).body;
    const edit = await api.http.patch(`/v1/announcements/${id}`).set(auth(responder)).send({ version: now.version, content: { en: texts('en') } });
    expect(edit.status).toBe(409);
    expect(edit.body.type).toBe('urn:tocsin:problem:announcement-published');
    const shorter = await api.http.patch(`/v1/announcements/${id}`).set(auth(responder)).send({ version: now.version, durationDays: 3 });
    expect(shorter.status).toBe(409);
    expect(shorter.body.type).toBe('urn:tocsin:problem:posting-period-shortened');
    const longer = await api.http.patch(`/v1/announcements/${id}`).set(auth(responder)).send({ version: now.version, durationDays: 30 });
    expect(longer.status).toBe(200);
    expect(new Date(longer.body.visibleUntil).getTime() - new Date(longer.body.publishedAt).getTime()).toBe(30 * 86_400_000);

    await q(`UPDATE announcements SET published_at = now() - interval '31 days', visible_until = now() - interval '1 day' WHERE id = $1`, [id]);
    const page = await api.http.get(`/announcements/${now.slug}`);
    expect(page.status).toBe(410);
    expect(page.headers['cache-control']).toBe('public, max-age=60');
    expect((await readFeed()).feed.entry?.map((e) => e.id) ?? []).not.toContain(`urn:uuid:${id}`);
    const withdrawn = await api.http.post(`/v1/announcements/${id}/withdraw`).set(auth(approver)).send({ version: longer.body.version });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.withdrawal).toMatchObject({ forced: false, reason: null });
  });

  it('every change is audited', async () => {
    const audit = await q<{ action: string }>(`SELECT action FROM audit_events WHERE entity_type = 'announcement' AND entity_id = $1 ORDER BY seq`, [id]);
    expect(audit.map((e) => e.action)).toEqual(['announcement.created', 'announcement.updated', 'announcement.published', 'announcement.updated', 'announcement.withdrawn']);
    // The system's events (two notifier processes) and the staff's are one unbroken chain.
    const chain = await api.http.get('/v1/audit/verify').set(auth(admin));
    expect(chain.body).toMatchObject({ valid: true });
  });
});

describe('staff reads', () => {
  it('list and get for every staff role, filtered by incident and status; keys are a UUID or a slug', async () => {
    const auto = (await announcementOf(c.auto.campaign))!;
    const list = await api.http.get('/v1/announcements').query({ incident: c.auto.ref }).set(auth(viewer));
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([auto.id]);
    const drafts = await api.http.get('/v1/announcements').query({ status: 'draft' }).set(auth(approver));
    expect(drafts.body.items.every((a: { status: string }) => a.status === 'draft')).toBe(true);
    const page1 = await api.http.get('/v1/announcements').query({ limit: 2 }).set(auth(responder));
    expect(page1.body.items).toHaveLength(2);
    const page2 = await api.http.get('/v1/announcements').query({ limit: 2, cursor: page1.body.nextCursor }).set(auth(responder));
    expect(page2.body.items[0].id).not.toBe(page1.body.items[1].id);
    expect((await api.http.get('/v1/announcements').query({ cursor: 'forged' }).set(auth(viewer))).status).toBe(400);
    expect((await staff(auto.slug)).body.id).toBe(auto.id);
    expect((await staff('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await staff('Not a key!')).status).toBe(400);
    expect((await api.http.get('/v1/announcements')).status).toBe(401);
    expect((await api.http.get('/v1/announcements').set(auth(await api.token('regulator')))).status).toBe(403);
  });

  it('no contact data reached the logs', () => {
    const logs = api.logs.join('\n');
    expect(logs).not.toMatch(/person\d+@example\.org/);
  });
});
