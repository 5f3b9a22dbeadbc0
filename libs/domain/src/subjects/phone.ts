import * as core from 'libphonenumber-js/core';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import metadataJson from 'libphonenumber-js/max/metadata';

const E164 = /^\+[1-9]\d{6,14}$/;

// The number types libphonenumber-js checks a national number against (helpers/getNumberType).
const TYPES = ['FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];

/** The parts of libphonenumber-js's numbering plan this file reads (its typings declare fewer). */
interface NumberingPlan {
  nationalNumberPattern(): string;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

interface MetadataReader {
  selectNumberingPlan(country: string): void;
  numberingPlan: NumberingPlan;
}

// libphonenumber-js exports its metadata reader from every build, but types it only in some of them.
const Metadata = (core as unknown as { Metadata: new (json: typeof metadataJson) => MetadataReader }).Metadata;

interface CompiledPlan {
  national: RegExp;
  types: { lengths: Set<number> | undefined; pattern: RegExp }[];
}

const plans = new Map<string, CompiledPlan>();

/** A country's patterns from libphonenumber-js's metadata, compiled once (the library compiles them per call). */
function compiledPlan(country: string): CompiledPlan {
  let plan = plans.get(country);
  if (plan) return plan;
  const metadata = new Metadata(metadataJson);
  metadata.selectNumberingPlan(country);
  const numbering = metadata.numberingPlan;
  const types = [];
  for (const name of TYPES) {
    const type = numbering.type(name);
    if (!type || !type.pattern()) continue;
    const lengths = type.possibleLengths();
    types.push({ lengths: lengths ? new Set(lengths) : undefined, pattern: new RegExp(`^(?:${type.pattern()})$`) });
  }
  plan = { national: new RegExp(`^(?:${numbering.nationalNumberPattern()})$`), types };
  plans.set(country, plan);
  return plan;
}

/**
 * True when the national part of an E.164 number matches a number type of a country of its calling code,
 * with the patterns of libphonenumber-js's own metadata. It only ever confirms: anything it does not confirm
 * is decided by libphonenumber-js itself. A differential test (phone.spec.ts) holds the two together.
 */
export function confirmsValidE164(phone: string): boolean {
  for (let length = 1; length <= 3; length++) {
    const countries = metadataJson.country_calling_codes[phone.slice(1, 1 + length)];
    if (!countries) continue;
    const national = phone.slice(1 + length);
    for (const country of countries) {
      if ((country as string) === '001') return false; // non-geographic: left to the library
      const plan = compiledPlan(country);
      if (!plan.national.test(national)) continue;
      for (const type of plan.types) {
        if ((!type.lengths || type.lengths.has(national.length)) && type.pattern.test(national)) return true;
      }
    }
    return false;
  }
  return false;
}

/**
 * Whether `phone` is an E.164 number (`+4915123456789`) that libphonenumber-js knows as a real number.
 * Most real numbers are confirmed by {@link confirmsValidE164} in well under a microsecond; the rest go
 * through `isValidPhoneNumber` (about 13 µs: it builds its regular expressions on every call).
 */
export function isE164PhoneNumber(phone: string): boolean {
  return E164.test(phone) && (confirmsValidE164(phone) || isValidPhoneNumber(phone));
}
