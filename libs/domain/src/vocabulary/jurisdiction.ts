import { iso31661, iso31662 } from 'iso-3166';

const COUNTRIES = new Set(iso31661.map((c) => c.alpha2));
const SUBDIVISIONS = new Set(iso31662.map((s) => s.code));

/** ISO 3166-1 alpha-2 country code, upper case (e.g. `DE`). */
export function isCountryCode(value: string): boolean {
  return COUNTRIES.has(value);
}

/** A country (`DE`) or an ISO 3166-2 subdivision (`US-CA`). */
export function isJurisdiction(value: string): boolean {
  return COUNTRIES.has(value) || SUBDIVISIONS.has(value);
}

/** The country part of a jurisdiction code. */
export function countryOf(jurisdiction: string): string {
  return jurisdiction.split('-')[0]!;
}
