import { Transform, type TransformCallback } from 'node:stream';
import { SUBJECT_FIELDS, subjectFieldFor, type FieldRejection, type SubjectField } from '#domain';
import { Problem } from '../common/problem.js';
import { type CsvEvent, CsvRecordReader, CsvUnclosedQuote } from './csv-records.js';

/** The longest line (CSV record or NDJSON line) an import accepts; a longer one is rejected, not read whole. */
export const MAX_LINE_BYTES = 64 * 1024;

export type ImportFormat = 'csv' | 'ndjson';

/** What a source yields: a row to validate, or a line that could not even be read as a row. */
export type SourceItem =
  | { kind: 'row'; line: number; input: Partial<Record<SubjectField, unknown>> }
  | { kind: 'unreadable'; line: number; errors: FieldRejection[] };

/** The stages that turn the upload's bytes into one {@link SourceItem} per row (object mode), in file order. */
export function importSource(format: ImportFormat): Transform[] {
  return [format === 'csv' ? new CsvSource() : new NdjsonSource()];
}

function unreadable(line: number, field: string, reason: string): SourceItem {
  return { kind: 'unreadable', line, errors: [{ field, reason }] };
}

const TOO_LONG = `is longer than ${MAX_LINE_BYTES} bytes`;

function fileProblem(reason: string): Problem {
  return Problem.validation([{ field: 'body', reason }]);
}

const CSV_REASONS: Record<string, string> = {
  tooLong: TOO_LONG,
  closingQuote: 'is not valid CSV: a closing quote must be followed by a comma or the end of the line',
  strayQuote: 'is not valid CSV: a quote inside a field that does not start with one',
};

/** CSV with a header row; columns in camelCase or snake_case. An unknown column refuses the whole file. */
class CsvSource extends Transform {
  private readonly reader = new CsvRecordReader(MAX_LINE_BYTES);
  private readonly events: CsvEvent[] = [];
  private columns: SubjectField[] | undefined;

  constructor() {
    super({ readableObjectMode: true, readableHighWaterMark: 1024 });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.reader.write(chunk, this.events);
      this.drainEvents();
      done();
    } catch (error) {
      done(this.translate(error));
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.reader.end(this.events);
      this.drainEvents();
      done(this.columns ? null : fileProblem('is empty: a CSV import starts with a header row naming its columns'));
    } catch (error) {
      done(this.translate(error));
    }
  }

  private translate(error: unknown): Error {
    if (error instanceof CsvUnclosedQuote) {
      return fileProblem(`is not valid CSV: the quote opened on line ${error.line} is never closed, so the rest of the file cannot be read`);
    }
    return error as Error;
  }

  private drainEvents(): void {
    for (const e of this.events) {
      if (e.error !== undefined) {
        if (!this.columns) throw fileProblem(`the header row ${CSV_REASONS[e.error] ?? 'is not valid CSV'}`);
        this.push(unreadable(e.line, 'line', CSV_REASONS[e.error] ?? 'is not valid CSV'));
        continue;
      }
      const fields = e.fields;
      const columns = this.columns;
      if (!columns) {
        this.columns = headerColumns(fields);
        continue;
      }
      if (fields.length !== columns.length) {
        this.push(unreadable(e.line, 'line', `has ${fields.length} fields; the header has ${columns.length}`));
        continue;
      }
      const input: Partial<Record<SubjectField, unknown>> = {};
      for (let i = 0; i < columns.length; i++) input[columns[i]!] = fields[i];
      this.push({ kind: 'row', line: e.line, input } satisfies SourceItem);
    }
    this.events.length = 0;
  }
}

function headerColumns(header: string[]): SubjectField[] {
  const seen = new Set<SubjectField>();
  const errors = [];
  const columns: SubjectField[] = [];
  for (const [i, raw] of header.entries()) {
    const name = raw.trim();
    const field = subjectFieldFor(name);
    const label = name.length > 100 ? name.slice(0, 100) + '…' : name;
    if (!field) errors.push({ field: `columns[${i}]`, reason: `"${label}" is not a known column; known columns: ${SUBJECT_FIELDS.join(', ')} (or in snake_case)` });
    else if (seen.has(field)) errors.push({ field: `columns[${i}]`, reason: `"${label}" repeats the column ${field}` });
    else seen.add(field);
    columns.push(field!);
  }
  if (errors.length === 0 && !seen.has('externalRef')) errors.push({ field: 'columns', reason: 'must include externalRef' });
  if (errors.length > 0) throw Problem.validation(errors);
  return columns;
}

/** Newline-delimited JSON: one object per line, keys as CSV columns; blank lines are ignored. */
class NdjsonSource extends Transform {
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private line = 0;
  /** The current line is already too long: skip its bytes until its newline. */
  private skipping = false;

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      this.line++;
      if (this.skipping) {
        this.skipping = false;
      } else if (this.carryBytes + (nl - start) > MAX_LINE_BYTES) {
        this.push(unreadable(this.line, 'line', TOO_LONG));
      } else {
        const bytes = this.carryBytes === 0 ? chunk.subarray(start, nl) : Buffer.concat([...this.carry, chunk.subarray(start, nl)]);
        this.emitLine(bytes);
      }
      this.carry = [];
      this.carryBytes = 0;
      start = nl + 1;
    }
    if (start < chunk.length && !this.skipping) {
      const rest = chunk.subarray(start);
      if (this.carryBytes + rest.length > MAX_LINE_BYTES) {
        this.push(unreadable(this.line + 1, 'line', TOO_LONG));
        this.skipping = true;
        this.carry = [];
        this.carryBytes = 0;
      } else {
        // Copied: the chunk's memory is not kept alive by a short remainder.
        this.carry.push(Buffer.from(rest));
        this.carryBytes += rest.length;
      }
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.carryBytes > 0) {
      this.line++;
      this.emitLine(Buffer.concat(this.carry));
    }
    done();
  }

  private emitLine(bytes: Buffer): void {
    const text = bytes.toString('utf8').trim();
    if (text === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.push(unreadable(this.line, 'line', 'is not valid JSON'));
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.push(unreadable(this.line, 'line', 'must be a JSON object'));
      return;
    }
    const input: Record<string, unknown> = {};
    const unknown: string[] = [];
    for (const [key, v] of Object.entries(value)) {
      const field = subjectFieldFor(key);
      if (field) input[field] = v;
      else unknown.push(key);
    }
    if (unknown.length > 0) {
      const errors = unknown.map((key) => ({ field: key.length > 100 ? key.slice(0, 100) + '…' : key, reason: 'is not a known field' }));
      this.push({ kind: 'unreadable', line: this.line, errors } satisfies SourceItem);
      return;
    }
    this.push({ kind: 'row', line: this.line, input } satisfies SourceItem);
  }
}
