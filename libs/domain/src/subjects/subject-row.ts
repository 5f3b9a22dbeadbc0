import { DATA_CATEGORIES, isDataCategory, type DataCategory } from '../vocabulary/data-category.js';
import { countryOf, isCountryCode, isJurisdiction } from '../vocabulary/jurisdiction.js';
import { isEmailAddress } from './email.js';

export { confirmsPlainEmail } from './email.js';
import { isE164PhoneNumber } from './phone.js';

/** The fields of one affected subject, as an import file names them (camelCase; snake_case is accepted too). */
export const SUBJECT_FIELDS = [
  'externalRef', 'name', 'email', 'phone', 'pushTokens', 'postalAddress', 'country', 'region', 'language',
  'isMinor', 'guardianName', 'guardianEmail', 'guardianPhone', 'dataCategories',
] as const;
export type SubjectField = (typeof SUBJECT_FIELDS)[number];

/** One affected subject after validation and normalisation. */
export interface SubjectRecord {
  externalRef: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  pushTokens: string[];
  postalAddress: string | null;
  country: string | null;
  region: string | null;
  language: string | null;
  isMinor: boolean;
  guardianName: string | null;
  guardianEmail: string | null;
  guardianPhone: string | null;
  dataCategories: DataCategory[];
}

/** Why one field of one row was refused. The reason never repeats the value: it may be contact data. */
export interface FieldRejection {
  field: string;
  reason: string;
}

export type SubjectRowResult = { ok: true; value: SubjectRecord } | { ok: false; errors: FieldRejection[] };

/**
 * How list fields arrive. `csv`: every value is a string; lists (pushTokens, dataCategories, postal lines)
 * are separated by `|`. `json`: values are JSON values; lists are arrays of strings.
 */
export type RowFormat = 'csv' | 'json';

export const MAX_EXTERNAL_REF = 200;
export const MAX_NAME = 300;
export const MAX_EMAIL = 254;
export const MAX_POSTAL_ADDRESS = 2000;
export const MAX_PUSH_TOKEN = 4096;

const FIELD_BY_KEY = new Map<string, SubjectField>();
for (const f of SUBJECT_FIELDS) {
  FIELD_BY_KEY.set(f, f);
  FIELD_BY_KEY.set(f.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()), f);
}

/** The field a CSV header or JSON key names (`externalRef` or `external_ref`), or undefined if none. */
export function subjectFieldFor(key: string): SubjectField | undefined {
  return FIELD_BY_KEY.get(key.trim());
}

// Control characters (C0, DEL, C1) have no place in contact data; NUL cannot even be stored.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const E164 = /^\+[1-9]\d{6,14}$/;
const WHITESPACE = /\s/;

const BOOLEAN_WORDS = new Map<string, boolean>([
  ['', false], ['true', true], ['false', false], ['1', true], ['0', false], ['yes', true], ['no', false],
]);

/** The boolean an isMinor word stands for (`yes`, `0`, ``, …), once trimmed and lower-cased; undefined if none. */
export function booleanWord(word: string): boolean | undefined {
  return BOOLEAN_WORDS.get(word);
}

const REASONS = {
  string: 'must be a string',
  control: 'must not contain control characters',
  email: 'must be an e-mail address',
  phoneFormat: 'must be an E.164 number: + then the country code and number, digits only, e.g. +4915123456789',
  phoneInvalid: 'is not a valid phone number for its country code',
  country: 'must be an ISO 3166-1 alpha-2 country code, e.g. DE',
  region: 'must be an ISO 3166-2 subdivision code, e.g. US-CA',
  language: 'must be a BCP 47 language tag, e.g. de or pt-BR',
  isMinor: 'must be true or false (1/0 and yes/no are accepted)',
  dataCategories: `must be data categories from the vocabulary: ${DATA_CATEGORIES.join(', ')}`,
  guardian: 'a minor needs a guardian contact: guardianEmail or guardianPhone',
} as const;

// Canonical language tags, remembered: a file has few distinct languages. Bounded so memory stays flat.
const LANGUAGE_CACHE = new Map<string, string | null>();
const LANGUAGE_CACHE_MAX = 2000;

/** The canonical form of a BCP 47 tag (`EN-us` → `en-US`), or null when it is malformed. */
export function canonicalLanguage(tag: string): string | null {
  let canonical = LANGUAGE_CACHE.get(tag);
  if (canonical !== undefined) return canonical;
  try {
    canonical = Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    canonical = null;
  }
  if (LANGUAGE_CACHE.size >= LANGUAGE_CACHE_MAX) LANGUAGE_CACHE.clear();
  LANGUAGE_CACHE.set(tag, canonical);
  return canonical;
}

/** Lower-cases the domain of an e-mail address; the local part is left as written (it may be case-sensitive). */
export function normaliseEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? email : email.slice(0, at + 1) + email.slice(at + 1).toLowerCase();
}

/**
 * Validates and normalises one row of an import: trims, turns empty strings into null, lower-cases the
 * e-mail domain, canonicalises the language, upper-cases country and region codes. Every bad field yields
 * one rejection; the value itself is never quoted back.
 */
