import { describe, expect, it } from '@jest/globals';
import { arrayLiteral } from '#database';
import { useTestDatabase } from './support/test-database.js';

const db = useTestDatabase();

/** What PostgreSQL reads back from the literal, as text (arrays of any element type come back the same way). */
async function roundTrip(literal: string, type: string): Promise<unknown[]> {
  const { rows } = await db.client.query(`SELECT $1::${type}[] AS a`, [literal]);
  return rows[0].a;
}

describe('arrayLiteral, read back by PostgreSQL', () => {
  it.each<[string, (string | null)[]]>([
    ['plain words', ['sent', 'retry', 'permanent']],
    ['empty strings, blanks and the word NULL stay strings', ['', ' ', 'NULL', 'null']],
    ['quotes and backslashes', ['say "hi"', 'C:\\path\\', '\\"', '"']],
    ['separators and braces', ['a,b', '{x}', 'a}b{', 'x y\tz\n']],
    ['non-ASCII', ['Ünïcode', '中文', '😀']],
    ['nulls among values', [null, 'a', null]],
    ['nothing', []],
  ])('text: %s', async (_, values) => {
    expect(await roundTrip(arrayLiteral(values), 'text')).toEqual(values);
  });

  it.each<[string, (number | null)[]]>([
    ['ids', [1, 2, 9007199254740991]],
    ['zero, negatives and nulls', [0, -5, null]],
  ])('bigint: %s', async (_, values) => {
    // int8 arrays come back from the driver as strings
    expect(await roundTrip(arrayLiteral(values), 'bigint')).toEqual(values.map((v) => (v === null ? null : String(v))));
  });

  it('timestamps as ISO strings', async () => {
    const at = new Date('2026-12-04T21:00:00.123Z');
    const [back] = await roundTrip(arrayLiteral([at.toISOString(), null]), 'timestamptz') as [Date, null];
    expect(back.getTime()).toBe(at.getTime());
  });

  it('refuses numbers PostgreSQL could not read', () => {
    expect(() => arrayLiteral([Number.NaN])).toThrow(RangeError);
    expect(() => arrayLiteral([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });
});
