import { describe, expect, it } from '@jest/globals';
import { confirmsPlainEmail, SUBJECT_FIELDS, validateSubjectRow, type SubjectField } from '#domain';
import { subjectTupleBound, tuplePrefix, writeSubjectTuple } from './copy-binary.js';
import { type CsvFields, CsvRecordReader } from './csv-records.js';
import { CsvRowEncoder, plainEmailBytes, whiteSpaceAt } from './csv-rows.js';
import { seededRandom } from '../../../../test/support/seeded-random.js';

/**
 * The fast path must never decide differently from the ordinary one: for every row it accepts, the ordinary
 * path (validateSubjectRow, then writeSubjectTuple) must accept it too and write the very same bytes; a row the
 * ordinary path rejects must never be accepted. Checked on realistic rows, on rows mutated with the characters
 * that matter (white space of every kind, controls, quotes, backslashes, separators, non-ASCII, invalid UTF-8),
 * on values at and past every length limit, and on every shape of each field's vocabulary.
 */

const INCIDENT = '2f1c3a4b-5d6e-4f70-8192-a3b4c5d6e7f8';

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

interface Outcome {
  fast: boolean;
  /** The ordinary path accepted the row. */
  ok: boolean;
}

/**
 * Reads `header` + one record through the CSV reader and runs both paths on it; fails the test on any difference.
 * `record` is raw bytes (to carry invalid UTF-8) or the fields as text.
 */
function compare(header: SubjectField[], record: Buffer | string[]): Outcome {
  const body = Buffer.isBuffer(record) ? record : Buffer.from(record.map(csvField).join(','), 'utf8');
  const file = Buffer.concat([Buffer.from(header.join(',') + '\n'), body, Buffer.from('\n')]);
  const fieldOf = new Int32Array(SUBJECT_FIELDS.length).fill(-1);
  header.forEach((name, k) => (fieldOf[SUBJECT_FIELDS.indexOf(name)] = k));
  const encoder = new CsvRowEncoder(INCIDENT);
  let outcome: Outcome | undefined;
  let rows = 0;
  const reader = new CsvRecordReader(64 * 1024);
  const sink = {
    record: (_line: number, buf: Buffer, fields: CsvFields) => {
      if (rows++ === 0) return; // the header
      if (fields.count !== header.length) throw new Error(`test row has ${fields.count} fields`);
      const input: Partial<Record<SubjectField, unknown>> = {};
      header.forEach((name, k) => (input[name] = fields.text(buf, k)));
      const slow = validateSubjectRow(input, 'csv');
      const bytes = fields.ends[fields.count - 1]! - fields.starts[0]!;
      encoder.out = Buffer.alloc(6 * bytes + 512);
      encoder.pos = 0;
      const fast = encoder.row(buf, fields, fieldOf);
      if (fast) {
        if (!slow.ok) throw new Error(`fast path accepted a row the ordinary path rejects (${JSON.stringify(slow.errors)}): ${JSON.stringify(input)}`);
        const tuple = encoder.out.subarray(0, encoder.pos);
        const expected = Buffer.alloc(subjectTupleBound(slow.value));
        const end = writeSubjectTuple(expected, 0, tuplePrefix(INCIDENT), slow.value);
        if (!tuple.equals(expected.subarray(0, end))) {
          throw new Error(`fast path wrote\n${tuple.toString('hex')}\nordinary path\n${expected.toString('hex', 0, end)}\nfor ${JSON.stringify(input)}`);
        }
        expect(buf.toString('utf8', encoder.refStart, encoder.refEnd)).toBe(slow.value.externalRef);
      }
      outcome = { fast, ok: slow.ok };
    },
    bad: (line: number, error: string) => {
      throw new Error(`test row unreadable (line ${line}): ${error}`);
    },
  };
  reader.read(file, sink);
  reader.finish(sink);
  if (!outcome) throw new Error('no row read');
  return outcome;
}

const ALL = [...SUBJECT_FIELDS];

// Realistic rows, as the import benchmark generates them.
const FIRST = ['Anna', 'Ben', 'Chloé', 'David', 'Elif', 'Farid', 'Greta', 'Hiro', 'Ines', 'Jonas', 'Kofi', 'Lena', 'Zoë', '东京', 'Ōta'];
const LAST = ['Müller', 'Smith', 'García', 'Rossi', 'Yılmaz', "O'Brien", 'Nguyễn', 'Ørsted', 'Łukasz'];
const DOMAINS = ['example.com', 'Mail.Example.org', 'example.net', 'post.example.de'];
const PLACES = [
  { country: 'DE', regions: ['DE-BE', 'DE-BY'], language: 'de', prefix: '+49151', digits: 8 },
  { country: 'US', regions: ['US-CA', 'US-NY'], language: 'en-US', prefix: '+1415555', digits: 4 },
  { country: 'FR', regions: ['FR-IDF', 'FR-ARA'], language: 'fr', prefix: '+3361', digits: 7 },
  { country: 'GB', regions: ['GB-LND', 'GB-EDH'], language: 'en-GB', prefix: '+44740', digits: 7 },
  { country: 'BR', regions: ['BR-SP', 'BR-RJ'], language: 'pt-BR', prefix: '+55119', digits: 8 },
  { country: 'JP', regions: ['JP-13'], language: 'ja', prefix: '+8190', digits: 8 },
];
const CATEGORIES = ['contact', 'identity', 'financial', 'credentials', 'health', 'location', 'children', 'special_category'];

