import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { Response } from 'supertest';
import { reachableChannels } from '#domain';
import { startApi, type ApiHarness } from './support/api-harness.js';

let api: ApiHarness;
let responder: string;
let viewer: string;
let approver: string;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Every e-mail address and phone number this file imports, to prove none reaches a log line. */
const contactValues = new Set<string>();
const remember = (text: string) => {
  for (const token of text.split(/[\s,"|{}[\]:]+/)) {
    if (/^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/.test(token)) contactValues.add(token.toLowerCase());
    else if (/^\+\d{7,15}$/.test(token)) contactValues.add(token);
  }
};

async function newIncident(): Promise<string> {
  const res = await api.http.post('/v1/incidents').set(auth(responder)).send({ title: 'Subjects test', awareAt: '2026-11-20T08:00:00Z' });
  expect(res.status).toBe(201);
  return res.body.ref as string;
}

function upload(ref: string, body: string, type = 'text/csv', query = '', token = responder) {
  remember(body);
  return api.http.post(`/v1/incidents/${ref}/subjects/import${query}`).set(auth(token)).set('Content-Type', type).send(body);
}

async function allSubjects(ref: string, query = '', limit = 1000): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const res: Response = await api.http.get(`/v1/incidents/${ref}/subjects?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`).set(auth(responder));
    expect(res.status).toBe(200);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
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

const HEADER = 'externalRef,name,email,phone,pushTokens,postalAddress,country,region,language,isMinor,guardianName,guardianEmail,guardianPhone,dataCategories';

beforeAll(async () => {
  api = await startApi();
  responder = await api.token('responder');
  viewer = await api.token('viewer');
  approver = await api.token('approver');
});
afterAll(async () => api?.close());

describe('CSV import', () => {
  it('imports good rows, normalised, and reads them back', async () => {
    const ref = await newIncident();
    const csv = [
      HEADER,
      'C-1, Ada Lovelace ,Ada@Example.COM,+4915123456789,tokA|tokB,"Hauptstr. 1|10115 Berlin",de,de-be,EN-us,no,,,,contact|Identity',
      'C-2,Bob,,,,"1 Main St\nSpringfield",,US-CA,pt-br,,,,,',
      'C-3,,,,,,,,,yes,Grace,grace@example.org,,children',
      '',
    ].join('\n');
    const res = await upload(ref, csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rowsTotal: 3, rowsAccepted: 3, rowsRejected: 0, inserted: 3, updated: 0, rejections: [] });
    expect(res.body.importId).toMatch(/^[0-9a-f-]{36}$/);

    const items = await allSubjects(ref);
    const byRef = Object.fromEntries(items.map((s) => [s.externalRef, s]));
    expect(byRef['C-1']).toMatchObject({
      name: 'Ada Lovelace', email: 'Ada@example.com', phone: '+4915123456789', pushTokens: ['tokA', 'tokB'],
      postalAddress: 'Hauptstr. 1\n10115 Berlin', country: 'DE', region: 'DE-BE', language: 'en-US', isMinor: false,
      dataCategories: ['contact', 'identity'],
    });
    expect(byRef['C-2']).toMatchObject({ email: null, phone: null, pushTokens: [], postalAddress: '1 Main St\nSpringfield', country: 'US', region: 'US-CA', language: 'pt-BR', dataCategories: [] });
    expect(byRef['C-3']).toMatchObject({ name: null, isMinor: true, guardianName: 'Grace', guardianEmail: 'grace@example.org' });
  });

  it('accepts snake_case headers and a subset of the columns', async () => {
    const ref = await newIncident();
    const res = await upload(ref, 'external_ref,guardian_email,is_minor,data_categories\nS-1,mum@example.net,1,health\n');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rowsAccepted: 1, inserted: 1 });
    const [s] = await allSubjects(ref);
    expect(s).toMatchObject({ externalRef: 'S-1', isMinor: true, guardianEmail: 'mum@example.net', dataCategories: ['health'] });
  });

  const badRows: [string, string, string][] = [
    // [what, the row's fields after externalRef (HEADER order), the field named]
    ['missing externalRef', ',Name,,,,,,,,,,,,', 'externalRef'],
    ['externalRef over 200 characters', `${'r'.repeat(201)},,,,,,,,,,,,,`, 'externalRef'],
    ['malformed e-mail', 'B-1,,not-an-email,,,,,,,,,,,', 'email'],
    ['phone not in E.164', 'B-2,,,015123456789,,,,,,,,,,', 'phone'],
    ['phone with spaces', 'B-3,,,+49 151 23456789,,,,,,,,,,', 'phone'],
    ['phone that is no real number', 'B-4,,,+4900000,,,,,,,,,,', 'phone'],
    ['unknown country', 'B-5,,,,,,XX,,,,,,,', 'country'],
    ['three-letter country', 'B-6,,,,,,DEU,,,,,,,', 'country'],
    ['unknown region', 'B-7,,,,,,US,US-ZZ,,,,,,', 'region'],
    ['region of another country', 'B-8,,,,,,DE,US-CA,,,,,,', 'region'],
    ['malformed language', 'B-9,,,,,,,,en_US!,,,,,', 'language'],
    ['isMinor not a boolean', 'B-10,,,,,,,,,maybe,,,,', 'isMinor'],
    ['minor without guardian contact', 'B-11,,,,,,,,,true,Guardian Only,,,', 'isMinor'],
    ['malformed guardian e-mail', 'B-12,,,,,,,,,true,,guardian@,,', 'guardianEmail'],
    ['malformed guardian phone', 'B-13,,,,,,,,,true,,,12345,', 'guardianPhone'],
    ['unknown data category', 'B-14,,,,,,,,,,,,,contact|gossip', 'dataCategories'],
    ['control character in a name', 'B-15,Eve\u0007,,,,,,,,,,,,', 'name'],
    ['push token with a space', 'B-16,,,,tok one,,,,,,,,,', 'pushTokens'],
  ];

  it.each(badRows)('rejects a row with %s, naming the field, and keeps the good rows', async (_what, row, field) => {
    const ref = await newIncident();
    const res = await upload(ref, [HEADER, 'G-1,Good,good1@example.com,,,,,,,,,,,', row, 'G-2,Good,good2@example.com,,,,,,,,,,,'].join('\n'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rowsTotal: 3, rowsAccepted: 2, rowsRejected: 1, inserted: 2 });
    expect(res.body.rejections).toEqual([{ line: 3, field, reason: expect.any(String) }]);
    expect((await allSubjects(ref)).map((s) => s.externalRef).sort()).toEqual(['G-1', 'G-2']);
    const stored = await sql<{ line: number; field: string }>('SELECT line, field FROM subject_import_rejections WHERE import_id = $1', [res.body.importId]);
    expect(stored).toEqual([{ line: 3, field }]);
  });

  it('reports one rejection per bad field, never echoing the value', async () => {
    const ref = await newIncident();
    const secretEmail = 'secret.person@@example.com';
    const res = await upload(ref, [HEADER, `M-1,,${secretEmail},+1,,,ZZ,,,,,,,`].join('\n'));
    expect(res.status).toBe(200);
    expect(res.body.rejections.map((r: { field: string }) => r.field)).toEqual(['email', 'phone', 'country']);
    expect(JSON.stringify(res.body)).not.toContain('secret.person');
    expect(res.body.rejections.every((r: { line: number }) => r.line === 2)).toBe(true);
  });

  it('reports the line where a multi-line record starts', async () => {
    const ref = await newIncident();
    const res = await upload(ref, [HEADER, 'L-1,,,,,"a\nb\nc",,,,,,,,', 'L-2,,bad,,,,,,,,,,,'].join('\n'));
    expect(res.body.rejections).toEqual([{ line: 5, field: 'email', reason: expect.any(String) }]);
  });

  it('rejects a malformed line where the parser can go on, and refuses the file where it cannot', async () => {
    const ref = await newIncident();
    const wrongCount = await upload(ref, 'externalRef,email\nW-1,a@example.com\nW-2\n"W-3"x,b@example.com\nW-4,c@example.com\n');
    expect(wrongCount.status).toBe(200);
    expect(wrongCount.body).toMatchObject({ rowsTotal: 4, rowsAccepted: 2, rowsRejected: 2 });
    expect(wrongCount.body.rejections).toEqual([
      { line: 3, field: 'line', reason: expect.stringContaining('fields') },
      { line: 4, field: 'line', reason: expect.stringContaining('quote') },
    ]);

    const unclosed = await upload(ref, 'externalRef,email\nU-1,a@example.com\n"U-2,b@example.com\nU-3,c@example.com\n');
    expect(unclosed.status).toBe(400);
    expect(unclosed.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(unclosed.body.errors).toEqual([{ field: 'body', reason: expect.stringContaining('line 3') }]);
    const refs = (await allSubjects(ref)).map((s) => s.externalRef).sort();
    expect(refs).toEqual(['W-1', 'W-4']);
  });

  it('rejects a line longer than 64 KiB and reads on', async () => {
    const ref = await newIncident();
    const res = await upload(ref, `externalRef,name\nX-1,${'n'.repeat(70 * 1024)}\nX-2,ok\n`);
    expect(res.status).toBe(200);
    expect(res.body.rejections).toEqual([{ line: 2, field: 'line', reason: expect.stringContaining('65536') }]);
    expect((await allSubjects(ref)).map((s) => s.externalRef)).toEqual(['X-2']);
  });

  it('refuses an unknown column with a 400 naming it, writing nothing', async () => {
    const ref = await newIncident();
    const res = await upload(ref, 'externalRef,email,shoeSize\nZ-1,z@example.com,44\n');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'columns[2]', reason: expect.stringContaining('"shoeSize" is not a known column') }]);
    expect(await allSubjects(ref)).toEqual([]);
    expect((await api.http.get(`/v1/incidents/${ref}/imports`).set(auth(responder))).body.items).toEqual([]);
  });

  it('refuses a file without an externalRef column, and an empty file', async () => {
    const ref = await newIncident();
    const noRef = await upload(ref, 'email\nz@example.com\n');
    expect(noRef.status).toBe(400);
    expect(noRef.body.errors).toEqual([{ field: 'columns', reason: 'must include externalRef' }]);
    const empty = await upload(ref, '');
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].field).toBe('body');
  });
});

