import {
  booleanWord, canonicalLanguage, confirmsPlainEmail, confirmsValidE164, countryOf, DATA_CATEGORIES, isCountryCode, isJurisdiction,
  MAX_EMAIL, MAX_EXTERNAL_REF, MAX_NAME, MAX_POSTAL_ADDRESS, MAX_PUSH_TOKEN, SUBJECT_FIELDS, type SubjectField,
} from '#domain';
import { ARRAY_HEADER_BYTES, EMPTY_ARRAY, tuplePrefix, writeArrayHeader, writeInt32 } from './copy-binary.js';
import type { CsvFields } from './csv-records.js';

/**
 * The fast path of a CSV import: one record, as byte ranges of the upload, straight to its COPY tuple, for the
 * rows that need nothing but copying, upper- or lower-casing and checks. It decides nothing on its own: it
 * accepts a row only when `validateSubjectRow` would accept it and when its tuple is byte for byte what
 * `writeSubjectTuple` makes of the validated row; for anything else (a value to trim, an e-mail address or phone
 * number only the libraries can judge, a bad field, a doubled quote, invalid UTF-8, …) it answers false and the
 * row takes the ordinary path. A differential test (csv-rows.spec.ts) holds the two together.
 *
 * Why: the ordinary path makes a string of every field, an object per row, a validated copy, a line of string
 * pieces and then the UTF-8 bytes of it all again; about 10 µs of the api's CPU per row. This path reads each
 * byte about twice and allocates a few short strings (for the e-mail check, phone, region and language).
 */

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const PIPE = 0x7c;
const AT = 0x40;

/** Column positions in `SUBJECT_FIELDS` order (also the order of the COPY line after the incident id). */
const F = Object.fromEntries(SUBJECT_FIELDS.map((f, i) => [f, i])) as Record<SubjectField, number>;

/**
 * The length of the white space that String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator:
 * TAB, LF, VT, FF, CR, SPACE, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF)
 * starting at `b[i]` in UTF-8, or 0.
 */
export function whiteSpaceAt(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!;
  if (c === SPACE || (c >= TAB && c <= CR)) return 1;
  if (c < 0xc2) return 0;
  if (c === 0xc2) return i + 1 < end && b[i + 1] === 0xa0 ? 2 : 0;
  if (i + 2 >= end) return 0;
  const c1 = b[i + 1]!;
  const c2 = b[i + 2]!;
  if (c === 0xe1) return c1 === 0x9a && c2 === 0x80 ? 3 : 0;
  if (c === 0xe2) {
    if (c1 === 0x80) return (c2 >= 0x80 && c2 <= 0x8a) || c2 === 0xa8 || c2 === 0xa9 || c2 === 0xaf ? 3 : 0;
    return c1 === 0x81 && c2 === 0x9f ? 3 : 0;
  }
  if (c === 0xe3) return c1 === 0x80 && c2 === 0x80 ? 3 : 0;
  if (c === 0xef) return c1 === 0xbb && c2 === 0xbf ? 3 : 0;
  return 0;
}

/** Whether `b[start, end)` (not empty) starts or ends with white space that trimming would remove. */
function trimmable(b: Uint8Array, start: number, end: number): boolean {
  if (whiteSpaceAt(b, start, end) > 0) return true;
  const c = b[end - 1]!;
  if (c < 0x80) return c === SPACE || (c >= TAB && c <= CR);
  return (end - 2 >= start && whiteSpaceAt(b, end - 2, end) === 2) || (end - 3 >= start && whiteSpaceAt(b, end - 3, end) === 3);
}

/** The length of the well-formed UTF-8 sequence at `b[i]` (a byte ≥ 0x80), or 0 when it is not one. */
function utf8Length(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!;
  if (c >= 0xc2 && c <= 0xdf) return i + 1 < end && (b[i + 1]! & 0xc0) === 0x80 ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (i + 2 >= end) return 0;
    const c1 = b[i + 1]!;
    if (c1 < (c === 0xe0 ? 0xa0 : 0x80) || c1 > (c === 0xed ? 0x9f : 0xbf)) return 0; // overlong; surrogates
    return (b[i + 2]! & 0xc0) === 0x80 ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (i + 3 >= end) return 0;
    const c1 = b[i + 1]!;
    if (c1 < (c === 0xf0 ? 0x90 : 0x80) || c1 > (c === 0xf4 ? 0x8f : 0xbf)) return 0; // overlong; above U+10FFFF
    return (b[i + 2]! & 0xc0) === 0x80 && (b[i + 3]! & 0xc0) === 0x80 ? 4 : 0;
  }
  return 0;
}

