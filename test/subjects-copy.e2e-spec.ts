import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { validateSubjectRow, type SubjectRecord } from '#domain';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, subjectTupleBound, tuplePrefix, writeSubjectTuple } from '../apps/api/src/subjects/copy-binary.js';
import { SUBJECT_COLUMNS } from '../apps/api/src/subjects/import-writer.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/**
 * The import sends subjects as binary COPY tuples; it used to send COPY text lines. Both are COPYed here, for
 * the same subjects (values that need escaping in the text format, arrays of every shape, NULLs, non-ASCII),
 * and must store exactly the same rows.
 */

// The text format the import used before: escapes, array literals.
const SPECIAL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copyText = (value: string) => value.replace(SPECIAL, (c) => ESCAPES[c]!);
const copyField = (value: string | null) => (value === null ? '\\N' : copyText(value));
const copyArray = (items: readonly string[]) => (items.length === 0 ? '{}' : copyText(`{${items.map((i) => `"${i.replace(/["\\]/g, '\\$&')}"`).join(',')}}`));
function textLine(incidentId: string, s: SubjectRecord): string {
  return [incidentId, copyField(s.externalRef), copyField(s.name), copyField(s.email), copyField(s.phone), copyArray(s.pushTokens), copyField(s.postalAddress),
    copyField(s.country), copyField(s.region), copyField(s.language), s.isMinor ? 't' : 'f', copyField(s.guardianName), copyField(s.guardianEmail),
    copyField(s.guardianPhone), copyArray(s.dataCategories)].join('\t') + '\n';
}

const ODD = ['a\\b', '\\N', 'x"y', "O'Brien", '{a,b}', 'a,b', 'NULL', 'null', '', ' ', 'Zoë', '東京', '\ud83d\ude00', 'tab\u00a0nbsp', 'a\u2028b', '\\\\', '"', '}', '{'];

function subjects(): SubjectRecord[] {
  const out: SubjectRecord[] = [];
  for (let i = 0; i < 400; i++) {
    const odd = (k: number) => ODD[(i + k) % ODD.length]!;
    const input = {
      externalRef: `R-${i}-${odd(0)}`.trim() || `R-${i}`,
      name: i % 7 === 0 ? '' : `Name ${odd(1)}`,
      email: i % 3 === 0 ? '' : `user${i}@Example.ORG`,
      phone: i % 4 === 0 ? '' : '+4915123456789',
      pushTokens: ['', 'tok', `tok${odd(2).replace(/\s/g, '')}|other`, '|a||b|', 'x"y|z\\w'][i % 5],
      postalAddress: ['', `Line ${odd(3)}|Line 2`, 'A\nB\r\nC', `\\ ${odd(4)}`][i % 4],
      country: i % 5 === 0 ? '' : 'DE',
      region: i % 6 === 0 ? 'DE-BE' : '',
      language: ['', 'de', 'pt-BR'][i % 3],
      isMinor: i % 9 === 0 ? 'yes' : 'no',
      guardianName: i % 9 === 0 ? `Guardian ${odd(5)}` : '',
      guardianEmail: i % 9 === 0 ? 'g@example.com' : '',
      guardianPhone: '',
      dataCategories: ['', 'contact', 'health|contact|Health', 'children|special_category'][i % 4],
    };
    const result = validateSubjectRow(input, 'csv');
    if (!result.ok) throw new Error(`test subject ${i} is invalid: ${JSON.stringify(result.errors)}`);
    out.push(result.value);
  }
  return out;
}

let db: TestDatabase;
let sql: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});
afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

async function newIncident(): Promise<string> {
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO incidents (ref, title, aware_at, created_by) VALUES ('C-' || gen_random_uuid(), 'Copy formats', now(), gen_random_uuid()) RETURNING id`);
  return rows[0]!.id;
}

async function stored(incidentId: string): Promise<unknown[]> {
  const { rows } = await sql.query(
    `SELECT ${SUBJECT_COLUMNS.join(', ')}, array_dims(push_tokens) AS push_dims, array_dims(data_categories) AS category_dims,
       octet_length(name) AS name_bytes, octet_length(postal_address) AS postal_bytes
     FROM affected_subjects WHERE incident_id = $1 ORDER BY external_ref COLLATE "C"`, [incidentId]);
  return rows;
}

describe('binary COPY tuples', () => {
  it('store exactly what the COPY text lines stored', async () => {
    const all = subjects();
    const viaText = await newIncident();
    const viaBinary = await newIncident();
    await pipeline(Readable.from(all.map((s) => textLine(viaText, s))),
      sql.query(copyFrom(`COPY affected_subjects (incident_id, ${SUBJECT_COLUMNS.join(', ')}) FROM STDIN`)));
    const prefix = tuplePrefix(viaBinary);
    const tuples = all.map((s) => {
      const out = Buffer.alloc(subjectTupleBound(s));
      return out.subarray(0, writeSubjectTuple(out, 0, prefix, s));
    });
    await pipeline(Readable.from([COPY_BINARY_HEADER, ...tuples, COPY_BINARY_TRAILER]),
      sql.query(copyFrom(`COPY affected_subjects (incident_id, ${SUBJECT_COLUMNS.join(', ')}) FROM STDIN (FORMAT binary)`)));
    const text = await stored(viaText);
    const binary = await stored(viaBinary);
    expect(binary).toHaveLength(all.length);
    expect(binary).toEqual(text);
    // Not vacuous: escapes, empty and non-empty arrays, NULLs and multi-byte text are all there.
    const rows = binary as { name: string | null; push_tokens: string[]; postal_address: string | null; data_categories: string[] }[];
    expect(rows.some((r) => r.name?.includes('\\'))).toBe(true);
    expect(rows.some((r) => r.postal_address?.includes('\n'))).toBe(true);
    expect(rows.some((r) => r.push_tokens.some((t) => t.includes('"')))).toBe(true);
    expect(rows.some((r) => r.push_tokens.length === 0)).toBe(true);
    expect(rows.some((r) => r.name === null)).toBe(true);
    expect(rows.some((r) => r.name?.includes('東京'))).toBe(true);
    expect(rows.some((r) => r.data_categories.length === 2)).toBe(true);
  });
});