export function validateSubjectRow(input: Partial<Record<SubjectField, unknown>>, format: RowFormat): SubjectRowResult {
  const errors: FieldRejection[] = [];
  const reject = (field: SubjectField, reason: string) => {
    errors.push({ field, reason });
    return null;
  };

  const text = (field: SubjectField, max: number): string | null => {
    const raw = input[field];
    if (raw === undefined || raw === null) return null;
    if (typeof raw !== 'string') return reject(field, REASONS.string);
    const value = raw.trim();
    if (value === '') return null;
    if (value.length > max) return reject(field, `must be at most ${max} characters`);
    if (CONTROL.test(value)) return reject(field, REASONS.control);
    return value;
  };

  const email = (field: SubjectField): string | null => {
    const value = text(field, MAX_EMAIL);
    if (value === null) return null;
    if (!isEmailAddress(value)) return reject(field, REASONS.email);
    return normaliseEmail(value);
  };

  const phone = (field: SubjectField): string | null => {
    const value = text(field, 32);
    if (value === null) return null;
    if (!E164.test(value)) return reject(field, REASONS.phoneFormat);
    if (!isE164PhoneNumber(value)) return reject(field, REASONS.phoneInvalid);
    return value;
  };

  /** A list: `a|b` in CSV, an array of strings in JSON. Items are trimmed; empty ones dropped. */
  const list = (field: SubjectField): string[] | null => {
    const raw = input[field];
    if (raw === undefined || raw === null) return [];
    let items: unknown[];
    if (format === 'csv' || typeof raw === 'string') {
      if (typeof raw !== 'string') return reject(field, REASONS.string);
      items = raw.split('|');
    } else if (Array.isArray(raw)) {
      items = raw;
    } else {
      return reject(field, 'must be an array of strings');
    }
    const out: string[] = [];
    for (const item of items) {
      if (typeof item !== 'string') return reject(field, 'must be an array of strings');
      const value = item.trim();
      if (value !== '') out.push(value);
    }
    return out;
  };

  let externalRef = text('externalRef', MAX_EXTERNAL_REF);
  if (externalRef === null && !errors.some((e) => e.field === 'externalRef')) externalRef = reject('externalRef', 'is required');

  const name = text('name', MAX_NAME);
  const emailValue = email('email');
  const phoneValue = phone('phone');

  let pushTokens = list('pushTokens');
  if (pushTokens && pushTokens.some((t) => t.length > MAX_PUSH_TOKEN || WHITESPACE.test(t) || CONTROL.test(t))) {
    pushTokens = reject('pushTokens', `must be tokens of at most ${MAX_PUSH_TOKEN} characters without spaces`);
  }

  const postalAddress = postal(input.postalAddress, format, reject);

  let country = text('country', 2);
  if (country !== null) {
    country = country.toUpperCase();
    if (!isCountryCode(country)) country = reject('country', REASONS.country);
  }
  let region = text('region', 10);
  if (region !== null) {
    region = region.toUpperCase();
    if (!region.includes('-') || !isJurisdiction(region)) {
      region = reject('region', REASONS.region);
    } else if (country !== null && countryOf(region) !== country) {
      region = reject('region', `must be a subdivision of the row's country ${country}`);
    } else if (country === null && !errors.some((e) => e.field === 'country')) {
      // A subdivision names its country: US-CA is in US.
      country = countryOf(region);
    }
  }

  let language = text('language', 100);
  if (language !== null) language = canonicalLanguage(language) ?? reject('language', REASONS.language);

  let isMinor = false;
  const rawMinor = input.isMinor;
  if (typeof rawMinor === 'boolean') isMinor = rawMinor;
  else if (typeof rawMinor === 'string') {
    const word = booleanWord(rawMinor.trim().toLowerCase());
    if (word === undefined) reject('isMinor', REASONS.isMinor);
    else isMinor = word;
  } else if (rawMinor !== undefined && rawMinor !== null) reject('isMinor', REASONS.isMinor);

  const guardianName = text('guardianName', MAX_NAME);
  const guardianEmail = email('guardianEmail');
  const guardianPhone = phone('guardianPhone');
  if (isMinor && isBlank(input.guardianEmail) && isBlank(input.guardianPhone)) reject('isMinor', REASONS.guardian);

  let dataCategories = list('dataCategories');
  if (dataCategories) {
    const known = dataCategories.map((c) => c.toLowerCase());
    dataCategories = known.every(isDataCategory) ? [...new Set(known)] : reject('dataCategories', REASONS.dataCategories);
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      externalRef: externalRef!,
      name,
      email: emailValue,
      phone: phoneValue,
      pushTokens: pushTokens!,
      postalAddress,
      country,
      region,
      language,
      isMinor,
      guardianName,
      guardianEmail,
      guardianPhone,
      dataCategories: dataCategories as DataCategory[],
    },
  };
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * A postal address as lines joined by `\n`. CSV: lines separated by `|` or by real newlines inside a quoted
 * field. JSON: a string (with `\n` or `|`) or an array of lines.
 */
function postal(raw: unknown, format: RowFormat, reject: (field: SubjectField, reason: string) => null): string | null {
  if (raw === undefined || raw === null) return null;
  let lines: unknown[];
  if (typeof raw === 'string') lines = raw.split(/\r\n|\r|\n|\|/);
  else if (format === 'json' && Array.isArray(raw)) lines = raw;
  else return reject('postalAddress', format === 'json' ? 'must be a string or an array of lines' : REASONS.string);
  const out: string[] = [];
  for (const line of lines) {
    if (typeof line !== 'string') return reject('postalAddress', 'must be a string or an array of lines');
    const value = line.trim();
    if (value !== '') out.push(value);
  }
  if (out.length === 0) return null;
  const joined = out.join('\n');
  if (joined.length > MAX_POSTAL_ADDRESS) return reject('postalAddress', `must be at most ${MAX_POSTAL_ADDRESS} characters`);
  if (CONTROL_EXCEPT_NEWLINE.test(joined)) return reject('postalAddress', REASONS.control);
  return joined;
}