function realisticRow(next: () => number, i: number): Record<SubjectField, string> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join('');
  const token = () => Array.from({ length: 40 }, () => pick([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-:'])).join('');
  const p = pick(PLACES);
  const first = pick(FIRST);
  const last = pick(LAST);
  const minor = next() < 0.1;
  return {
    externalRef: `CUST-${String(i).padStart(9, '0')}`,
    name: `${first} ${last}`,
    email: next() < 0.85 ? `${first.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase() || 'x'}.${i}@${pick(DOMAINS)}` : '',
    phone: next() < 0.6 ? p.prefix + digits(p.digits) : '',
    pushTokens: next() < 0.3 ? `fcm:${token()}|apns:${token()}` : '',
    postalAddress: next() < 0.5 ? `${1 + Math.floor(next() * 200)} ${last}straße|10115 Berlin` : '',
    country: next() < 0.8 ? p.country : '',
    region: next() < 0.8 ? pick(p.regions) : '',
    language: p.language,
    isMinor: minor ? 'yes' : 'no',
    guardianName: minor ? `Parent of ${first}` : '',
    guardianEmail: minor && next() < 0.7 ? `parent${i}@${pick(DOMAINS)}` : '',
    guardianPhone: minor && next() < 0.6 ? p.prefix + digits(p.digits) : '',
    dataCategories: CATEGORIES.filter(() => next() < 0.3).join('|') || 'contact',
  };
}

// What a value can be mutated with: every kind of white space trim() removes, controls, separators, quoting,
// non-ASCII letters (2, 3 and 4 bytes), look-alikes, and lone surrogates (which UTF-8 cannot carry).
const ODD = [
  ' ', '  ', '\t', '\v', '\f', '\r', '\n', '\r\n', '\u00a0', '\u1680', '\u2000', '\u200a', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f',
  '\u3000', '\ufeff', '\u180e', '\u0085', '\u0080', '\u009f', '\u00a1', '\u0000', '\u0001', '\u001f', '\u007f', '\\', '\\N', '"', "'", '|',
  '||', ',', '@', '+', '-', '_', '.', 'é', 'ß', 'İ', '\u212a', 'ǅ', '東', '\ud83d\ude00', '\ud800', 'A', 'z', '0', '9',
];

function mutate(next: () => number, value: string): string {
  const odd = ODD[Math.floor(next() * ODD.length)]!;
  const where = next();
  if (where < 0.3) return odd + value;
  if (where < 0.6) return value + odd;
  const at = Math.floor(next() * (value.length + 1));
  return value.slice(0, at) + odd + value.slice(at + (next() < 0.3 ? 1 : 0));
}

// Per field, values worth trying besides the realistic ones: each vocabulary's edges.
const EDGES: Partial<Record<SubjectField, string[]>> = {
  externalRef: ['', ' ', 'R', 'r'.repeat(200), 'r'.repeat(201), 'é'.repeat(200), 'é'.repeat(101), '\ud83d\ude00'.repeat(100), '\ud83d\ude00'.repeat(101), 'a\\b', 'R\u0085'],
  name: ['n'.repeat(300), 'n'.repeat(301), 'ñ'.repeat(300), 'ñ'.repeat(301), 'Zoë', ' Zoë', 'Zoë\u00a0', 'Ada\u2028Lovelace'],
  email: [
    'a@b.co', 'A@B.CO', 'jane.doe@Example.COM', 'x@localhost', 'x@b.c', 'x..y@b.com', '.x@b.com', 'x.@b.com', 'x@-b.com', 'x@b-.com', 'x@b.com.',
    '"quoted"@b.com', 'jane@bücher.de', 'jäne@b.de', `${'l'.repeat(64)}@b.com`, `${'l'.repeat(65)}@b.com`, `a@${'d'.repeat(63)}.com`, `a@${'d'.repeat(64)}.com`,
    `${'l'.repeat(60)}@${Array.from({ length: 4 }, () => 'd'.repeat(45)).join('.')}.com`, 'a|b@c.de', 'a@b@c.de', 'user+tag@sub.example.org', 'a@1.2.3.4', 'a@[1.2.3.4]', 'a b@c.de',
  ],
  phone: ['+4915123456789', '+14155552671', '+441234', '+0123456789', '+4900000000', '+80012345678', '+8613912345678', '+123456789012345', '+1234567890123456', '4915123456789', '+49 151 2345678', '+49151234567a', '+1', '+৪৯১৫১'],
  pushTokens: ['a', 'a|b', '|a||b|', ' a | b ', 'a b', 'a\tb', '\ta', 'a"b', 'a\\b', 't'.repeat(4096), 't'.repeat(4097), 'é', 'a|\u00a0b', '|', '  '],
  postalAddress: ['Main St 1|10115 Berlin', ' Main St 1 | 10115 Berlin ', 'A\r\n\nB', 'A\rB', '|||', ' | ', 'a\tb', '\ta|b', 'a\\b', 'x'.repeat(2000), 'x'.repeat(2001), `${'x'.repeat(1000)}|${'y'.repeat(999)}`, `${'x'.repeat(1000)}|${'y'.repeat(1000)}`, 'ü'.repeat(2000), 'a\u00a0|b', 'a|\u3000b', 'Straße\u0085'],
  country: ['DE', 'de', 'dE', 'D', 'DEU', 'QQ', 'XK', 'ZZ', 'd1', 'Dé', 'EU', ' DE'],
  region: ['DE-BE', 'de-be', 'US-CA', 'CA', 'DE-XX', 'FR-75C', 'GB-LND', 'DE-BE-X', 'DEBE', 'US-', '-CA', 'x'.repeat(11), 'JP-13', 'DE_BE', 'CN-BJ'],
  language: ['en', 'EN-us', 'en_US', 'zh-Hant-TW', 'i-klingon', 'x-private', 'art-lojban', 'de-DE-u-co-phonebk', 'english!', '123', 'sgn-BE-FR', 'iw', 'und', 'l'.repeat(100), 'l'.repeat(101), 'en-', 'EN'],
  isMinor: ['', 'yes', 'YES', 'Yes', 'no', 'true', 'TRUE', 'false', '1', '0', 'y', 'n', 'maybe', ' yes', 'yes ', '2', 'truee', 'ja'],
  guardianName: ['Mum', '', ' '],
  guardianEmail: ['mum@example.org', '', ' ', 'mum'],
  guardianPhone: ['+14155552671', '', ' ', '+1'],
  dataCategories: ['contact', 'Contact|HEALTH', 'contact|contact', 'health|contact|Health', 'shoe_size', '||', ' contact | health ', 'contact|', 'Special_Category', 'children|Children', 'other|behavioural|communications_content|genetic_biometric|government_id|payment_card', 'contact\t', 'contact|\u00a0health', 'hea\u212ath'],
};

describe('CsvRowEncoder against validateSubjectRow + subjectCopyLine', () => {
  it('takes the fast path for nearly every realistic row, writing exactly what the ordinary path writes', () => {
    const next = seededRandom(7);
    const seen = { fast: 0, ok: 0 };
    for (let i = 0; i < 20_000; i++) {
      const row = realisticRow(next, i);
      const outcome = compare(ALL, ALL.map((f) => row[f]));
      if (outcome.ok) seen.ok++;
      if (outcome.fast) seen.fast++;
    }
    expect(seen.ok).toBeGreaterThan(15_000);
    // Only e-mail addresses and phone numbers outside the plain shapes go the ordinary way; these have none.
    expect(seen.fast).toBe(seen.ok);
  });

  it('never differs on rows mutated with white space, controls, quotes, separators and non-ASCII characters', () => {
    const next = seededRandom(11);
    const seen = { fast: 0, ok: 0, rejected: 0 };
    for (let i = 0; i < 60_000; i++) {
      const row = realisticRow(next, i);
      const mutations = 1 + Math.floor(next() * 2);
      for (let m = 0; m < mutations; m++) {
        const field = ALL[Math.floor(next() * ALL.length)]!;
        row[field] = mutate(next, row[field]);
      }
      const outcome = compare(ALL, ALL.map((f) => row[f]));
      if (outcome.fast) seen.fast++;
      if (outcome.ok) seen.ok++;
      else seen.rejected++;
    }
    // Every kind is well represented (about 7,000, 15,000 and 37,000): the comparison is not vacuous.
    expect(seen.fast).toBeGreaterThan(5_000);
    expect(seen.ok - seen.fast).toBeGreaterThan(10_000);
    expect(seen.rejected).toBeGreaterThan(20_000);
  });

  it('never differs at the edges of each field (lengths, vocabularies, shapes)', () => {
    const next = seededRandom(13);
    let fast = 0;
    for (const [field, values] of Object.entries(EDGES) as [SubjectField, string[]][]) {
      for (const value of values) {
        for (let i = 0; i < 8; i++) {
          const row = realisticRow(next, i);
          row[field] = value;
          if (field === 'isMinor' || field.startsWith('guardian')) {
            row.isMinor = i % 2 === 0 ? 'yes' : row.isMinor;
            if (i % 4 === 0) row.guardianEmail = row.guardianPhone = '';
          }
          if (field === 'region' && i % 2 === 0) row.country = '';
          if (compare(ALL, ALL.map((f) => row[f])).fast) fast++;
        }
      }
    }
    expect(fast).toBeGreaterThan(300);
  });

  it('never differs with columns missing, in another order, or in snake_case order of the file', () => {
    const next = seededRandom(17);
    for (let i = 0; i < 5_000; i++) {
      const others = ALL.filter((f) => f !== 'externalRef' && next() < 0.6);
      const header = [...others, 'externalRef' as const].sort(() => next() - 0.5);
      const row = realisticRow(next, i);
      if (next() < 0.3) row[ALL[Math.floor(next() * ALL.length)]!] = '';
      compare(header, header.map((f) => row[f]));
    }
  });

  it('leaves invalid UTF-8 and doubled quotes to the ordinary path', () => {
    // 0xdf alone reads as 'ß' in Latin-1, which upper-cases to 'SS': no value may be judged by such a reading.
    const bad = [[0xc3], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xf5, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xff], [0xe2, 0x80], [0xdf]];
    for (const bytes of bad) {
      for (const field of ALL) {
        const row = realisticRow(seededRandom(19), 1);
        const parts = ALL.map((f) => Buffer.from(csvField(row[f])));
        const k = ALL.indexOf(field);
        parts[k] = Buffer.concat([Buffer.from('X'), Buffer.from(bytes), Buffer.from('Y')]);
        const record = Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from(','), p])));
        expect(compare(ALL, record).fast).toBe(false);
      }
    }
    const row = realisticRow(seededRandom(23), 2);
    row.name = 'Dwayne "The Rock" Johnson';
    expect(compare(ALL, ALL.map((f) => row[f]))).toEqual({ fast: false, ok: true });
  });
});