const upper = (c: number) => (c >= 0x61 && c <= 0x7a ? c - 0x20 : c);
const lower = (c: number) => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

// Every two-letter country code, decided once: 1 a code, 2 not one.
const COUNTRY_CODES = new Uint8Array(26 * 26);
for (let a = 0; a < 26; a++) {
  for (let b = 0; b < 26; b++) COUNTRY_CODES[a * 26 + b] = isCountryCode(String.fromCharCode(0x41 + a, 0x41 + b)) ? 1 : 2;
}

// Upper-cased region → its country, or '' when it is not a subdivision code (remembered: a file has few).
const REGIONS = new Map<string, string>();
const REGIONS_MAX = 10_000;

function regionCountry(region: string): string {
  let country = REGIONS.get(region);
  if (country === undefined) {
    country = region.includes('-') && isJurisdiction(region) ? countryOf(region) : '';
    if (REGIONS.size >= REGIONS_MAX) REGIONS.clear();
    REGIONS.set(region, country);
  }
  return country;
}

const CATEGORY_BYTES = DATA_CATEGORIES.map((c) => Buffer.from(c, 'latin1'));

/** The index in DATA_CATEGORIES of `b[start, end)` lower-cased (ASCII letters and `_` only), or -1. */
function categoryIndex(b: Uint8Array, start: number, end: number): number {
  const n = end - start;
  next: for (let k = 0; k < CATEGORY_BYTES.length; k++) {
    const cat = CATEGORY_BYTES[k]!;
    if (cat.length !== n) continue;
    for (let i = 0; i < n; i++) if (lower(b[start + i]!) !== cat[i]) continue next;
    return k;
  }
  return -1;
}

/**
 * Writes the COPY tuples (binary format, see copy-binary.ts) of CSV rows into `out` from `pos`; the caller makes
 * sure `out` has room for the row (six times its bytes and 512 more is always enough) and takes `pos` back when a
 * row is refused.
 */
export class CsvRowEncoder {
  out: Buffer = Buffer.alloc(0);
  pos = 0;
  /** After an accepted row: where its external reference is in the upload (for the reference filter). */
  refStart = 0;
  refEnd = 0;
  private readonly prefix: Buffer;

  /** Every tuple starts with the field count and `incidentId`. */
  constructor(incidentId: string) {
    this.prefix = tuplePrefix(incidentId);
  }

  /**
   * Writes the row and returns true, or returns false (having written anything) when the ordinary path must
   * decide. `columns[f]` is the record field of column `f` (SUBJECT_FIELDS order), -1 when the file lacks it.
   */
  row(b: Buffer, fields: CsvFields, columns: Int32Array): boolean {
    const starts = fields.starts;
    const ends = fields.ends;
    for (let f = 0; f < columns.length; f++) {
      const k = columns[f]!;
      if (k >= 0 && fields.escaped[k]) return false;
    }
    const s = (f: number) => (columns[f]! < 0 ? 0 : starts[columns[f]!]!);
    const e = (f: number) => (columns[f]! < 0 ? 0 : ends[columns[f]!]!);

    // Region before country: a row without a country takes the region's.
    let country = '';
    const cs = s(F.country);
    const ce = e(F.country);
    if (ce > cs) {
      if (ce - cs !== 2) return false;
      const c0 = b[cs]!;
      const c1 = b[cs + 1]!;
      if (!isLetter(c0) || !isLetter(c1)) return false;
      const u0 = upper(c0);
      const u1 = upper(c1);
      if (COUNTRY_CODES[(u0 - 0x41) * 26 + (u1 - 0x41)] !== 1) return false;
      country = String.fromCharCode(u0, u1);
    }
    let region = '';
    const rs = s(F.region);
    const re = e(F.region);
    if (re > rs) {
      if (re - rs > 10) return false;
      for (let i = rs; i < re; i++) {
        const c = b[i]!;
        if (!isLetter(c) && !(c >= 0x30 && c <= 0x39) && c !== 0x2d) return false;
      }
      region = b.toString('latin1', rs, re).toUpperCase();
      const of = regionCountry(region);
      if (of === '') return false;
      if (country === '') country = of;
      else if (of !== country) return false;
    }

    let minor = false;
    const ms = s(F.isMinor);
    const me = e(F.isMinor);
    if (me > ms) {
      if (me - ms > 5) return false;
      for (let i = ms; i < me; i++) if (!isLetter(b[i]!) && !(b[i]! >= 0x30 && b[i]! <= 0x39)) return false;
      const word = booleanWord(b.toString('latin1', ms, me).toLowerCase());
      if (word === undefined) return false;
      minor = word;
    }
    if (minor && e(F.guardianEmail) === s(F.guardianEmail) && e(F.guardianPhone) === s(F.guardianPhone)) return false;

    this.out.set(this.prefix, this.pos);
    this.pos += this.prefix.length;
    const rfs = s(F.externalRef);
    const rfe = e(F.externalRef);
    if (rfe === rfs || !this.text(b, rfs, rfe, MAX_EXTERNAL_REF)) return false;
    this.refStart = rfs;
    this.refEnd = rfe;
    if (!this.text(b, s(F.name), e(F.name), MAX_NAME)) return false;
    if (!this.email(b, s(F.email), e(F.email))) return false;
    if (!this.phone(b, s(F.phone), e(F.phone))) return false;
    if (!this.pushTokens(b, s(F.pushTokens), e(F.pushTokens))) return false;
    if (!this.postal(b, s(F.postalAddress), e(F.postalAddress))) return false;
    this.ascii(country);
    this.ascii(region);
    if (!this.language(b, s(F.language), e(F.language))) return false;
    this.int32(1);
    this.out[this.pos++] = minor ? 1 : 0;
    if (!this.text(b, s(F.guardianName), e(F.guardianName), MAX_NAME)) return false;
    if (!this.email(b, s(F.guardianEmail), e(F.guardianEmail))) return false;
    if (!this.phone(b, s(F.guardianPhone), e(F.guardianPhone))) return false;
    return this.categories(b, s(F.dataCategories), e(F.dataCategories));
  }

