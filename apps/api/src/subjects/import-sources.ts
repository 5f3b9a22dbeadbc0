import { Transform, type TransformCallback } from 'node:stream';
import { SUBJECT_FIELDS, subjectFieldFor, type FieldRejection, type SubjectField } from '#domain';
import { Problem } from '../common/problem.js';
import { type CsvError, type CsvFields, CsvRecordReader, type CsvRecordSink, CsvUnclosedQuote } from './csv-records.js';
import type { ImportWriter } from './import-writer.js';

/** The longest line (CSV record or NDJSON line) an import accepts; a longer one is rejected, not read whole. */
export const MAX_LINE_BYTES = 64 * 1024;

export type ImportFormat = 'csv' | 'ndjson';

/**
 * The stages that turn the upload's bytes into COPY data ({@link CopyChunk}s, object mode), in file order: each
 * row read is handed to `writer` (validated, written as a COPY tuple or rejected), whose finished chunks follow.
 */
export function importSource(format: ImportFormat, writer: ImportWriter): Transform[] {
  return [format === 'csv' ? new CsvSource(writer) : new NdjsonSource(writer)];
}

const TOO_LONG = `is longer than ${MAX_LINE_BYTES} bytes`;

function fileProblem(reason: string): Problem {
  return Problem.validation([{ field: 'body', reason }]);
}

const CSV_REASONS: Record<CsvError, string> = {
  tooLong: TOO_LONG,
  closingQuote: 'is not valid CSV: a closing quote must be followed by a comma or the end of the line',
  strayQuote: 'is not valid CSV: a quote inside a field that does not start with one',
};

/** Reads bytes, hands rows to the writer and passes on the writer's finished chunks. */
abstract class RowSource extends Transform {
  constructor(protected readonly writer: ImportWriter) {
    super({ readableObjectMode: true, readableHighWaterMark: 8 });
  }

  protected passOn(): void {
    const ready = this.writer.ready;
    for (const chunk of ready) this.push(chunk);
    ready.length = 0;
  }
}

/** CSV with a header row; columns in camelCase or snake_case. An unknown column refuses the whole file. */
class CsvSource extends RowSource implements CsvRecordSink {
  private readonly reader = new CsvRecordReader(MAX_LINE_BYTES);
  /** The column of each field, from the header. */
  private names: SubjectField[] | undefined;
  /** The field of each column (SUBJECT_FIELDS order), -1 when the file lacks it. */
  private readonly fieldOf = new Int32Array(SUBJECT_FIELDS.length).fill(-1);

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.reader.read(chunk, this);
      this.passOn();
      done();
    } catch (error) {
      done(this.translate(error));
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.reader.finish(this);
      if (!this.names) throw fileProblem('is empty: a CSV import starts with a header row naming its columns');
      this.writer.finish();
      this.passOn();
      done();
    } catch (error) {
      done(this.translate(error));
    }
  }

  record(line: number, buf: Buffer, fields: CsvFields): void {
    const names = this.names;
    if (!names) {
      this.names = headerColumns(fields.texts(buf));
      this.names.forEach((name, k) => (this.fieldOf[SUBJECT_FIELDS.indexOf(name)] = k));
      return;
    }
    if (fields.count !== names.length) {
      this.writer.unreadable(line, [{ field: 'line', reason: `has ${fields.count} fields; the header has ${names.length}` }]);
      return;
    }
    this.writer.csvRow(line, buf, fields, this.fieldOf, names);
  }

  bad(line: number, error: CsvError): void {
    if (!this.names) throw fileProblem(`the header row ${CSV_REASONS[error]}`);
    this.writer.unreadable(line, [{ field: 'line', reason: CSV_REASONS[error] }]);
  }

  private translate(error: unknown): Error {
    if (error instanceof CsvUnclosedQuote) {
      return fileProblem(`is not valid CSV: the quote opened on line ${error.line} is never closed, so the rest of the file cannot be read`);
    }
    return error as Error;
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
class NdjsonSource extends RowSource {
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private line = 0;
  /** The current line is already too long: skip its bytes until its newline. */
  private skipping = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      this.line++;
      if (this.skipping) {
        this.skipping = false;
      } else if (this.carryBytes + (nl - start) > MAX_LINE_BYTES) {
        this.writer.unreadable(this.line, [{ field: 'line', reason: TOO_LONG }]);
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
        this.writer.unreadable(this.line + 1, [{ field: 'line', reason: TOO_LONG }]);
        this.skipping = true;
        this.carry = [];
        this.carryBytes = 0;
      } else {
        // Copied: the chunk's memory is not kept alive by a short remainder.
        this.carry.push(Buffer.from(rest));
        this.carryBytes += rest.length;
      }
    }
    this.passOn();
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.carryBytes > 0) {
      this.line++;
      this.emitLine(Buffer.concat(this.carry));
    }
    this.writer.finish();
    this.passOn();
    done();
  }

  private emitLine(bytes: Buffer): void {
    const text = bytes.toString('utf8').trim();
    if (text === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.writer.unreadable(this.line, [{ field: 'line', reason: 'is not valid JSON' }]);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.writer.unreadable(this.line, [{ field: 'line', reason: 'must be a JSON object' }]);
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
      const errors: FieldRejection[] = unknown.map((key) => ({ field: key.length > 100 ? key.slice(0, 100) + '…' : key, reason: 'is not a known field' }));
      this.writer.unreadable(this.line, errors);
      return;
    }
    this.writer.row(this.line, input);
  }
}