describe('NDJSON import', () => {
  it('imports objects line by line and rejects the bad lines with their line numbers', async () => {
    const ref = await newIncident();
    const lines = [
      JSON.stringify({ externalRef: 'N-1', email: 'n1@Example.org', pushTokens: ['t1', 't2'], postalAddress: ['Line 1', 'Line 2'], isMinor: false, country: 'FR', dataCategories: ['contact'] }),
      '{"externalRef": "N-2", "email": ',
      '',
      '[1, 2, 3]',
      JSON.stringify({ externalRef: 'N-3', shoeSize: 44 }),
      JSON.stringify({ external_ref: 'N-4', phone: 4915123456789 }),
      JSON.stringify({ externalRef: 'N-5', is_minor: true, guardianPhone: '+14155552671', postalAddress: 'A\nB' }),
      JSON.stringify({ externalRef: 'N-6', pushTokens: 'a|b', dataCategories: 'contact|health' }),
    ];
    const res = await upload(ref, lines.join('\n') + '\n', 'application/x-ndjson');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ format: 'ndjson', rowsTotal: 7, rowsAccepted: 3, rowsRejected: 4, inserted: 3 });
    expect(res.body.rejections).toEqual([
      { line: 2, field: 'line', reason: 'is not valid JSON' },
      { line: 4, field: 'line', reason: 'must be a JSON object' },
      { line: 5, field: 'shoeSize', reason: 'is not a known field' },
      { line: 6, field: 'phone', reason: 'must be a string' },
    ]);
    const byRef = Object.fromEntries((await allSubjects(ref)).map((s) => [s.externalRef, s]));
    expect(byRef['N-1']).toMatchObject({ email: 'n1@example.org', pushTokens: ['t1', 't2'], postalAddress: 'Line 1\nLine 2', country: 'FR' });
    expect(byRef['N-5']).toMatchObject({ isMinor: true, guardianPhone: '+14155552671', postalAddress: 'A\nB' });
    expect(byRef['N-6']).toMatchObject({ pushTokens: ['a', 'b'], dataCategories: ['contact', 'health'] });
  });

  it('rejects an NDJSON line longer than 64 KiB and reads on', async () => {
    const ref = await newIncident();
    const long = JSON.stringify({ externalRef: 'N-L', name: 'x'.repeat(70 * 1024) });
    const res = await upload(ref, [JSON.stringify({ externalRef: 'N-A' }), long, JSON.stringify({ externalRef: 'N-B' })].join('\n'), 'application/x-ndjson');
    expect(res.status).toBe(200);
    expect(res.body.rejections).toEqual([{ line: 2, field: 'line', reason: expect.stringContaining('65536') }]);
    expect((await allSubjects(ref)).map((s) => s.externalRef)).toEqual(['N-A', 'N-B']);
  });
});

