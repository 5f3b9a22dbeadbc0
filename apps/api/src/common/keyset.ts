import { Problem } from './problem.js';

/** Opaque keyset cursor: the sort key of the last row seen. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
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