  private int32(value: number): void {
    writeInt32(this.out, this.pos, value);
    this.pos += 4;
  }

  private nullValue(): true {
    this.int32(-1);
    return true;
  }

  /** An ASCII value; '' is written as NULL. */
  private ascii(value: string): void {
    if (value === '') {
      this.nullValue();
      return;
    }
    this.int32(value.length);
    for (let i = 0; i < value.length; i++) this.out[this.pos++] = value.charCodeAt(i);
  }

  /**
   * Copies well-formed UTF-8 without control characters (C0, DEL, C1); returns its length in UTF-16 code units
   * (what String.prototype.length counts), or -1.
   */
  private copy(b: Uint8Array, start: number, end: number): number {
    const o = this.out;
    let p = this.pos;
    let units = 0;
    for (let i = start; i < end;) {
      const c = b[i]!;
      if (c < 0x80) {
        if (c < SPACE || c === 0x7f) return -1;
        o[p++] = c;
        i++;
        units++;
        continue;
      }
      const n = utf8Length(b, i, end);
      if (n === 0 || (c === 0xc2 && b[i + 1]! < 0xa0)) return -1; // U+0080–U+009F are controls
      o[p++] = c;
      o[p++] = b[i + 1]!;
      if (n > 2) o[p++] = b[i + 2]!;
      if (n > 3) o[p++] = b[i + 3]!;
      i += n;
      units += n === 4 ? 2 : 1;
    }
    this.pos = p;
    return units;
  }

  /** A text field: NULL when empty; copied when it needs no trimming, has no control character and is short enough. */
  private text(b: Uint8Array, start: number, end: number, max: number): boolean {
    if (end === start) return this.nullValue();
    if (trimmable(b, start, end)) return false;
    this.int32(end - start);
    const units = this.copy(b, start, end);
    return units >= 0 && units <= max;
  }

