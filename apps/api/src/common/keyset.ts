import { Problem } from './problem.js';

/** Opaque keyset cursor: the sort key of the last row seen. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks for the usual key shapes, so a forged cursor is a 400 on `cursor`, not a database error. */
export const cursorKey = {
  timestamp: (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'))),
  uuid: (v: unknown) => typeof v === 'string' && UUID.test(v),
  integer: (v: unknown) => Number.isSafeInteger(v),
};

export function decodeCursor(cursor: string, arity: number, checks: ((v: unknown) => boolean)[] = []): (string | number)[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string' || typeof v === 'number')
      && checks.every((check, i) => check(values[i]))) {
      return values;
    }
  } catch {
    // fall through
  }
  throw Problem.validation([{ field: 'cursor', reason: 'is not a cursor returned by this endpoint' }]);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