describe('whiteSpaceAt', () => {
  it('finds exactly the characters String.prototype.trim removes', () => {
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      const bytes = Buffer.from(ch + 'x', 'utf8');
      const expected = ch.trim() === '' ? bytes.length - 1 : 0;
      if (whiteSpaceAt(bytes, 0, bytes.length) !== expected) throw new Error(`U+${cp.toString(16)}: ${whiteSpaceAt(bytes, 0, bytes.length)} != ${expected}`);
    }
  });
});

describe('plainEmailBytes', () => {
  it('decides exactly as confirmsPlainEmail on plain, mutated and random addresses', () => {
    const next = seededRandom(29);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const run = (chars: string, min: number, max: number) => {
      let s = '';
      const n = min + Math.floor(next() * (max - min + 1));
      for (let i = 0; i < n; i++) s += chars[Math.floor(next() * chars.length)];
      return s;
    };
    const LOCAL = "abcdefghijXYZ0123456789abcdefghij.!#$%&'*+/=?^_`{|}~-";
    const DOMAIN = 'abcdefghijklmnopqrstuvwXYZ0123456789-._';
    const ODD_CHARS = ['"', ' ', '(', ')', ',', ':', ';', '<', '>', '[', ']', '\\', '@', '.', '..', '-', '_', 'é', '\u00a0', '\u0000', '\t', '\u007f', '中'];
    const TLDS = ['com', 'de', 'CO', 'x', 'c0m', '123', 'xn--p1ai', 'a'.repeat(63), 'a'.repeat(64), 'com-', 'рф', ''];
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 100_000; i++) {
      const local = next() < 0.05 ? run(LOCAL, 60, 70) : run(LOCAL, 0, 20);
      const labels = Array.from({ length: Math.floor(next() * 4) }, () => (next() < 0.03 ? run(DOMAIN, 60, 66) : run(DOMAIN, 0, 12)));
      let address = `${local}@${[...labels, pick(TLDS)].join('.')}`;
      if (next() < 0.02) address = `${run(LOCAL, 60, 64)}@${Array.from({ length: 4 }, () => run('abc', 60, 63)).join('.')}.com`; // near 254
      if (next() < 0.3) {
        const at = Math.floor(next() * (address.length + 1));
        address = address.slice(0, at) + pick(ODD_CHARS) + address.slice(at + (next() < 0.5 ? 1 : 0));
      }
      const bytes = Buffer.from(address, 'utf8');
      const expected = confirmsPlainEmail(address);
      if (plainEmailBytes(bytes, 0, bytes.length) !== expected) throw new Error(`${JSON.stringify(address)}: confirmsPlainEmail says ${expected}`);
      if (expected) accepted++;
      else refused++;
    }
    expect(accepted).toBeGreaterThan(5_000);
    expect(refused).toBeGreaterThan(10_000);
  });
});