describe('re-import, duplicates, dry run', () => {
  it('updates on re-import instead of duplicating', async () => {
    const ref = await newIncident();
    const first = await upload(ref, 'externalRef,email\nR-1,old@example.com\nR-2,r2@example.com\n');
    expect(first.body).toMatchObject({ inserted: 2, updated: 0 });
    const again = await upload(ref, 'externalRef,email\nR-1,new@example.com\nR-2,r2@example.com\n');
    expect(again.body).toMatchObject({ rowsAccepted: 2, inserted: 0, updated: 2 });
    const items = await allSubjects(ref);
    expect(items).toHaveLength(2);
    expect(items.find((s) => s.externalRef === 'R-1')!.email).toBe('new@example.com');
  });

  it('lets the last line win for a reference repeated in one file, without failing', async () => {
    const ref = await newIncident();
    const res = await upload(ref, 'externalRef,email\nD-1,first@example.com\nD-2,d2@example.com\nD-1,last@example.com\n');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rowsAccepted: 3, inserted: 2, updated: 0, duplicates: 1 });
    const items = await allSubjects(ref);
    expect(items).toHaveLength(2);
    expect(items.find((s) => s.externalRef === 'D-1')!.email).toBe('last@example.com');
  });

  it('validates and reports on a dry run without writing anything', async () => {
    const ref = await newIncident();
    await upload(ref, 'externalRef\nE-1\n');
    const auditBefore = await sql<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
    const res = await upload(ref, 'externalRef,email\nE-1,e1@example.com\nE-2,e2@example.com\nE-3,bad\n', 'text/csv', '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ importId: null, dryRun: true, rowsTotal: 3, rowsAccepted: 2, rowsRejected: 1, inserted: 1, updated: 1 });
    expect(res.body.rejections).toEqual([{ line: 4, field: 'email', reason: expect.any(String) }]);
    const items = await allSubjects(ref);
    expect(items.map((s) => [s.externalRef, s.email])).toEqual([['E-1', null]]);
    expect((await api.http.get(`/v1/incidents/${ref}/imports`).set(auth(responder))).body.items).toHaveLength(1);
    expect(await sql('SELECT count(*)::int AS n FROM audit_events')).toEqual(auditBefore);
  });
});

