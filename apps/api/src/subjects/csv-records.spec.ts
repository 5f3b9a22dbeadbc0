import { describe, expect, it } from '@jest/globals';
import { type CsvEvent, CsvRecordReader, CsvUnclosedQuote } from './csv-records.js';

/** Reads `text` cut into chunks of `size` bytes: every answer must be the same whatever the cut. */
function read(text: string, size: number, max = 1000): CsvEvent[] {
  const reader = new CsvRecordReader(max);
  const out: CsvEvent[] = [];
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) reader.write(bytes.subarray(i, i + size), out);
  reader.end(out);
  return out;
}

const SIZES = [1, 2, 3, 7, 64, 100_000];

describe('CsvRecordReader', () => {
  it.each<[string, string, CsvEvent[]]>([
    ['plain records', 'a,b\n1,2\n', [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['1', '2'] }]],
    ['no final newline', 'a,b\n1,2', [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['1', '2'] }]],
    ['CRLF', 'a,b\r\n1,2\r\n', [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['1', '2'] }]],
    ['empty fields', ',\n,x\n', [{ line: 1, fields: ['', ''] }, { line: 2, fields: ['', 'x'] }]],
    ['quoted fields with commas, quotes and newlines', 'a,"x, ""y""\nz"\nb,c\n', [{ line: 1, fields: ['a', 'x, "y"\nz'] }, { line: 3, fields: ['b', 'c'] }]],
    ['a quoted field before CRLF', '"a"\r\n"b"', [{ line: 1, fields: ['a'] }, { line: 2, fields: ['b'] }]],
    ['blank lines are skipped but counted', 'a\n\n\nb\n', [{ line: 1, fields: ['a'] }, { line: 4, fields: ['b'] }]],
    ['a byte order mark', '\uFEFFa,b\n', [{ line: 1, fields: ['a', 'b'] }]],
    ['multi-byte characters', 'Zoë,"Straße\n1"\n東京,x\n', [{ line: 1, fields: ['Zoë', 'Straße\n1'] }, { line: 3, fields: ['東京', 'x'] }]],
    ['text after a closing quote', 'a\n"b"c,d\ne\n', [{ line: 1, fields: ['a'] }, { line: 2, error: 'closingQuote' }, { line: 3, fields: ['e'] }]],
    ['a quote inside an unquoted field', 'a\nb"c\nd\n', [{ line: 1, fields: ['a'] }, { line: 2, error: 'strayQuote' }, { line: 3, fields: ['d'] }]],
  ])('reads %s whatever the chunking', (_what, text, expected) => {
    for (const size of SIZES) expect(read(text, size)).toEqual(expected);
  });

  it('rejects a record longer than the limit and reads on, whatever the chunking', () => {
    const text = `a\n${'x'.repeat(50)}\n"${'y\n'.repeat(30)}"\nb\n`;
    for (const size of SIZES) {
      expect(read(text, size, 40)).toEqual([
        { line: 1, fields: ['a'] },
        { line: 2, error: 'tooLong' },
        { line: 3, error: 'tooLong' },
        { line: 34, fields: ['b'] },
      ]);
    }
  });

  it('throws on a quote that is never closed, naming the line where it opened', () => {
    for (const size of SIZES) {
      expect(() => read('a\nb\n"c,d\ne\n', size)).toThrow(CsvUnclosedQuote);
      try {
        read('a\nb\n"c,d\ne\n', size);
      } catch (error) {
        expect((error as CsvUnclosedQuote).line).toBe(3);
      }
    }
  });
});