  /** An e-mail address of the plain ASCII shape (see confirmsPlainEmail), its domain lower-cased. */
  private email(b: Buffer, start: number, end: number): boolean {
    if (end === start) return this.nullValue();
    if (end - start > MAX_EMAIL) return false;
    let at = -1;
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c <= SPACE || c >= 0x7f) return false;
      if (c === AT) at = i;
    }
    if (!confirmsPlainEmail(b.toString('latin1', start, end))) return false;
    this.int32(end - start);
    const o = this.out;
    let p = this.pos;
    for (let i = start; i <= at; i++) o[p++] = b[i]!;
    for (let i = at + 1; i < end; i++) o[p++] = lower(b[i]!);
    this.pos = p;
    return true;
  }

  /** An E.164 number that the numbering plans of libphonenumber-js confirm (see confirmsValidE164). */
  private phone(b: Buffer, start: number, end: number): boolean {
    if (end === start) return this.nullValue();
    const n = end - start;
    if (n < 8 || n > 16 || b[start] !== 0x2b || b[start + 1]! < 0x31 || b[start + 1]! > 0x39) return false;
    for (let i = start + 2; i < end; i++) if (b[i]! < 0x30 || b[i]! > 0x39) return false;
    if (!confirmsValidE164(b.toString('latin1', start, end))) return false;
    this.int32(n);
    this.out.set(b.subarray(start, end), this.pos);
    this.pos += n;
    return true;
  }

  /** Starts a text[] value; `endArray` completes it with its item count. */
  private startArray(): number {
    const at = this.pos;
    this.pos += 4 + ARRAY_HEADER_BYTES;
    return at;
  }

  private endArray(at: number, items: number): void {
    if (items === 0) {
      this.pos = at;
      this.out.set(EMPTY_ARRAY, at);
      this.pos += EMPTY_ARRAY.length;
      return;
    }
    writeArrayHeader(this.out, at, this.pos - at - 4, items);
  }

  /** Starts an array item; `endItem` completes it with its length. */
  private endItem(at: number): void {
    writeInt32(this.out, at, this.pos - at - 4);
  }

  /** Push tokens separated by `|`, spaces around them trimmed, empty ones dropped: a text[] value. */
  private pushTokens(b: Uint8Array, start: number, end: number): boolean {
    const array = this.startArray();
    const o = this.out;
    let items = 0;
    for (let i = start; i <= end;) {
      let j = i;
      while (j < end && b[j] !== PIPE) j++;
      let a = i;
      let z = j;
      while (a < z && b[a] === SPACE) a++;
      while (z > a && b[z - 1] === SPACE) z--;
      if (a < z) {
        if (z - a > MAX_PUSH_TOKEN) return false;
        items++;
        this.int32(z - a);
        for (let k = a; k < z; k++) {
          const c = b[k]!;
          if (c <= SPACE || c >= 0x7f) return false;
          o[this.pos++] = c;
        }
      }
      i = j + 1;
    }
    this.endArray(array, items);
    return true;
  }

  /** Postal lines separated by `|` or newlines, trimmed, empty ones dropped, joined by a newline; NULL when none. */
  private postal(b: Uint8Array, start: number, end: number): boolean {
    const field = this.pos;
    this.pos += 4;
    let lines = 0;
    let units = 0;
    for (let i = start; i <= end;) {
      let j = i;
      for (; j < end; j++) {
        const c = b[j];
        if (c === PIPE || c === LF || c === CR) break;
      }
      let a = i;
      let z = j;
      while (a < z && b[a] === SPACE) a++;
      while (z > a && b[z - 1] === SPACE) z--;
      if (a < z) {
        if (trimmable(b, a, z)) return false;
        if (lines++ > 0) {
          this.out[this.pos++] = LF;
          units++;
        }
        const n = this.copy(b, a, z);
        if (n < 0) return false;
        units += n;
      }
      i = j + 1;
    }
    if (lines === 0) {
      this.pos = field;
      return this.nullValue();
    }
    writeInt32(this.out, field, this.pos - field - 4);
    return units <= MAX_POSTAL_ADDRESS;
  }

  /** A language tag in its canonical form (canonicalLanguage, which remembers the tags it has seen). */
  private language(b: Buffer, start: number, end: number): boolean {
    if (end === start) return this.nullValue();
    if (end - start > 100) return false;
    for (let i = start; i < end; i++) if (b[i]! <= SPACE || b[i]! >= 0x7f) return false;
    const tag = canonicalLanguage(b.toString('latin1', start, end));
    if (tag === null || tag === '' || tag.length > 200) return false;
    for (let i = 0; i < tag.length; i++) {
      const c = tag.charCodeAt(i);
      if (c <= SPACE || c >= 0x7f) return false;
    }
    this.ascii(tag);
    return true;
  }

  /** Data categories separated by `|`, trimmed, lower-cased, each from the vocabulary, the first of each kept. */
  private categories(b: Uint8Array, start: number, end: number): boolean {
    const array = this.startArray();
    const o = this.out;
    let seen = 0;
    let items = 0;
    for (let i = start; i <= end;) {
      let j = i;
      while (j < end && b[j] !== PIPE) j++;
      let a = i;
      let z = j;
      while (a < z && b[a] === SPACE) a++;
      while (z > a && b[z - 1] === SPACE) z--;
      if (a < z) {
        const k = categoryIndex(b, a, z);
        if (k < 0) return false;
        if ((seen & (1 << k)) === 0) {
          seen |= 1 << k;
          items++;
          const cat = CATEGORY_BYTES[k]!;
          this.int32(cat.length);
          o.set(cat, this.pos);
          this.pos += cat.length;
        }
      }
      i = j + 1;
    }
    this.endArray(array, items);
    return true;
  }
}