describe('refusals', () => {
  it('answers a wrong content type with 415', async () => {
    const ref = await newIncident();
    const res = await api.http.post(`/v1/incidents/${ref}/subjects/import`).set(auth(responder)).set('Content-Type', 'application/json').send({ externalRef: 'x' });
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const latin1 = await upload(ref, 'externalRef\nx\n', 'text/csv; charset=iso-8859-1');
    expect(latin1.status).toBe(415);
  });

  it('forbids a viewer to import or list subjects, but lets it read the summary', async () => {
    const ref = await newIncident();
    expect((await upload(ref, 'externalRef\nV-1\n', 'text/csv', '', viewer)).status).toBe(403);
    expect((await api.http.get(`/v1/incidents/${ref}/subjects`).set(auth(viewer))).status).toBe(403);
    expect((await api.http.get(`/v1/incidents/${ref}/subjects/summary`).set(auth(viewer))).status).toBe(200);
    expect((await upload(ref, 'externalRef\nV-1\n', 'text/csv', '', approver)).status).toBe(403);
    expect((await api.http.get(`/v1/incidents/${ref}/subjects`).set(auth(approver))).status).toBe(200);
  });

  it('answers an unknown incident with 404', async () => {
    const res = await upload('INC-2026-9999', 'externalRef\nx\n');
    expect(res.status).toBe(404);
  });

  it('writes nothing when the client disconnects mid-upload', async () => {
    const ref = await newIncident();
    const server = api.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const rows = Array.from({ length: 2000 }, (_, i) => `A-${i},a${i}@example.com`).join('\n');
    remember(rows);
    const head = `externalRef,email\n${rows}\n`;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`POST /v1/incidents/${ref}/subjects/import HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${responder}\r\nContent-Type: text/csv\r\nContent-Length: ${Buffer.byteLength(head) + 100000}\r\n\r\n`);
        socket.write(head, () => setTimeout(() => { socket.destroy(); resolve(); }, 200));
      });
      socket.on('error', reject);
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await allSubjects(ref)).toEqual([]);
    expect((await api.http.get(`/v1/incidents/${ref}/imports`).set(auth(responder))).body.items).toEqual([]);
  });
});

