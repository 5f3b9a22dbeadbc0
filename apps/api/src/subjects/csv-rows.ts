import {
  booleanWord, canonicalLanguage, confirmsValidE164, countryOf, DATA_CATEGORIES, isCountryCode, isJurisdiction,
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
 * byte about twice and makes one short string per phone number; the decisions on regions, languages and isMinor
 * words are remembered per distinct value.
 */

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const PIPE = 0x7c;
const AT = 0x40;

/** Column positions in `SUBJECT_FIELDS` order (also the order of a COPY tuple after the incident id). */
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

/**
 * `b[start, end)` as a number, one to one, when it is 1 to 8 printable ASCII characters (no space); else -1. The
 * short values of a file (regions, languages, isMinor words) repeat: their decisions are remembered by this key,
 * without making a string of every value.
 */
function shortKey(b: Uint8Array, start: number, end: number): number {
  if (end - start > 8 || end <= start) return -1;
  let key = 0;
  for (let i = end - 1; i >= start; i--) {
    const c = b[i]!;
    if (c <= SPACE || c >= 0x7f) return -1;
    key = key * 95 + (c - SPACE); // digits 1 to 94: distinct keys for distinct values, < 95^8 < 2^53
  }
  return key;
}

/** Decisions remembered by value (see shortKey); emptied when full, so memory stays flat. */
class Decisions<T> {
  private readonly map = new Map<number, T>();

  lookup(key: number): T | undefined {
    return this.map.get(key);
  }

  remember(key: number, value: T): T {
    if (this.map.size >= 10_000) this.map.clear();
    this.map.set(key, value);
    return value;
  }
}

/** A region as written (upper-cased, it must be a subdivision code) → its country's index (see COUNTRY_CODES), or -1. */
function regionCountry(region: string): number {
  const upperCased = region.toUpperCase();
  if (!upperCased.includes('-') || !isJurisdiction(upperCased)) return -1;
  const country = countryOf(upperCased);
  if (!/^[A-Z]{2}$/.test(country)) return -1;
  return (country.charCodeAt(0) - 0x41) * 26 + (country.charCodeAt(1) - 0x41);
}

const REGIONS = new Decisions<number>();
const LANGUAGES = new Decisions<string | null>();
/** An isMinor word as written → 0 (false), 1 (true) or 2 (not a word). */
const MINOR_WORDS = new Decisions<number>();

function minorWord(word: string): number {
  const value = booleanWord(word.toLowerCase());
  return value === undefined ? 2 : value ? 1 : 0;
}

// The characters of an e-mail atom (RFC 5322 atext), as in confirmsPlainEmail's pattern.
const ATEXT = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-") ATEXT[c.charCodeAt(0)] = 1;
const DOT = 0x2e;
const HYPHEN = 0x2d;
const isAlnum = (c: number) => isLetter(c) || (c >= 0x30 && c <= 0x39);

/**
 * confirmsPlainEmail, on bytes: dot-separated atoms, an `@` at most 64 bytes in, then one or more host labels
 * (letters, digits, inner hyphens, 1–63 long) and an alphabetic top-level label of 2–63; at most 254 bytes. The
 * pattern's own test (csv-rows.spec.ts) holds the two together.
 */
export function plainEmailBytes(b: Uint8Array, start: number, end: number): boolean {
  if (end - start > 254) return false;
  let i = start;
  let atom = 0;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === AT) break;
    if (c === DOT) {
      if (atom === 0) return false;
      atom = 0;
    } else if (c < 0x80 && ATEXT[c] === 1) {
      atom++;
    } else {
      return false;
    }
  }
  if (i === end || atom === 0 || i - start > 64) return false;
  let labels = 0;
  for (let a = i + 1; ; ) {
    let z = a;
    while (z < end && b[z] !== DOT) z++;
    const n = z - a;
    if (z === end) {
      // The top-level label: letters only.
      if (labels === 0 || n < 2 || n > 63) return false;
      for (let k = a; k < z; k++) if (!isLetter(b[k]!)) return false;
      return true;
    }
    if (n < 1 || n > 63 || !isAlnum(b[a]!) || !isAlnum(b[z - 1]!)) return false;
    for (let k = a + 1; k < z - 1; k++) if (!isAlnum(b[k]!) && b[k] !== HYPHEN) return false;
    labels++;
    a = z + 1;
  }
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
  private readonly starts = new Int32Array(SUBJECT_FIELDS.length);
  private readonly ends = new Int32Array(SUBJECT_FIELDS.length);

  /** Every tuple starts with the field count and `incidentId`. */
  constructor(incidentId: string) {
    this.prefix = tuplePrefix(incidentId);
  }

  /**
   * Writes the row and returns true, or returns false (having written anything) when the ordinary path must
   * decide. `columns[f]` is the record field of column `f` (SUBJECT_FIELDS order), -1 when the file lacks it.
   */
  row(b: Buffer, fields: CsvFields, columns: Int32Array): boolean {
    // Where each column's value is (empty when the file lacks the column).
    const fs = this.starts;
    const fe = this.ends;
    for (let f = 0; f < columns.length; f++) {
      const k = columns[f]!;
      if (k < 0) {
        fs[f] = fe[f] = 0;
        continue;
      }
      if (fields.escaped[k]) return false;
      fs[f] = fields.starts[k]!;
      fe[f] = fields.ends[k]!;
    }

    // Region before country: a row without a country takes the region's.
    let country = -1;
    const cs = fs[F.country]!;
    const ce = fe[F.country]!;
    if (ce > cs) {
      if (ce - cs !== 2) return false;
      const c0 = b[cs]!;
      const c1 = b[cs + 1]!;
      if (!isLetter(c0) || !isLetter(c1)) return false;
      country = (upper(c0) - 0x41) * 26 + (upper(c1) - 0x41);
      if (COUNTRY_CODES[country] !== 1) return false;
    }
    const rs = fs[F.region]!;
    const re = fe[F.region]!;
    if (re > rs) {
      if (re - rs > 10) return false;
      // ASCII letters, digits and hyphens only: what a subdivision code is made of, and upper-cased byte by byte.
      for (let i = rs; i < re; i++) {
        const c = b[i]!;
        if (!isLetter(c) && !(c >= 0x30 && c <= 0x39) && c !== 0x2d) return false;
      }
      const key = shortKey(b, rs, re);
      let of = key >= 0 ? REGIONS.lookup(key) : undefined;
      if (of === undefined) {
        of = regionCountry(b.toString('latin1', rs, re));
        if (key >= 0) REGIONS.remember(key, of);
      }
      if (of < 0) return false;
      if (country < 0) country = of;
      else if (of !== country) return false;
    }

    let minor = false;
    const ms = fs[F.isMinor]!;
    const me = fe[F.isMinor]!;
    if (me > ms) {
      const key = shortKey(b, ms, me);
      if (key < 0) return false;
      let word = MINOR_WORDS.lookup(key);
      if (word === undefined) word = MINOR_WORDS.remember(key, minorWord(b.toString('latin1', ms, me)));
      if (word === 2) return false;
      minor = word === 1;
    }
    if (minor && fe[F.guardianEmail] === fs[F.guardianEmail] && fe[F.guardianPhone] === fs[F.guardianPhone]) return false;

    this.out.set(this.prefix, this.pos);
    this.pos += this.prefix.length;
    const rfs = fs[F.externalRef]!;
    const rfe = fe[F.externalRef]!;
    if (rfe === rfs || !this.text(b, rfs, rfe, MAX_EXTERNAL_REF)) return false;
    this.refStart = rfs;
    this.refEnd = rfe;
    if (!this.text(b, fs[F.name]!, fe[F.name]!, MAX_NAME)) return false;
    if (!this.email(b, fs[F.email]!, fe[F.email]!)) return false;
    if (!this.phone(b, fs[F.phone]!, fe[F.phone]!)) return false;
    if (!this.pushTokens(b, fs[F.pushTokens]!, fe[F.pushTokens]!)) return false;
    if (!this.postal(b, fs[F.postalAddress]!, fe[F.postalAddress]!)) return false;
    if (country < 0) {
      this.nullValue();
    } else {
      this.int32(2);
      this.out[this.pos++] = 0x41 + Math.floor(country / 26);
      this.out[this.pos++] = 0x41 + (country % 26);
    }
    if (re === rs) {
      this.nullValue();
    } else {
      this.int32(re - rs);
      for (let i = rs; i < re; i++) this.out[this.pos++] = upper(b[i]!);
    }
    if (!this.language(b, fs[F.language]!, fe[F.language]!)) return false;
    this.int32(1);
    this.out[this.pos++] = minor ? 1 : 0;
    if (!this.text(b, fs[F.guardianName]!, fe[F.guardianName]!, MAX_NAME)) return false;
    if (!this.email(b, fs[F.guardianEmail]!, fe[F.guardianEmail]!)) return false;
    if (!this.phone(b, fs[F.guardianPhone]!, fe[F.guardianPhone]!)) return false;
    return this.categories(b, fs[F.dataCategories]!, fe[F.dataCategories]!);
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

  /** An e-mail address of the plain ASCII shape (confirmsPlainEmail, see plainEmailBytes), its domain lower-cased. */
  private email(b: Buffer, start: number, end: number): boolean {
    if (end === start) return this.nullValue();
    if (end - start > MAX_EMAIL) return false;
    let at = -1;
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c <= SPACE || c >= 0x7f) return false;
      if (c === AT) at = i;
    }
    if (!plainEmailBytes(b, start, end)) return false;
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
    const key = shortKey(b, start, end);
    let tag = key >= 0 ? LANGUAGES.lookup(key) : undefined;
    if (tag === undefined) {
      tag = canonicalLanguage(b.toString('latin1', start, end));
      if (key >= 0) LANGUAGES.remember(key, tag);
    }
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