describe('summary and listing', () => {
  const people = [
    // externalRef,email,phone,pushTokens,postalAddress,country,region,isMinor,guardianEmail,guardianPhone
    'P-1,p1@example.com,,,,DE,DE-BE,,,',
    'P-2,,+4915123456789,tok,,DE,DE-BY,,,',
    'P-3,,,,Somewhere 1,DE,,,,',
    'P-4,,,,,US,US-CA,,,',
    'P-5,kid@example.com,,kidtoken,,US,US-CA,yes,,+14155552671',
    'P-6,,,,Home 2,FR,,true,parent@example.com,',
    'P-7,,,,,,,,,',
  ];

  it('counts per jurisdiction and per reachable channel (a minor through the guardian)', async () => {
    const ref = await newIncident();
    const res = await upload(ref, ['externalRef,email,phone,pushTokens,postalAddress,country,region,isMinor,guardianEmail,guardianPhone', ...people].join('\n'));
    expect(res.body).toMatchObject({ rowsAccepted: 7 });
    const summary = await api.http.get(`/v1/incidents/${ref}/subjects/summary`).set(auth(viewer));
    expect(summary.status).toBe(200);
    expect(summary.body.total).toBe(7);
    expect(summary.body.byChannel).toEqual({ email: 2, phone: 2, push: 1, postal: 2, none: 2 });
    expect(summary.body.byCountry.map((c: { country: string; subjects: number }) => [c.country, c.subjects])).toEqual([['DE', 3], ['FR', 1], ['US', 2], [null, 1]]);
    expect(summary.body.byRegion).toEqual([
      { country: 'DE', region: 'DE-BE', subjects: 1 },
      { country: 'DE', region: 'DE-BY', subjects: 1 },
      { country: 'US', region: 'US-CA', subjects: 2 },
    ]);
    expect(summary.body.byCountry.find((c: { country: string }) => c.country === 'US').byChannel).toEqual({ email: 0, phone: 1, push: 0, postal: 0, none: 1 });

    // The SQL and the domain rule agree subject by subject, and the channel filter matches the counts.
    const items = await allSubjects(ref);
    for (const channel of ['email', 'phone', 'push', 'postal', 'none'] as const) {
      const filtered = (await allSubjects(ref, `&channel=${channel}`)).map((s) => s.externalRef).sort();
      const expected = items.filter((s) => {
        const channels = reachableChannels(s as never);
        return channel === 'none' ? channels.length === 0 : (channels as string[]).includes(channel);
      }).map((s) => s.externalRef).sort();
      expect(filtered).toEqual(expected);
      expect(filtered).toHaveLength(summary.body.byChannel[channel]);
    }
    expect((await allSubjects(ref, '&country=de')).map((s) => s.externalRef)).toEqual(['P-1', 'P-2', 'P-3']);
  });

  it('returns each subject exactly once across keyset pages', async () => {
    const ref = await newIncident();
    const rows = Array.from({ length: 257 }, (_, i) => `K-${i},,${i % 3 === 0 ? 'IT' : 'ES'}`);
    expect((await upload(ref, ['externalRef,email,country', ...rows].join('\n'))).body.inserted).toBe(257);
    const pages: number[] = [];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await api.http.get(`/v1/incidents/${ref}/subjects?limit=40${cursor ? `&cursor=${cursor}` : ''}`).set(auth(responder));
      pages.push(res.body.items.length);
      seen.push(...res.body.items.map((s: { externalRef: string }) => s.externalRef));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(257);
    expect(new Set(seen).size).toBe(257);
    // In external-reference order, bytewise (K-0, K-1, K-10, K-100, …), not in the order of the file.
    expect(seen).toEqual(rows.map((r) => r.split(',')[0]!).sort());
    expect(pages.slice(0, 6)).toEqual([40, 40, 40, 40, 40, 40]);
    expect(await allSubjects(ref, '&country=IT', 7)).toHaveLength(86);
    const bad = await api.http.get(`/v1/incidents/${ref}/subjects?cursor=nonsense`).set(auth(responder));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('cursor');
  });
});

describe('imports and rejections', () => {
  it('lists imports with their counts and pages every rejection past the first 1000', async () => {
    const ref = await newIncident();
    const rows = Array.from({ length: 1200 }, (_, i) => `J-${i},${i % 2 === 0 ? 'bad-email' : `j${i}@example.com`},${i % 4 === 0 ? 'XX' : 'DE'}`);
    const res = await upload(ref, ['externalRef,email,country', ...rows].join('\n'));
    expect(res.status).toBe(200);
    // Even rows have a bad e-mail, and every fourth a bad country too: 600 rows, 900 entries.
    expect(res.body).toMatchObject({ rowsTotal: 1200, rowsAccepted: 600, rowsRejected: 600, rejectionsTotal: 900 });
    expect(res.body.rejections).toHaveLength(900);
    expect(res.body.rejectionsUrl).toBeUndefined();

    const more = Array.from({ length: 1100 }, (_, i) => `Q-${i},bad`);
    const big = await upload(ref, ['externalRef,email', ...more].join('\n'));
    expect(big.body.rejections).toHaveLength(1000);
    expect(big.body.rejectionsUrl).toBe(`/v1/incidents/${ref}/imports/${big.body.importId}/rejections?limit=1000`);
    const lines: number[] = [];
    let next: string | null = `/v1/incidents/${ref}/imports/${big.body.importId}/rejections?limit=300`;
    while (next) {
      const page: Response = await api.http.get(next).set(auth(approver));
      expect(page.status).toBe(200);
      lines.push(...page.body.items.map((r: { line: number; field: string }) => r.line));
      next = page.body.next;
    }
    expect(lines).toEqual(Array.from({ length: 1100 }, (_, i) => i + 2));

    const list = await api.http.get(`/v1/incidents/${ref}/imports`).set(auth(viewer));
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { rowsTotal: number; rowsRejected: number; inserted: number }) => [i.rowsTotal, i.rowsRejected, i.inserted])).toEqual([[1100, 1100, 0], [1200, 600, 600]]);
    const viewerRejections = await api.http.get(`/v1/incidents/${ref}/imports/${big.body.importId}/rejections`).set(auth(viewer));
    expect(viewerRejections.status).toBe(403);
  });

  it('records one audit event per import with counts only', async () => {
    const ref = await newIncident();
    const res = await upload(ref, 'externalRef,email,phone\nAU-1,audit.person@example.com,+447911123456\n');
    const events = await sql<{ action: string; after: Record<string, unknown> }>('SELECT action, after FROM audit_events WHERE entity_id = $1', [res.body.importId]);
    expect(events).toHaveLength(1);
    expect(events[0]!.action).toBe('subjects.imported');
    expect(events[0]!.after).toMatchObject({ format: 'csv', rowsTotal: 1, rowsAccepted: 1, inserted: 1 });
    expect(JSON.stringify(events[0])).not.toMatch(/audit\.person|447911123456/);
  });
});

describe('a larger import', () => {
  it('imports 20,000 generated rows', async () => {
    const ref = await newIncident();
    const lines = [HEADER];
    for (let i = 0; i < 20_000; i++) {
      lines.push(`BIG-${i},Person ${i},person${i}@example.com,+4915123${String(i).padStart(6, '0')},,"Street ${i}|Town",DE,DE-BE,de,${i % 10 === 0 ? 'yes' : 'no'},,${i % 10 === 0 ? `guardian${i}@example.com` : ''},,contact`);
    }
    const res = await upload(ref, lines.join('\n') + '\n');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rowsTotal: 20_000, rowsAccepted: 20_000, rowsRejected: 0, inserted: 20_000 });
    const summary = await api.http.get(`/v1/incidents/${ref}/subjects/summary`).set(auth(responder));
    expect(summary.body).toMatchObject({ total: 20_000, byChannel: { email: 20_000, phone: 18_000, postal: 20_000 } });
  });

  it('counts a reference repeated across batches once, on import and on re-import', async () => {
    const ref = await newIncident();
    // 30,000 rows of ~330 bytes make more than one 4 MiB batch. The last 500 repeat the first 500.
    const padding = 'p'.repeat(290);
    const lines = ['externalRef,name,email'];
    for (let i = 0; i < 30_000; i++) {
      const n = i < 29_500 ? i : i - 29_500;
      lines.push(`XB-${n},${padding} ${i},${i < 29_500 ? 'first' : 'later'}${n}@example.com`);
    }
    const body = lines.join('\n') + '\n';
    expect(body.length).toBeGreaterThan(8 * 1024 * 1024);
    const first = await upload(ref, body);
    expect(first.body).toMatchObject({ rowsAccepted: 30_000, inserted: 29_500, updated: 0, duplicates: 500 });
    const again = await upload(ref, body);
    expect(again.body).toMatchObject({ rowsAccepted: 30_000, inserted: 0, updated: 29_500, duplicates: 500 });
    const logged = api.logs.filter((l) => l.includes('subjects imported') && l.includes(first.body.importId));
    const phases = JSON.parse(logged[0]!).data as { batches: number; batchesCopied: number };
    expect(phases.batches).toBeGreaterThan(1);
    // Into an empty incident the batches of new references are COPYed straight in; the batch that repeats
    // references is upserted instead.
    expect(phases.batchesCopied).toBeGreaterThanOrEqual(1);
    expect(phases.batchesCopied).toBeLessThan(phases.batches);
    const loggedAgain = api.logs.filter((l) => l.includes('subjects imported') && l.includes(again.body.importId));
    expect(JSON.parse(loggedAgain[0]!).data.batchesCopied).toBe(0);
    const rows = await sql<{ email: string }>('SELECT email FROM affected_subjects s JOIN incidents i ON i.id = s.incident_id WHERE i.ref = $1 AND external_ref = $2', [ref, 'XB-7']);
    expect(rows).toEqual([{ email: 'later7@example.com' }]);
    const total = await sql<{ n: number }>('SELECT count(*)::int AS n FROM affected_subjects s JOIN incidents i ON i.id = s.incident_id WHERE i.ref = $1', [ref]);
    expect(total).toEqual([{ n: 29_500 }]);
  });
});

describe('logs', () => {
  it('never contain an imported e-mail address or phone number', () => {
    expect(contactValues.size).toBeGreaterThan(20_000);
    const logs = api.logs.join('\n').toLowerCase();
    expect(api.logs.length).toBeGreaterThan(0);
    const leaked = [...contactValues].filter((v) => logs.includes(v));
    expect(leaked).toEqual([]);
  });
});
